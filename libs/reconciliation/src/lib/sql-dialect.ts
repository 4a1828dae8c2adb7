import Database from 'better-sqlite3';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * The few things raw SQL must spell per database: placeholders, how a timestamp is bound and
 * read back, byte-order sorting (so both databases and JavaScript agree on the order of a merge),
 * and an ordered read that streams a large result in batches instead of holding it.
 */
export class SqlDialect {
  readonly postgres: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  /** Placeholder number `i` (1-based). */
  p(i: number): string {
    return this.postgres ? `$${i}` : '?';
  }

  /** A Date as the driver stores it: TypeORM keeps SQLite datetimes as UTC text. */
  date(value: Date): Date | string {
    return this.postgres ? value : value.toISOString().replace('T', ' ').replace('Z', '');
  }

  readDate(value: unknown): Date {
    if (value instanceof Date) return value;
    const text = String(value);
    return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
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
  async *batches(
    sql: string,
    params: unknown[],
    size = 5_000,
  ): AsyncGenerator<Record<string, unknown>[], void, undefined> {
    if (this.postgres) {
      const runner = this.dataSource.createQueryRunner();
      await runner.connect();
      const name = `rec_${Math.random().toString(36).slice(2, 10)}`;
      try {
        await runner.startTransaction();
        await runner.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params);
        for (;;) {
          const rows = (await runner.query(`FETCH ${size} FROM ${name}`)) as Record<string, unknown>[];
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
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const iterator = db.prepare(sql).iterate(...params) as IterableIterator<Record<string, unknown>>;
      let batch: Record<string, unknown>[] = [];
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
}
