import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { SYSTEM_ACTOR } from '@payrail/audit';
import { ConnectionService, GatewayConnectionRecord } from '@payrail/gateways';
import { Clock } from '@payrail/identity';
import { JobQueue, JobScheduler } from '@payrail/jobs';
import { ReconciliationRun } from './entities/reconciliation-run.entity';
import { DAY_MS, RECONCILIATION_OPTIONS, type ReconciliationOptions } from './reconciliation.options';
import { ReconciliationService } from './reconciliation.service';

export const RECONCILIATION_SCHEDULE_QUEUE = 'reconciliation.schedule';

/** The window a scheduled run covers: the whole interval before the one `now` falls in (yesterday, UTC, by default). */
export function scheduledWindow(now: Date, intervalMs: number): { from: Date; to: Date } {
  const to = new Date(Math.floor(now.getTime() / intervalMs) * intervalMs);
  return { from: new Date(to.getTime() - intervalMs), to };
}

/**
 * Once per interval (a day by default, `PAYRAIL_RECONCILIATION_INTERVAL_MS`), across all
 * instances: a run per enabled connection whose gateway reports settlements, over the interval
 * before, unless one already covers it.
 */
@Injectable()
export class ReconciliationSchedule implements OnModuleInit {
  private readonly logger = new Logger('Reconciliation');

  constructor(
    @InjectRepository(GatewayConnectionRecord)
    private readonly connectionRows: Repository<GatewayConnectionRecord>,
    @InjectRepository(ReconciliationRun) private readonly runs: Repository<ReconciliationRun>,
    private readonly connections: ConnectionService,
    private readonly reconciliation: ReconciliationService,
    private readonly jobs: JobQueue,
    private readonly scheduler: JobScheduler,
    private readonly clock: Clock,
    @Inject(RECONCILIATION_OPTIONS) private readonly options: ReconciliationOptions,
  ) {}

  /** The window a scheduled run covers; a day when the schedule is off (for `startDue` by hand). */
  get intervalMs(): number {
    return this.options.scheduleIntervalMs || DAY_MS;
  }

  onModuleInit(): void {
    this.jobs.define(RECONCILIATION_SCHEDULE_QUEUE, async () => void (await this.startDue()), {
      maxAttempts: 3,
      concurrency: 1,
    });
    if (this.options.runSchedule !== false && this.options.scheduleIntervalMs !== 0)
      this.scheduler.every(RECONCILIATION_SCHEDULE_QUEUE, this.intervalMs);
  }

  /** Starts the runs the last interval needs; returns them. */
  async startDue(now = this.clock.now()): Promise<ReconciliationRun[]> {
    const window = scheduledWindow(now, this.intervalMs);
    const started: ReconciliationRun[] = [];
    for (const connection of await this.connectionRows.findBy({ enabled: true })) {
      const gateway = this.connections.gatewayFor(connection);
      if (!gateway.capabilities.settlementReports) continue;
      const done = await this.runs
        .createQueryBuilder('r')
        .where('r.connectionId = :c', { c: connection.id })
        .andWhere('r.windowFrom = :from AND r.windowTo = :to', window)
        .andWhere("r.status <> 'failed'")
        .getExists();
      if (done) continue;
      try {
        started.push(
          await this.reconciliation.start(
            [connection.merchantId],
            { connectionId: connection.id, ...window, trigger: 'scheduled' },
            SYSTEM_ACTOR,
          ),
        );
      } catch (error) {
        this.logger.warn(`no scheduled run for ${connection.id}: ${(error as Error).message}`);
      }
    }
    return started;
  }
}
