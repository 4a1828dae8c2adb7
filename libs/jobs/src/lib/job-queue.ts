import type { EntityManager } from 'typeorm';
import type { SystemErrors } from '@payrail/database';

/** Where a job is: due or scheduled, running, waiting for its next try, done, or out of tries. */
export type JobState = 'waiting' | 'active' | 'retrying' | 'completed' | 'dead';
export const JOB_STATES: readonly JobState[] = ['waiting', 'active', 'retrying', 'completed', 'dead'];

export interface JobContext {
  id: string;
  queue: string;
  /** 1 for the first try. */
  attempt: number;
  maxAttempts: number;
  /**
   * Records the job completed in the handler's own last transaction, so its end costs no commit
   * of its own; the queue then writes no end for a try that returns. Only the database queue
   * offers it, and only a handler that returns once that transaction committed may call it.
   */
  completeIn?: (manager: EntityManager) => Promise<void>;
}

/** Does the work; throwing means this try failed and the job is retried (or dead after its last try). */
export type JobHandler<T = unknown> = (payload: T, context: JobContext) => Promise<void>;

export interface QueueOptions {
  /** Tries before the job is dead; default 5. */
  maxAttempts?: number;
  /** Milliseconds to wait after failed try number `attempt` (1-based); default exponential from 10 s. */
  backoff?: (attempt: number) => number;
  /** Jobs of this queue run at once per process; default 2. */
  concurrency?: number;
  /** How long a claimed job is held before another worker may take it over (a crashed worker); default 5 min. */
  leaseMs?: number;
}

/** A job inserted already claimed by this process (see `JobQueue.enqueueClaimed`). */
export interface ClaimedJob {
  readonly id: string;
  /** Runs the job here; call it once the transaction that inserted it has committed. */
  start(): void;
  /** Gives the claim's room back when that transaction did not commit. */
  abandon(): void;
}

export interface EnqueueOptions {
  /** Run no sooner than this many milliseconds from now. */
  delayMs?: number;
  /** Overrides the queue's `maxAttempts`. */
  maxAttempts?: number;
  /** A job with the same key is enqueued once; a second enqueue returns the first job's id. */
  uniqueKey?: string;
}

export interface JobView {
  id: string;
  queue: string;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  payload: unknown;
  lastError: string | null;
  runAt: Date | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export type QueueCounts = Record<JobState, number>;

export interface QueueStats extends QueueCounts {
  queue: string;
}

export interface JobFilter {
  queue?: string;
  state?: JobState;
  /** 1 to 200, default 50. */
  limit?: number;
}

/** Exponential backoff: `baseMs`, then doubling, capped at `maxMs`. */
export function exponentialBackoff(baseMs: number, maxMs = 24 * 3600_000): (attempt: number) => number {
  return (attempt) => Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** A fixed list of waits, one per failed try (the last repeats). */
export function scheduleBackoff(waitsMs: readonly number[]): (attempt: number) => number {
  return (attempt) => waitsMs[Math.min(waitsMs.length, Math.max(1, attempt)) - 1];
}

export const DEFAULT_QUEUE_OPTIONS: Required<QueueOptions> = {
  maxAttempts: 5,
  backoff: exponentialBackoff(10_000),
  concurrency: 2,
  leaseMs: 5 * 60_000,
};

/** An unknown job id, or a retry of a job that is not failed. */
export class JobQueueError extends Error {
  constructor(
    readonly status: 404 | 409 | 400,
    message: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = 'JobQueueError';
  }
}

/**
 * Background work with retries. Two backends behave alike: the database (the default; on
 * PostgreSQL several API instances share it through `FOR UPDATE SKIP LOCKED`) and BullMQ on
 * Redis. Handlers are defined per queue at start-up; `enqueue` may run in a caller's
 * transaction on the database backend, so the job exists exactly when the caller's change does.
 */
export abstract class JobQueue {
  abstract readonly backend: 'database' | 'bullmq';
  /** Where a job that ran out of tries is reported (the issue log listens), when composed. */
  protected systemErrors?: SystemErrors;

  reportTo(systemErrors: SystemErrors): this {
    this.systemErrors = systemErrors;
    return this;
  }

  protected reportDead(id: string, queue: string, tries: number, message: string): void {
    this.systemErrors?.report({
      kind: 'job_dead',
      source: `queue:${queue}`,
      title: `Jobs of ${queue} die after every try`,
      detail: `job ${id} is dead after ${tries} tries: ${message}`,
    });
  }
  abstract define<T>(queue: string, handler: JobHandler<T>, options?: QueueOptions): void;
  /** Returns the job's id. `manager` is honoured by the database backend only. */
  abstract enqueue<T>(
    queue: string,
    payload: T,
    options?: EnqueueOptions,
    manager?: EntityManager,
  ): Promise<string>;
  /**
   * Inserts a job in `manager`'s transaction already claimed by this process, so that its claim
   * costs no commit of its own; `null` when this backend or process cannot (no worker running
   * here, the queue at its concurrency, or BullMQ), and the caller enqueues it as usual.
   */
  enqueueClaimed<T>(_queue: string, _payload: T, _manager: EntityManager): Promise<ClaimedJob | null> {
    return Promise.resolve(null);
  }
  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
  /** Runs every job that is due now until none is left (bounded by `timeoutMs`); for tests and the CLI. */
  abstract drain(options?: { timeoutMs?: number }): Promise<void>;
  abstract stats(): Promise<QueueStats[]>;
  abstract list(filter?: JobFilter): Promise<JobView[]>;
  abstract get(id: string): Promise<JobView | null>;
  /** Puts a dead (or retrying) job back to run now, with one more try. */
  abstract retry(id: string): Promise<JobView>;
  /** The queues that have a handler here. */
  abstract queues(): string[];
}

export function emptyCounts(): QueueCounts {
  return { waiting: 0, active: 0, retrying: 0, completed: 0, dead: 0 };
}

export function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    throw new JobQueueError(400, 'limit must be an integer from 1 to 200', 'limit');
  return limit;
}
