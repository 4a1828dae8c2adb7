import { Logger } from '@nestjs/common';
import { Queue, Worker, type Job as BullJob, type JobType } from 'bullmq';
import IORedis, { type Redis } from 'ioredis';
import { newId } from '@payrail/database';
import {
  clampLimit,
  DEFAULT_QUEUE_OPTIONS,
  emptyCounts,
  JobQueue,
  JobQueueError,
  type EnqueueOptions,
  type JobFilter,
  type JobHandler,
  type JobState,
  type JobView,
  type QueueOptions,
  type QueueStats,
} from './job-queue';

export interface BullMqJobQueueOptions {
  redisUrl: string;
  /** Key prefix in Redis; tests give each suite its own. Default `payrail`. */
  prefix?: string;
}

interface Definition {
  handler: JobHandler<unknown>;
  options: Required<QueueOptions>;
}

const BULL_STATES: Record<JobState, JobType[]> = {
  waiting: ['waiting', 'prioritized', 'waiting-children', 'delayed'],
  active: ['active'],
  retrying: ['delayed'],
  completed: ['completed'],
  dead: ['failed'],
};

/**
 * Jobs in Redis through BullMQ, for many API instances. A failed try goes back as a delayed job
 * with the queue's backoff; after the last try BullMQ keeps it as failed, which is `dead` here.
 * BullMQ cannot join a database transaction: work that must exist exactly when a database change
 * does goes through an outbox table first (see the webhooks library).
 */
export class BullMqJobQueue extends JobQueue {
  readonly backend = 'bullmq' as const;
  private readonly logger = new Logger('Jobs');
  private readonly definitions = new Map<string, Definition>();
  private readonly bullQueues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  /** BullMQ leaves a connection it was handed open on close, so each worker's is quit in `stop`. */
  private readonly workerConnections: Redis[] = [];
  private readonly connection: Redis;
  private readonly prefix: string;

  constructor(options: BullMqJobQueueOptions) {
    super();
    this.connection = new IORedis(options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
    this.connection.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
    this.prefix = options.prefix ?? 'payrail';
  }

  define<T>(queue: string, handler: JobHandler<T>, options: QueueOptions = {}): void {
    if (this.definitions.has(queue)) throw new Error(`queue ${queue} already has a handler`);
    this.definitions.set(queue, {
      handler: handler as JobHandler<unknown>,
      options: { ...DEFAULT_QUEUE_OPTIONS, ...options },
    });
  }

  queues(): string[] {
    return [...this.definitions.keys()];
  }

  async enqueue<T>(queue: string, payload: T, options: EnqueueOptions = {}): Promise<string> {
    const definition = this.definitions.get(queue);
    const jobId = options.uniqueKey ? `u.${options.uniqueKey.replace(/:/g, '.')}` : newId('job');
    const job = await this.queue(queue).add(queue, payload, {
      jobId,
      delay: options.delayMs && options.delayMs > 0 ? options.delayMs : undefined,
      attempts: options.maxAttempts ?? definition?.options.maxAttempts ?? DEFAULT_QUEUE_OPTIONS.maxAttempts,
      backoff: { type: 'payrail' },
      removeOnComplete: { count: 1000 },
      removeOnFail: false,
    });
    return job.id ?? jobId;
  }

  async start(): Promise<void> {
    if (this.workers.length) return;
    for (const [name, definition] of this.definitions) {
      const worker = new Worker(
        name,
        async (job: BullJob) => {
          await definition.handler(job.data, {
            id: String(job.id),
            queue: name,
            attempt: job.attemptsMade + 1,
            maxAttempts: job.opts.attempts ?? 1,
          });
        },
        {
          connection: this.workerConnection(),
          prefix: this.prefix,
          concurrency: definition.options.concurrency,
          lockDuration: Math.min(definition.options.leaseMs, 10 * 60_000),
          settings: { backoffStrategy: (attemptsMade: number) => definition.options.backoff(attemptsMade) },
        },
      );
      worker.on('failed', (job, error) => {
        if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
          this.logger.error(
            `job ${job.id} (${name}) is dead after ${job.attemptsMade} tries: ${error.message}`,
          );
          this.reportDead(String(job.id), name, job.attemptsMade, error.message);
        }
      });
      worker.on('error', (error) => this.logger.warn(`worker ${name}: ${error.message}`));
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  private workerConnection(): Redis {
    const connection = this.connection.duplicate();
    this.workerConnections.push(connection);
    return connection;
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.close()));
    await Promise.all(this.workerConnections.splice(0).map((c) => c.quit().catch(() => undefined)));
    await Promise.all([...this.bullQueues.values()].map((q) => q.close()));
    this.bullQueues.clear();
    await this.connection.quit().catch(() => undefined);
  }

