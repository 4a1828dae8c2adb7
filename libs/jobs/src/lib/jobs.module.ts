import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { SystemErrors, TransactionRunner } from '@payrail/database';
import { AdminJobsController } from './admin-jobs.controller';
import { DatabaseJobQueue } from './database-job-queue';
import { JobQueue } from './job-queue';

/**
 * BullMQ's queue, loaded only when a Redis URL asks for it: `bullmq` and `ioredis` cost the API
 * memory at start that a database queue never uses.
 */
function bullMq(): typeof import('./bullmq-job-queue') {
  return require('./bullmq-job-queue') as typeof import('./bullmq-job-queue');
}

export interface JobsModuleOptions {
  /** BullMQ on this Redis when set; the database otherwise. */
  redisUrl?: string;
  /** Redis key prefix (BullMQ only). */
  prefix?: string;
  /** How often an idle database worker looks for due jobs. */
  pollMs?: number;
  /** Whether this process runs jobs (default true); enqueueing works either way. */
  runWorkers?: boolean;
}

export const JOBS_OPTIONS = Symbol.for('payrail.jobs-options');

/**
 * Runs recurring work: every `intervalMs` each instance offers a job under a key unique to the
 * interval, so however many instances run, the queue gets one job per interval.
 */
@Injectable()
export class JobScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Jobs');
  private readonly recurring: Array<{ queue: string; intervalMs: number }> = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private started = false;

  constructor(
    private readonly jobs: JobQueue,
    @Inject(JOBS_OPTIONS) private readonly options: JobsModuleOptions,
  ) {}

  every(queue: string, intervalMs: number): void {
    this.recurring.push({ queue, intervalMs });
    if (this.started) this.startTimer(queue, intervalMs);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.runWorkers === false) return;
    await this.jobs.start();
    this.started = true;
    for (const { queue, intervalMs } of this.recurring) this.startTimer(queue, intervalMs);
  }

  // Before any module's shutdown hook: the database must still be there while running jobs finish.
  async onModuleDestroy(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await this.jobs.stop();
  }

  private startTimer(queue: string, intervalMs: number): void {
    const offer = () =>
      void this.jobs
        .enqueue(
          queue,
          { scheduled: true },
          { uniqueKey: `${queue}@${Math.floor(Date.now() / intervalMs)}`, maxAttempts: 1 },
        )
        .catch((error: Error) => this.logger.warn(`could not schedule ${queue}: ${error.message}`));
    const timer = setInterval(offer, intervalMs);
    timer.unref?.();
    this.timers.push(timer);
  }
}

/** `JobsModule.forRoot({ redisUrl? })`: provides the `JobQueue` (BullMQ with a Redis URL, else the database) everywhere. */
@Global()
@Module({})
export class JobsModule {
  static forRoot(options: JobsModuleOptions = {}): DynamicModule {
    return {
      module: JobsModule,
      global: true,
      controllers: [AdminJobsController],
      providers: [
        { provide: JOBS_OPTIONS, useValue: options },
        {
          provide: JobQueue,
          inject: [TransactionRunner, { token: SystemErrors, optional: true }],
          useFactory: (tx: TransactionRunner, systemErrors?: SystemErrors) => {
            const queue = options.redisUrl
              ? new (bullMq().BullMqJobQueue)({ redisUrl: options.redisUrl, prefix: options.prefix })
              : new DatabaseJobQueue(tx, { pollMs: options.pollMs });
            return systemErrors ? queue.reportTo(systemErrors) : queue;
          },
        },
        JobScheduler,
      ],
      exports: [JobQueue, JobScheduler],
    };
  }
}
