import type Database from 'better-sqlite3';
import type { PoolClient } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { DataSource, EntityManager } from 'typeorm';
import { flushDeferredWrites, inlineParameters } from '@payrail/database';
import { copyLines, CopyRowDecoder, type CopyColumnType } from './pg-copy';

/** A column of a bulk write, with the type PostgreSQL reads its array as. */
export interface BulkColumn {
  name: string;
  type: 'varchar' | 'bigint' | 'integer' | 'timestamp' | 'text';
}

/** The page cache of a streaming reader's own SQLite connection, in KiB (the driver's default is 16 MB). */
const READER_CACHE_KIB = 4_000;
/** Rows per statement on SQLite: enough to spread the cost of a call, few enough to prepare once. */
const SQLITE_ROWS_PER_STATEMENT = 100;
/** What the stream needs of `pg`'s client. */
interface PgClient {
  query(config: { text: string; rowMode: 'array' }): Promise<{ rows: unknown[] }>;
}
/** Rows per write into a COPY stream on PostgreSQL. */
const COPY_ROWS_PER_WRITE = 500;
/** Bytes per write of text already in COPY's format. */
const COPY_SLICE_BYTES = 64 * 1024;
/**
 * The memory an ordered read's sort may take on PostgreSQL before it spills to disk, set for its
 * own transaction only: a window of a million rows sorts in a few passes instead of dozens.
 */
const POSTGRES_READ_WORK_MEM = '64MB';
/** What the dialect needs of TypeORM's PostgreSQL driver: a client of its pool, to COPY on. */
interface PgDriver {
  obtainMasterConnection(): Promise<[PoolClient, (error?: unknown) => void]>;
}

const digit = (text: string, i: number): number => text.charCodeAt(i) - 48;

/**
 * SQLite's own timestamp text, `YYYY-MM-DD HH:MM:SS.sss` in UTC, as milliseconds since the epoch,
 * read digit by digit (no substrings, no date parser: a run reads two of them per row); null when
 * the text is not of that form.
 */
function sqliteTime(text: string): number | null {
  if (text[4] !== '-' || text[7] !== '-' || text[13] !== ':' || text[16] !== ':' || text[19] !== '.')
    return null;
  let ok = true;
  const n = (i: number, width: number) => {
    let v = 0;
    for (let k = i; k < i + width; k++) {
      const d = digit(text, k);
      if (d < 0 || d > 9) ok = false;
      v = v * 10 + d;
    }
    return v;
  };
  const ms = Date.UTC(n(0, 4), n(5, 2) - 1, n(8, 2), n(11, 2), n(14, 2), n(17, 2), n(20, 3));
  return ok ? ms : null;
}

/**
 * The few things raw SQL must spell per database: placeholders, how a timestamp is bound and
 * read back, byte-order sorting (so both databases and JavaScript agree on the order of a merge),
 * and an ordered read that streams a large result in batches instead of holding it.
 */