  async drain(options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    if (!this.workers.length) await this.start();
    while (Date.now() < deadline) {
      let busy = 0;
      for (const name of this.queues()) {
        const q = this.queue(name);
        const counts = await q.getJobCounts('waiting', 'active', 'prioritized');
        busy += (counts['waiting'] ?? 0) + (counts['active'] ?? 0) + (counts['prioritized'] ?? 0);
        const delayed = await q.getJobs(['delayed'], 0, 100, true);
        busy += delayed.filter((j) => dueAt(j) <= Date.now()).length;
      }
      if (busy === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`jobs still due after ${timeoutMs} ms`);
  }

  async stats(): Promise<QueueStats[]> {
    const result: QueueStats[] = [];
    for (const name of [...this.queues()].sort()) {
      const q = this.queue(name);
      const counts = await q.getJobCounts(
        'waiting',
        'prioritized',
        'waiting-children',
        'active',
        'completed',
        'failed',
      );
      const delayed = await q.getJobs(['delayed'], 0, -1);
      const retrying = delayed.filter((j) => j.attemptsMade > 0).length;
      result.push({
        queue: name,
        ...emptyCounts(),
        waiting:
          (counts['waiting'] ?? 0) +
          (counts['prioritized'] ?? 0) +
          (counts['waiting-children'] ?? 0) +
          delayed.length -
          retrying,
        active: counts['active'] ?? 0,
        retrying,
        completed: counts['completed'] ?? 0,
        dead: counts['failed'] ?? 0,
      });
    }
    return result;
  }

  async list(filter: JobFilter = {}): Promise<JobView[]> {
    const limit = clampLimit(filter.limit);
    const names = filter.queue ? [filter.queue] : this.queues();
    const views: JobView[] = [];
    for (const name of names) {
      const types = filter.state
        ? BULL_STATES[filter.state]
        : (['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'] as JobType[]);
      const jobs = await this.queue(name).getJobs(types, 0, limit * 2);
      for (const job of jobs) {
        const v = await this.view(name, job);
        if (!filter.state || v.state === filter.state) views.push(v);
      }
    }
    return views.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, limit);
  }

  async get(id: string): Promise<JobView | null> {
    for (const name of this.queues()) {
      const job = await this.queue(name).getJob(id);
      if (job) return this.view(name, job);
    }
    return null;
  }

  async retry(id: string): Promise<JobView> {
    for (const name of this.queues()) {
      const job = await this.queue(name).getJob(id);
      if (!job) continue;
      const state = await job.getState();
      if (state === 'failed') await job.retry('failed');
      else if (state === 'delayed' && job.attemptsMade > 0) await job.promote();
      else
        throw new JobQueueError(
          409,
          `job ${id} is ${(await this.view(name, job)).state}: only a dead or retrying job can be retried`,
        );
      const fresh = await this.queue(name).getJob(id);
      return this.view(name, fresh ?? job);
    }
    throw new JobQueueError(404, `no job ${id}`, 'id');
  }

  private queue(name: string): Queue {
    let q = this.bullQueues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix });
      this.bullQueues.set(name, q);
    }
    return q;
  }

  private async view(name: string, job: BullJob): Promise<JobView> {
    const bullState = await job.getState();
    const state: JobState =
      bullState === 'completed'
        ? 'completed'
        : bullState === 'failed'
          ? 'dead'
          : bullState === 'active'
            ? 'active'
            : bullState === 'delayed' && job.attemptsMade > 0
              ? 'retrying'
              : 'waiting';
    return {
      id: String(job.id),
      queue: name,
      state,
      attempts: state === 'active' ? job.attemptsMade + 1 : job.attemptsMade,
      maxAttempts: job.opts.attempts ?? 1,
      payload: job.data,
      lastError: job.failedReason || null,
      runAt: state === 'completed' || state === 'dead' ? null : new Date(dueAt(job)),
      createdAt: new Date(job.timestamp),
      finishedAt: job.finishedOn ? new Date(job.finishedOn) : null,
    };
  }
}

/** When a waiting or delayed job is due: a retry counts its backoff from its last try. */
function dueAt(job: BullJob): number {
  const from = job.attemptsMade > 0 ? (job.processedOn ?? job.timestamp) : job.timestamp;
  return from + (job.delay ?? 0);
}
