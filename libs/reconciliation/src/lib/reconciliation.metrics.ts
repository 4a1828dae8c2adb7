import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Gauge, register } from 'prom-client';
import { Repository } from 'typeorm';
import { ReconciliationException } from './entities/reconciliation-exception.entity';

export const EXCEPTIONS_OPEN_METRIC = 'payrail_reconciliation_exceptions_open';

/** `payrail_reconciliation_exceptions_open{gateway,kind}`: exceptions not resolved yet (open or acknowledged), read at scrape time. */
@Injectable()
export class ReconciliationMetrics implements OnModuleInit {
  constructor(
    @InjectRepository(ReconciliationException)
    private readonly exceptions: Repository<ReconciliationException>,
  ) {}

  onModuleInit(): void {
    const repo = this.exceptions;
    register.removeSingleMetric(EXCEPTIONS_OPEN_METRIC);
    new Gauge({
      name: EXCEPTIONS_OPEN_METRIC,
      help: 'Reconciliation exceptions not resolved yet (open or acknowledged), by gateway and kind',
      labelNames: ['gateway', 'kind'],
      async collect() {
        const rows = await repo
          .createQueryBuilder('x')
          .select('x.gateway', 'gateway')
          .addSelect('x.kind', 'kind')
          .addSelect('COUNT(*)', 'n')
          .where('x.status IN (:...open)', { open: ['open', 'acknowledged'] })
          .groupBy('x.gateway')
          .addGroupBy('x.kind')
          .getRawMany<{ gateway: string; kind: string; n: string | number }>();
        this.reset();
        for (const r of rows) this.set({ gateway: r.gateway, kind: r.kind }, Number(r.n));
      },
    });
  }
}
