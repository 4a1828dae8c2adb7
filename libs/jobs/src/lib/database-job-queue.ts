import { Logger } from '@nestjs/common';
import { Brackets, type EntityManager } from 'typeorm';
import { insertRow, isUniqueViolation, newId, updateRows, type TransactionRunner } from '@payrail/database';
import { Job } from './job.entity';
import {
  clampLimit,
  DEFAULT_QUEUE_OPTIONS,
  emptyCounts,
  JobQueue,
  JobQueueError,
  JOB_STATES,
  type ClaimedJob,
  type EnqueueOptions,
  type JobFilter,
  type JobHandler,
  type JobState,
  type JobView,
  type QueueOptions,
  type QueueStats,
} from './job-queue';

interface Definition {
  handler: JobHandler<unknown>;
  options: Required<QueueOptions>;
}

const COMPLETED_RETENTION_MS = 7 * 24 * 3600_000;
const PURGE_EVERY_MS = 10 * 60_000;

export interface DatabaseJobQueueOptions {
  /** How often an idle worker looks for due jobs; default 1000 ms. */
  pollMs?: number;
}

/**
 * Jobs in the `jobs` table. A worker claims due jobs in a short transaction (on PostgreSQL with
 * `FOR UPDATE SKIP LOCKED`, so instances never take the same job; on SQLite through the
 * TransactionRunner, which serializes writers), runs them outside it, and records the result
 * only if its claim still holds.
 */
export class DatabaseJobQueue extends JobQueue {
  readonly backend = 'database' as const;
  private readonly logger = new Logger('Jobs');
  private readonly definitions = new Map<string, Definition>();
  private readonly running = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private ticking: Promise<number> | null = null;
  private readonly pollMs: number;
  private finishing: Array<{ job: Job; changes: JobEnd }> = [];
  private finishing$: Promise<void> | null = null;
  private lastPurge = 0;

