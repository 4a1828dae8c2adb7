import type * as Pg from 'pg';
import type { EntityManager, QueryRunner } from 'typeorm';

/** The driver, loaded when a literal is first written (an instance on SQLite never loads it). */
let driver: (typeof Pg & { utils: { prepareValue: (value: unknown) => unknown } }) | undefined;
const pg = () => (driver ??= require('pg') as NonNullable<typeof driver>);
const escapeLiteral = (text: string) => pg().escapeLiteral(text);
/** node-postgres's own conversion of a parameter to the text it sends (exported, not typed). */
const prepareValue = (value: unknown) => pg().utils.prepareValue(value);

/**
 * On PostgreSQL every statement is a round trip: the API writes it to the socket and waits for
 * the server's answer. A transaction's inserts whose answer nobody reads (an attempt, timeline
 * and outbox rows, an audit entry) need not wait for one each. `TransactionRunner` gives each
 * PostgreSQL transaction a queue; `insertRows` puts its statements there, and they are sent
 * together with the next statement, or with the `COMMIT`, as one simple query. The transaction's
 * own `START TRANSACTION` waits the same way, so a transaction that only inserts is one round
 * trip. Nothing is reordered: whatever else the transaction sends first sends what is queued.
 * A failed insert fails the statement it travels with, and the transaction rolls back as it
 * would have.
 */
export class DeferredWrites {
  private readonly queued: string[] = [];

  constructor(
    private begin: string | null,
    /** Sends a text on the transaction's connection. */
    private readonly send: (sql: string) => Promise<unknown>,
  ) {}

  /** Sends what waits now: before a statement that bypasses TypeORM's query runner (COPY, a raw client). */
  async flush(): Promise<void> {
    if (this.waiting) await this.send(this.take());
  }

  /**
   * Takes a statement with `$n` placeholders and its parameters, to be sent later; false (and
   * nothing queued) when a value has no literal form, and the caller sends the statement itself.
   */
  offer(sql: string, parameters: readonly unknown[]): boolean {
    try {
      this.queued.push(inlineParameters(sql, parameters));
      return true;
    } catch (error) {
      if (error instanceof NotALiteralError) return false;
      throw error;
    }
  }

  /** Whether anything waits, the transaction's start included. */
  get waiting(): boolean {
    return this.begin !== null || this.queued.length > 0;
  }

  /** Whether an insert waits. */
  get queuedAny(): boolean {
    return this.queued.length > 0;
  }

  /** Whether the server has seen the transaction start. */
  get begun(): boolean {
    return this.begin === null;
  }

  /** What waits, with `last` after it, as one simple query; empties the queue. */
  take(last?: string): string {
    const parts = [...(this.begin ? [this.begin] : []), ...this.queued, ...(last ? [last] : [])];
    this.begin = null;
    this.queued.length = 0;
    return parts.join(STATEMENT_SEPARATOR);
  }

  /** Drops what waits: the transaction (or its innermost savepoint) is being rolled back. */
  drop(): void {
    this.queued.length = 0;
  }
}

/** Between the statements of a merged query; the statement counter splits on it. */
export const STATEMENT_SEPARATOR = ';\n';

const byRunner = new WeakMap<QueryRunner, DeferredWrites>();

export function attachDeferredWrites(runner: QueryRunner, writes: DeferredWrites): void {
  byRunner.set(runner, writes);
}

/** The queue of the transaction `m` runs in, if it has one (only PostgreSQL transactions do). */
export function deferredWritesOf(m: EntityManager): DeferredWrites | undefined {
  return m.queryRunner ? byRunner.get(m.queryRunner) : undefined;
}

/**
 * Sends what `m`'s transaction has waiting, its start included. Code that talks to the
 * connection's own client instead of through `m` calls this first, or its statements would run
 * before the transaction has begun.
 */
export async function flushDeferredWrites(m: EntityManager): Promise<void> {
  await deferredWritesOf(m)?.flush();
}

/** A value `inlineParameters` cannot write as a literal. */
export class NotALiteralError extends Error {}

/**
 * `sql` with its `$n` placeholders replaced by literals: for COPY, which takes no parameters, and
 * for statements sent together as one simple query. Values are written as node-postgres would
 * bind them (a Date as its local time with offset, through the driver's own conversion) and
 * quoted by its `escapeLiteral`, so a literal resolves to the type a parameter would. Numbers
 * and booleans go bare; a value of any other kind (an array, an object) throws.
 */
export function inlineParameters(sql: string, parameters: readonly unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= parameters.length) throw new NotALiteralError(`no value for parameter $${n}`);
    return literal(parameters[i], n);
  });
}

function literal(value: unknown, n: string): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NotALiteralError(`parameter $${n} is not a finite number`);
    return String(value);
  }
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return escapeLiteral(value);
  if (value instanceof Date) return escapeLiteral(prepareValue(value) as string);
  if (Buffer.isBuffer(value)) return `${escapeLiteral(`\\x${value.toString('hex')}`)}::bytea`;
  throw new NotALiteralError(`parameter $${n} cannot be written as a literal`);
}
