import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { collectDefaultMetrics, Gauge, register } from 'prom-client';
import { Public } from '@payrail/identity';
import { STATEMENT_COUNTER } from '@payrail/database';
import { JobQueue } from '@payrail/jobs';
import { PAYRAIL_CONFIG, type PayrailConfig } from './config';

let defaultsCollected = false;

/** Prometheus metrics in the text format: webhook, delivery and recovery counters, job queue depth, and the process's own. */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly jobs: JobQueue,
    @Inject(PAYRAIL_CONFIG) config: PayrailConfig,
  ) {
    if (!defaultsCollected) {
      collectDefaultMetrics();
      defaultsCollected = true;
    }
    const queue = this.jobs;
    register.removeSingleMetric('payrail_jobs');
    new Gauge({
      name: 'payrail_jobs',
      help: 'Jobs by queue and state',
      labelNames: ['queue', 'state'],
      async collect() {
        this.reset();
        for (const stats of await queue.stats()) {
          for (const state of ['waiting', 'active', 'retrying', 'dead'] as const)
            this.set({ queue: stats.queue, state }, stats[state]);
        }
      },
    });
    register.removeSingleMetric('payrail_db_statements');
    if (config.countStatements)
      new Gauge({
        name: 'payrail_db_statements',
        help: 'Database statements sent, commits and rollbacks since start (PAYRAIL_COUNT_STATEMENTS=on)',
        labelNames: ['kind'],
        collect() {
          const counts = STATEMENT_COUNTER.snapshot();
          this.set({ kind: 'statement' }, counts.statements);
          this.set({ kind: 'commit' }, counts.commits);
          this.set({ kind: 'rollback' }, counts.rollbacks);
        },
      });
  }

  @Get()
  @Header('content-type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
