import { Injectable, type OnModuleInit } from '@nestjs/common';
import { JobQueue, JobScheduler } from '@payrail/jobs';
import { RetentionService } from './retention.service';

export const RETENTION_QUEUE = 'privacy.retention';
const DAY_MS = 24 * 3600_000;

/** Once a day, across all instances: the retention purge of every class. */
@Injectable()
export class RetentionSchedule implements OnModuleInit {
  constructor(
    private readonly retention: RetentionService,
    private readonly jobs: JobQueue,
    private readonly scheduler: JobScheduler,
  ) {}

  onModuleInit(): void {
    this.jobs.define(RETENTION_QUEUE, async () => void (await this.retention.purge()), {
      maxAttempts: 3,
      concurrency: 1,
      leaseMs: 30 * 60_000,
    });
    this.scheduler.every(RETENTION_QUEUE, DAY_MS);
  }
}