  constructor(
    private readonly tx: TransactionRunner,
    options: DatabaseJobQueueOptions = {},
  ) {
    super();
    this.pollMs = options.pollMs ?? 1000;
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

  async enqueue<T>(
    queue: string,
    payload: T,
    options: EnqueueOptions = {},
    manager?: EntityManager,
  ): Promise<string> {
    const maxAttempts =
      options.maxAttempts ??
      this.definitions.get(queue)?.options.maxAttempts ??
      DEFAULT_QUEUE_OPTIONS.maxAttempts;
    const job = {
      id: newId('job'),
      queue,
      payload: payload as Record<string, unknown>,
      state: 'waiting' as JobState,
      attempts: 0,
      maxAttempts,
      runAt: new Date(Date.now() + (options.delayMs ?? 0)),
      lockedUntil: null,
      lastError: null,
      finishedAt: null,
      uniqueKey: options.uniqueKey ?? null,
    };
    const insert = async (m: EntityManager) => {
      if (options.uniqueKey) {
        const existing = await m.findOneBy(Job, { uniqueKey: options.uniqueKey });
        if (existing) return existing.id;
      }
      await insertRow(m, Job, job as never);
      return job.id;
    };
    try {
      const id = manager ? await insert(manager) : await this.tx.run(insert);
      if (!manager && !options.delayMs) this.nudge();
      return id;
    } catch (error) {
      // A concurrent enqueue with the same key won; that job stands for both.
      if (options.uniqueKey && !manager && isUniqueViolation(error)) {
        const existing = await this.tx.dataSource
          .getRepository(Job)
          .findOneBy({ uniqueKey: options.uniqueKey });
        if (existing) return existing.id;
      }
      throw error;
    }
  }

  /**
   * The job row goes in as `active` under this process's lease, with its first try counted, in
   * the caller's transaction: the claim is part of that commit instead of one of its own, and the
   * job does not wait for a poll. It runs when the caller calls `start()` after its commit. A crash
   * before or during the run leaves the job active until the lease lapses; then any worker takes
   * it over, as it takes over any crashed run, and a rolled-back transaction leaves no job at all.
   */
  override async enqueueClaimed<T>(
    queue: string,
    payload: T,
    manager: EntityManager,
  ): Promise<ClaimedJob | null> {
    const definition = this.definitions.get(queue);
    if (this.stopped || !definition || this.busy(queue) >= definition.options.concurrency) return null;
    const now = new Date();
    const job = {
      id: newId('job'),
      queue,
      payload: payload as Record<string, unknown>,
      state: 'active' as JobState,
      attempts: 1,
      maxAttempts: definition.options.maxAttempts,
      runAt: now,
      lockedUntil: new Date(now.getTime() + definition.options.leaseMs),
      lastError: null,
      finishedAt: null,
      uniqueKey: null,
    };
    await insertRow(manager, Job, job as never);
    const key = `${queue}|${job.id}`;
    // Holds the room until the job starts or the claim is given up.
    this.running.set(key, Promise.resolve());
    let settled = false;
    return {
      id: job.id,
      start: () => {
        if (settled) return;
        settled = true;
        const run = this.run(job as Job, definition)
          .catch((error: Error) => this.logger.error(`recording job ${job.id} failed: ${error.message}`))
          .finally(() => this.running.delete(key));
        this.running.set(key, run);
      },
      abandon: () => {
        if (settled) return;
        settled = true;
        this.running.delete(key);
      },
    };
  }

  private busy(queue: string): number {
    let count = 0;
    for (const key of this.running.keys()) if (key.startsWith(`${queue}|`)) count++;
    return count;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking?.catch(() => undefined);
    await Promise.allSettled([...this.running.values()]);
  }

  async drain(options: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      const claimed = await this.tick();
      await Promise.allSettled([...this.running.values()]);
      if (claimed === 0 && this.running.size === 0 && (await this.dueCount()) === 0) return;
      // On SQLite every statement settles as a microtask: without a pause this loop would never
      // let the event loop reach the `setImmediate` that writes a batch of job ends.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`jobs still due after ${options.timeoutMs ?? 30_000} ms`);
  }

  async stats(): Promise<QueueStats[]> {
    const rows: Array<{ queue: string; state: JobState; count: string | number }> = await this.tx.dataSource
      .getRepository(Job)
      .createQueryBuilder('j')
      .select('j.queue', 'queue')
      .addSelect('j.state', 'state')
      .addSelect('COUNT(*)', 'count')
      .groupBy('j.queue')
      .addGroupBy('j.state')
      .getRawMany();
    const byQueue = new Map<string, QueueStats>();
    for (const queue of this.queues()) byQueue.set(queue, { queue, ...emptyCounts() });
    for (const row of rows) {
      const stats = byQueue.get(row.queue) ?? { queue: row.queue, ...emptyCounts() };
      if (JOB_STATES.includes(row.state)) stats[row.state] = Number(row.count);
      byQueue.set(row.queue, stats);
    }
    return [...byQueue.values()].sort((a, b) => a.queue.localeCompare(b.queue));
  }

  async list(filter: JobFilter = {}): Promise<JobView[]> {
    const limit = clampLimit(filter.limit);
    const rows = await this.tx.dataSource.getRepository(Job).find({
      where: {
        ...(filter.queue ? { queue: filter.queue } : {}),
        ...(filter.state ? { state: filter.state } : {}),
      },
      order: { id: 'DESC' },
      take: limit,
    });
    return rows.map(view);
  }

  async get(id: string): Promise<JobView | null> {
    const row = await this.tx.dataSource.getRepository(Job).findOneBy({ id });
    return row ? view(row) : null;
  }

  async retry(id: string): Promise<JobView> {
    const row = await this.tx.run(async (m) => {
      const job = await m.findOne(Job, {
        where: { id },
        ...(this.tx.postgres ? { lock: { mode: 'pessimistic_write' as const } } : {}),
      });
      if (!job) throw new JobQueueError(404, `no job ${id}`, 'id');
      if (job.state !== 'dead' && job.state !== 'retrying')
        throw new JobQueueError(409, `job ${id} is ${job.state}: only a dead or retrying job can be retried`);
      job.state = 'waiting';
      job.runAt = new Date();
      job.maxAttempts = Math.max(job.maxAttempts, job.attempts + 1);
      job.finishedAt = null;
      return m.save(job);
    });
    this.nudge();
    return view(row);
  }

  // ---- the worker ----

  private nudge(): void {
    if (!this.stopped) this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick()
        .catch((error: Error) => this.logger.error(`claiming jobs failed: ${error.message}`))
        .then((claimed) => this.schedule(claimed ? 0 : this.pollMs));
    }, delayMs);
    this.timer.unref?.();
  }

  /** Claims what this process has room for and starts it; returns how many jobs were claimed. */
  private tick(): Promise<number> {
    if (this.ticking) return this.ticking;
    this.ticking = this.claimAndRun().finally(() => (this.ticking = null));
    return this.ticking;
  }

  private async claimAndRun(): Promise<number> {
    await this.purgeFinished();
    // One read, outside any transaction, tells which queues have work: an idle poll is one
    // statement, not a transaction per queue.
    const due = await this.dueQueues();
    let claimed = 0;
    for (const [queue, definition] of this.definitions) {
      if (!due.has(queue)) continue;
      const room = definition.options.concurrency - this.busy(queue);
      if (room <= 0) continue;
      const jobs = await this.claim(queue, room, definition.options.leaseMs);
      claimed += jobs.length;
      for (const job of jobs) {
        const key = `${queue}|${job.id}`;
        const run = this.run(job, definition)
          .catch((error: Error) => this.logger.error(`recording job ${job.id} failed: ${error.message}`))
          .finally(() => this.running.delete(key));
        this.running.set(key, run);
      }
    }
    return claimed;
  }

  private claim(queue: string, room: number, leaseMs: number): Promise<Job[]> {
    return this.tx.lazy(async (m) => {
      const now = new Date();
      const query = m
        .getRepository(Job)
        .createQueryBuilder('j')
        .where('j.queue = :queue', { queue })
        .andWhere(
          new Brackets((b) =>
            b
              .where('j.state IN (:...due) AND j.runAt <= :now', { due: ['waiting', 'retrying'], now })
              .orWhere("j.state = 'active' AND j.lockedUntil < :now", { now }),
          ),
        )
        .orderBy('j.runAt', 'ASC')
        .take(room);
      if (this.tx.postgres) query.setLock('pessimistic_write').setOnLocked('skip_locked');
      const jobs = await query.getMany();
      for (const job of jobs) {
        job.state = 'active';
        job.attempts += 1;
        job.lockedUntil = new Date(now.getTime() + leaseMs);
        await m.update(
          Job,
          { id: job.id },
          { state: job.state, attempts: job.attempts, lockedUntil: job.lockedUntil },
        );
      }
      return jobs;
    });
  }

  private async run(job: Job, definition: Definition): Promise<void> {
    let failure: Error | null = null;
    let completedIn = false;
    try {
      await definition.handler(job.payload, {
        id: job.id,
        queue: job.queue,
        attempt: job.attempts,
        maxAttempts: job.maxAttempts,
        completeIn: async (m) => {
          // Only while the claim holds, as `finish` writes it.
          await updateRows(
            m,
            Job,
            { state: 'completed', lockedUntil: null, lastError: null, finishedAt: new Date() },
            { id: job.id, state: 'active', attempts: job.attempts },
          );
          completedIn = true;
        },
      });
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    // The handler's own commit ended the job.
    if (!failure && completedIn) return;
    const now = new Date();
    const dead = failure !== null && job.attempts >= job.maxAttempts;
    const changes = failure
      ? {
          state: (dead ? 'dead' : 'retrying') as JobState,
          runAt: dead ? job.runAt : new Date(now.getTime() + definition.options.backoff(job.attempts)),
          lockedUntil: null,
          lastError: failure.message.slice(0, 1000),
          finishedAt: dead ? now : null,
        }
      : { state: 'completed' as JobState, lockedUntil: null, lastError: null, finishedAt: now };
    await this.finish(job, changes);
    if (dead) {
      this.logger.error(
        `job ${job.id} (${job.queue}) is dead after ${job.attempts} tries: ${failure?.message}`,
      );
      this.reportDead(job.id, job.queue, job.attempts, failure?.message ?? '');
    }
  }

  /**
   * Records a job's end. Jobs that end together (a burst of webhooks) share one lazy commit:
   * the ends queued while one commit runs are written by the next. A crash before it leaves the
   * job active, and it runs again once its lease lapses, as any job does (handlers are idempotent).
   */
  private finish(job: Job, changes: JobEnd): Promise<void> {
    this.finishing.push({ job, changes });
    this.finishing$ ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const batch = this.finishing;
      this.finishing = [];
      this.finishing$ = null;
      return this.tx.lazy(async (m) => {
        // Only while the claim holds: a job taken over after its lease lapsed belongs to the new worker.
        for (const { job: ended, changes: set } of batch)
          await m.update(Job, { id: ended.id, state: 'active', attempts: ended.attempts }, set);
      });
    });
    return this.finishing$;
  }

  /** Completed jobs are kept a week for the admin view, then deleted (checked every 10 minutes); dead ones stay until retried. */
  private async purgeFinished(): Promise<void> {
    if (Date.now() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = Date.now();
    const cutoff = new Date(Date.now() - COMPLETED_RETENTION_MS);
    await this.tx.lazy((m) =>
      m
        .createQueryBuilder()
        .delete()
        .from(Job)
        .where("state = 'completed' AND finished_at < :cutoff", { cutoff })
        .execute(),
    );
  }

  private async dueQueues(): Promise<Set<string>> {
    if (this.definitions.size === 0) return new Set();
    const now = new Date();
    const rows: Array<{ queue: string }> = await this.tx.dataSource
      .getRepository(Job)
      .createQueryBuilder('j')
      .select('DISTINCT j.queue', 'queue')
      .where('j.queue IN (:...queues)', { queues: this.queues() })
      .andWhere(
        new Brackets((b) =>
          b
            .where('j.state IN (:...due) AND j.runAt <= :now', { due: ['waiting', 'retrying'], now })
            .orWhere("j.state = 'active' AND j.lockedUntil < :now", { now }),
        ),
      )
      .getRawMany();
    return new Set(rows.map((r) => r.queue));
  }

  private async dueCount(): Promise<number> {
    const now = new Date();
    return this.tx.dataSource
      .getRepository(Job)
      .createQueryBuilder('j')
      .where('j.queue IN (:...queues)', { queues: this.queues().length ? this.queues() : ['-'] })
      .andWhere(
        new Brackets((b) =>
          b
            .where('j.state IN (:...due) AND j.runAt <= :now', { due: ['waiting', 'retrying'], now })
            .orWhere("j.state = 'active'"),
        ),
      )
      .getCount();
  }
}

/** The columns a job's end changes. */
type JobEnd = Pick<Partial<Job>, 'state' | 'runAt' | 'lockedUntil' | 'lastError' | 'finishedAt'>;

function view(job: Job): JobView {
  return {
    id: job.id,
    queue: job.queue,
    state: job.state,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    payload: job.payload,
    lastError: job.lastError,
    runAt: job.state === 'completed' || job.state === 'dead' ? null : job.runAt,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
  };
}
