import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { attachDeferredWrites, DeferredWrites, STATEMENT_SEPARATOR } from './deferred-writes';
import { WalCheckpointer, type PragmaConnection } from './wal-checkpointer';
import { WalFlusher } from './wal-flusher';

export interface TransactionOptions {
  /**
   * `flushed` (the default): on disk when `run` resolves, as a commit before a gateway call or
   * before a webhook is acknowledged must be. `lazy`: atomic and safe from a process crash at
   * once, on disk with the next flushed commit or within about a second; for what recovery
   * rebuilds from the gateway after a power loss (outcomes, idempotency records, job and
   * delivery bookkeeping). Commits reach the disk in order, so a flushed commit makes every
   * earlier lazy one durable too.
   */
  durability?: 'flushed' | 'lazy';
}

/** A lazy commit on SQLite reaches the disk within this long. */
export const LAZY_FLUSH_MS = 1_000;

/**
 * Runs units of work in a transaction. SQLite has one connection, on which TypeORM would nest
 * concurrent transactions as savepoints of each other; there they are run one at a time.
 * SQLite commits without a sync of its own (WAL, synchronous=NORMAL): a flushed commit waits for
 * a sync of the log done on the thread pool, so the event loop never blocks on the disk and
 * concurrent commits share one sync; its checkpoints run on a thread of their own
 * (`WalCheckpointer`). PostgreSQL syncs its own commits; a lazy one is an asynchronous commit there.
 */
@Injectable()
export class TransactionRunner implements OnModuleDestroy {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly wal: WalFlusher | null;
  private readonly checkpointer: WalCheckpointer | null;
  private lazyPending = false;
  private readonly timer: NodeJS.Timeout | null = null;

  constructor(@InjectDataSource() readonly dataSource: DataSource) {
    const file = this.postgres ? undefined : (dataSource.options.database as string | undefined);
    this.wal = file && file !== ':memory:' ? new WalFlusher(`${file}-wal`) : null;
    const connection = (dataSource.driver as { databaseConnection?: PragmaConnection }).databaseConnection;
    this.checkpointer = file && this.wal && connection ? new WalCheckpointer(file, connection) : null;
    if (this.wal) {
      this.timer = setInterval(() => {
        if (!this.lazyPending) return;
        this.lazyPending = false;
        void this.flush();
      }, LAZY_FLUSH_MS);
      this.timer.unref();
    }
  }

  get postgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const lazy = options.durability === 'lazy';
    if (this.postgres) return this.postgresTransaction(work, lazy);
    const result = this.queue.then(() => this.dataSource.transaction(work));
    this.queue = result.catch(() => undefined);
    if (lazy) {
      this.lazyPending = true;
      return result;
    }
    return result.then(async (value) => {
      await this.flush();
      return value;
    });
  }

  /**
   * PostgreSQL: what `DataSource.transaction` does, with fewer round trips. The
   * `START TRANSACTION` (with `SET LOCAL synchronous_commit TO OFF` for a lazy commit) and the
   * inserts `insertRows` queues wait for the transaction's next statement or its `COMMIT`, and
   * go with it as one simple query (see `DeferredWrites`).
   */
  private async postgresTransaction<T>(
    work: (manager: EntityManager) => Promise<T>,
    lazy: boolean,
  ): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    const query = runner.query.bind(runner);
    const writes = new DeferredWrites(
      lazy
        ? `START TRANSACTION${STATEMENT_SEPARATOR}SET LOCAL synchronous_commit TO OFF`
        : 'START TRANSACTION',
      (sql) => query(sql),
    );
    runner.query = (async (sql: string, ...rest: unknown[]) => {
      if (sql === 'START TRANSACTION') return undefined;
      if (sql === 'COMMIT' || /^ROLLBACK\b/.test(sql)) {
        if (sql !== 'COMMIT') writes.drop();
        // A transaction the server has not seen and that has nothing queued ends here.
        if (!writes.begun && !writes.queuedAny) {
          writes.take();
          return undefined;
        }
        return query(writes.take(sql));
      }
      await writes.flush();
      return query(sql, ...(rest as []));
    }) as typeof runner.query;
    attachDeferredWrites(runner, writes);
    try {
      await runner.startTransaction();
      const result = await work(runner.manager);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      runner.query = query;
      await runner.release();
    }
  }

  /** `run` with `durability: 'lazy'`. */
  lazy<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.run(work, { durability: 'lazy' });
  }

  /** Resolves once everything committed so far is on disk. */
  async flush(): Promise<void> {
    await this.wal?.flush();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.lazyPending) await this.flush().catch(() => undefined);
    await this.checkpointer?.close();
    await this.wal?.close();
  }
}