export class SqlDialect {
  readonly postgres: boolean;

  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly dataSource: DataSource) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  /** Placeholder number `i` (1-based). */
  p(i: number): string {
    return this.postgres ? `$${i}` : '?';
  }

  /** A Date as the driver stores it: TypeORM keeps SQLite datetimes as UTC text. */
  date(value: Date): Date | string {
    if (this.postgres) return value;
    const iso = value.toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, iso.length - 1)}`;
  }

  readDate(value: unknown): Date {
    if (value instanceof Date) return value;
    // SQLite's own text, `YYYY-MM-DD HH:MM:SS.sss` in UTC, is by far the most common.
    if (typeof value === 'string' && value.length === 23 && value[10] === ' ') {
      const at = sqliteTime(value);
      if (at !== null) return new Date(at);
    }
    const text = String(value);
    return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
  }

  /** A stored timestamp as ISO 8601 text; SQLite's own text (`YYYY-MM-DD HH:MM:SS.sss`, UTC) is rewritten without a Date. */
  isoText(value: unknown): string {
    if (typeof value === 'string' && value.length === 23 && value[10] === ' ')
      return `${value.slice(0, 10)}T${value.slice(11)}Z`;
    return this.readDate(value).toISOString();
  }

  /**
   * Whether stored timestamp `a` is later than `b`. SQLite's own text (`YYYY-MM-DD HH:MM:SS.sss`)
   * sorts as its time does, so two such values are compared as text, without a Date each.
   */
  later(a: unknown, b: unknown): boolean {
    if (typeof a === 'string' && typeof b === 'string' && a.length === 23 && b.length === 23) return a > b;
    if (a instanceof Date && b instanceof Date) return a.getTime() > b.getTime();
    return this.readDate(a).getTime() > this.readDate(b).getTime();
  }

  /** `a` and `b` differ, a null counting as a value (`IS DISTINCT FROM`). */
  differs(a: string, b: string): string {
    return this.postgres ? `${a} IS DISTINCT FROM ${b}` : `${a} IS NOT ${b}`;
  }

  /** Sorts text by bytes, as JavaScript's `<` does for ASCII references. */
  get byteOrder(): string {
    return this.postgres ? ' COLLATE "C"' : '';
  }

  /**
   * Streams the rows of an ordered query in batches. PostgreSQL reads through a cursor in its own
   * transaction; SQLite through a second, read-only connection to the same file (WAL lets it
   * read while the run writes on the main connection).
   */
  batches(
    sql: string,
    params: unknown[],
    size = 5_000,
  ): AsyncGenerator<Record<string, unknown>[], void, undefined> {
    return this.stream<Record<string, unknown>>(sql, params, size, false);
  }

  /**
   * The same stream with each row as an array of its values in the order of the select list: no
   * object with named properties is made per row, which is most of what reading a million rows
   * costs (allocating them, then collecting them). Values are what the driver gives (PostgreSQL's
   * timestamps as Dates, its bigints as text; SQLite's timestamps as text).
   */
  rows(
    sql: string,
    params: unknown[],
    size = 5_000,
    types: readonly CopyColumnType[] = [],
  ): AsyncGenerator<unknown[][], void, undefined> {
    if (this.postgres) return this.copyRows(sql, params, size, types);
    return this.stream<unknown[]>(sql, params, size, true);
  }

  /**
   * PostgreSQL's side of `rows`: the query's whole result as one `COPY (…) TO STDOUT`, decoded as
   * it arrives (no cursor round trip per batch, no driver parsing of each value), in a read-only
   * transaction whose sort may use `POSTGRES_READ_WORK_MEM`. The stream's backpressure holds the
   * server while the caller works through a batch. Values are text or null, and Dates for the
   * columns `types` names `timestamp`, as the driver would give them.
   */
  private async *copyRows(
    sql: string,
    params: unknown[],
    size: number,
    types: readonly CopyColumnType[],
  ): AsyncGenerator<unknown[][], void, undefined> {
    const [client, release] = await (this.dataSource.driver as unknown as PgDriver).obtainMasterConnection();
    // A COPY left unread cannot be cancelled on its connection: that client is closed, not reused.
    let broken: unknown = null;
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(`SET LOCAL work_mem = '${POSTGRES_READ_WORK_MEM}'`);
      const stream = client.query(copyTo(`COPY (${inlineParameters(sql, params)}) TO STDOUT`));
      broken = new Error('read abandoned');
      const decoder = new CopyRowDecoder(types);
      let pending: unknown[][] = [];
      for await (const chunk of stream) {
        decoder.decode(chunk as Buffer, pending);
        if (pending.length < size) continue;
        let at = 0;
        for (; at + size <= pending.length; at += size) yield pending.slice(at, at + size);
        pending = pending.slice(at);
      }
      decoder.finish();
      if (pending.length) yield pending;
      broken = null;
      await client.query('COMMIT');
    } catch (error) {
      broken = error;
      throw error;
    } finally {
      release(broken ?? undefined);
    }
  }

  private async *stream<R>(
    sql: string,
    params: unknown[],
    size: number,
    arrays: boolean,
  ): AsyncGenerator<R[], void, undefined> {
    if (this.postgres) {
      const runner = this.dataSource.createQueryRunner();
      // The driver's own client, for `rowMode`, which TypeORM's `query` has no way to ask for.
      const client = (await runner.connect()) as PgClient;
      const name = `rec_${Math.random().toString(36).slice(2, 10)}`;
      try {
        await runner.startTransaction();
        await runner.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params);
        const fetch = `FETCH ${size} FROM ${name}`;
        for (;;) {
          const rows = arrays
            ? ((await client.query({ text: fetch, rowMode: 'array' })).rows as R[])
            : ((await runner.query(fetch)) as R[]);
          if (rows.length) yield rows;
          if (rows.length < size) break;
        }
        await runner.commitTransaction();
      } finally {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      }
      return;
    }
    const file = this.dataSource.options.database as string;
    // Loaded on SQLite only (the driver is unused on PostgreSQL).
    const Sqlite = require('better-sqlite3') as typeof Database;
    const db = new Sqlite(file, { readonly: true, fileMustExist: true });
    // One ordered pass reads each page about once: a small page cache (and sorter budget) is enough.
    db.pragma(`cache_size = -${READER_CACHE_KIB}`);
    try {
      const statement = db.prepare(sql);
      if (arrays) statement.raw(true);
      const iterator = statement.iterate(...params) as IterableIterator<R>;
      let batch: R[] = [];
      for (const row of iterator) {
        batch.push(row);
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    } finally {
      db.close();
    }
  }

  /** Runs `sql` with rows of values inserted in chunks that stay under each database's parameter limit. */
  async insertMany(
    m: EntityManager,
    head: string,
    columns: number,
    rows: unknown[][],
    tail = '',
  ): Promise<void> {
    const perStatement = Math.max(1, Math.floor(9_000 / columns));
    for (let start = 0; start < rows.length; start += perStatement) {
      const chunk = rows.slice(start, start + perStatement);
      const params: unknown[] = [];
      const tuples = chunk.map((row) => {
        const marks = row.map((value) => {
          params.push(value);
          return this.p(params.length);
        });
        return `(${marks.join(', ')})`;
      });
      await m.query(`${head} VALUES ${tuples.join(', ')} ${tail}`, params);
    }
  }

  /**
   * Writes many rows in few statements, inside the caller's transaction `m`. PostgreSQL copies
   * them into a temporary table (`COPY … FROM STDIN`: no parameters to parse, nothing logged),
   * then moves them with one `INSERT … SELECT` that can carry `tail` (`ON CONFLICT …`). SQLite runs one prepared statement of
   * 100 rows again and again on the driver's own connection, synchronously: nothing else can run
   * on that connection meanwhile, and the rows join the transaction `m` has open there.
   */
  async bulkWrite(
    m: EntityManager,
    table: string,
    columns: readonly BulkColumn[],
    rows: readonly unknown[][],
    tail = '',
  ): Promise<void> {
    if (!rows.length) return;
    const names = columns.map((c) => c.name).join(', ');
    if (this.postgres) {
      await this.copyWrite(m, table, columns, rows, tail);
      return;
    }
    if (!m.queryRunner?.isTransactionActive) throw new Error('bulkWrite needs an open transaction');
    const db = (this.dataSource.driver as unknown as { databaseConnection: Database.Database })
      .databaseConnection;
    const statement = (count: number) => {
      const key = `${table}|${names}|${tail}|${count}`;
      let prepared = this.statements.get(key);
      if (!prepared) {
        const tuple = `(${columns.map(() => '?').join(', ')})`;
        prepared = db.prepare(
          `INSERT INTO ${table} (${names}) VALUES ${Array.from({ length: count }, () => tuple).join(', ')} ${tail}`,
        );
        this.statements.set(key, prepared);
      }
      return prepared;
    };
    const full = statement(SQLITE_ROWS_PER_STATEMENT);
    const width = columns.length;
    const values: unknown[] = new Array(width * SQLITE_ROWS_PER_STATEMENT);
    let start = 0;
    for (; start + SQLITE_ROWS_PER_STATEMENT <= rows.length; start += SQLITE_ROWS_PER_STATEMENT) {
      for (let r = 0; r < SQLITE_ROWS_PER_STATEMENT; r++) {
        const row = rows[start + r];
        for (let c = 0; c < width; c++) values[r * width + c] = row[c];
      }
      full.run(values);
    }
    if (start < rows.length) {
      const rest = rows.slice(start);
      statement(rest.length).run(rest.flat());
    }
  }

  /**
   * PostgreSQL's bulk write on the connection of `m`'s transaction: the staging table is dropped
   * with the transaction whatever happens, and the rows reach `table` only if it commits.
   */
  private async copyWrite(
    m: EntityManager,
    table: string,
    columns: readonly BulkColumn[],
    rows: readonly unknown[][],
    tail: string,
  ): Promise<void> {
    // Written a few hundred rows at a time: no text of the whole batch is ever made (a string of
    // megabytes lives in V8's large-object space until a full collection, which is peak memory).
    await this.staged(m, table, columns, tail, async (write) => {
      for (let start = 0; start < rows.length; start += COPY_ROWS_PER_WRITE)
        await write(copyLines(rows.slice(start, start + COPY_ROWS_PER_WRITE)));
    });
  }

  /**
   * The same write on PostgreSQL from rows already in COPY's text format (a `CopyTextBuffer`'s
   * bytes, the columns in the order of `columns`), sent in slices of 64 KiB.
   */
  async copyTextWrite(
    m: EntityManager,
    table: string,
    columns: readonly BulkColumn[],
    text: Buffer,
    tail = '',
  ): Promise<void> {
    if (!this.postgres) throw new Error('copyTextWrite is for PostgreSQL');
    if (!text.length) return;
    const feed = async (write: (chunk: Buffer) => Promise<unknown>) => {
      for (let start = 0; start < text.length; start += COPY_SLICE_BYTES)
        await write(text.subarray(start, start + COPY_SLICE_BYTES));
    };
    if (tail) await this.staged(m, table, columns, tail, feed);
    else await this.copyInto(m, table, columns, feed);
  }

  /**
   * Rows copied straight into `table` in `m`'s transaction, for a caller that knows none of them
   * can conflict (COPY has no `ON CONFLICT`: a duplicate key fails the transaction).
   */
  private async copyInto(
    m: EntityManager,
    table: string,
    columns: readonly BulkColumn[],
    feed: (write: (chunk: Buffer) => Promise<unknown>) => Promise<void>,
  ): Promise<void> {
    const runner = m.queryRunner;
    if (!runner?.isTransactionActive) throw new Error('bulkWrite needs an open transaction');
    // The transaction's start may still wait to be sent with its first statement.
    await flushDeferredWrites(m);
    const client = (await runner.connect()) as PoolClient;
    await this.copyFeed(client, `COPY ${table} (${columns.map((c) => c.name).join(', ')}) FROM STDIN`, feed);
  }

  /** One `COPY … FROM STDIN` on `client`, fed by `feed` with the stream's backpressure. */
  private async copyFeed(
    client: PoolClient,
    statement: string,
    feed: (write: (chunk: string | Buffer) => Promise<unknown>) => Promise<void>,
  ): Promise<void> {
    const sink = client.query(copyFrom(statement));
    const done = new Promise<void>((resolve, reject) => {
      sink.on('error', reject);
      sink.on('finish', resolve);
    });
    await feed(async (chunk) => {
      if (!sink.write(chunk))
        await Promise.race([new Promise((resolve) => sink.once('drain', resolve)), done]);
    });
    sink.end();
    await done;
  }

  /** The staging table, the COPY into it that `feed` writes, and the move into `table`. */
  private async staged(
    m: EntityManager,
    table: string,
    columns: readonly BulkColumn[],
    tail: string,
    feed: (write: (chunk: string | Buffer) => Promise<unknown>) => Promise<void>,
  ): Promise<void> {
    const runner = m.queryRunner;
    if (!runner?.isTransactionActive) throw new Error('bulkWrite needs an open transaction');
    // The transaction's start may still wait to be sent with its first statement.
    await flushDeferredWrites(m);
    const client = (await runner.connect()) as PoolClient;
    const stage = `payrail_stage_${table}`;
    const names = columns.map((c) => c.name).join(', ');
    await client.query(
      `CREATE TEMP TABLE ${stage} (${columns.map((c) => `${c.name} ${c.type}`).join(', ')}) ON COMMIT DROP`,
    );
    await this.copyFeed(client, `COPY ${stage} (${names}) FROM STDIN`, feed);
    await client.query(`INSERT INTO ${table} (${names}) SELECT ${names} FROM ${stage} ${tail}`);
    await client.query(`DROP TABLE ${stage}`);
  }
}
