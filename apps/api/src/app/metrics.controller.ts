import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { collectDefaultMetrics, Gauge, register } from 'prom-client';
import { Public } from '@payrail/identity';
import { JobQueue } from '@payrail/jobs';

let defaultsCollected = false;

/** Prometheus metrics in the text format: webhook, delivery and recovery counters, job queue depth, and the process's own. */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly jobs: JobQueue) {
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
  }

  @Get()
  @Header('content-type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
