import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AuditService } from '@payrail/audit';
import { JobQueue, JobScheduler } from '@payrail/jobs';

export const AUDIT_RETENTION_QUEUE = 'audit.retention';
const DAY_MS = 24 * 3600_000;

/** Once a day, across all instances: removes audit entries older than the retention, keeping the chain verifiable. */
@Injectable()
export class AuditRetentionSchedule implements OnModuleInit {
  constructor(
    private readonly audit: AuditService,
    private readonly jobs: JobQueue,
    private readonly scheduler: JobScheduler,
  ) {}

  onModuleInit(): void {
    this.jobs.define(AUDIT_RETENTION_QUEUE, async () => void (await this.audit.purgeExpired()), {
      maxAttempts: 3,
      concurrency: 1,
      leaseMs: 30 * 60_000,
    });
    this.scheduler.every(AUDIT_RETENTION_QUEUE, DAY_MS);
  }
}
