import {
  Column,
  Entity,
  QueryFailedError,
  type DataSource,
  type EntityManager,
  type QueryRunner,
} from 'typeorm';
import {
  describeEachDatabase,
  describeWithPostgres,
  openTestDataSource,
  type TestDataSource,
} from '@payrail/testing';
import { BaseRecord } from './base.entity';
import { deferredWritesOf, flushDeferredWrites, inlineParameters } from './deferred-writes';
import { findRowById, insertRow, lockRowThenUpdate, updateRows, writeRows } from './insert-row';
import { TransactionRunner } from './transaction-runner';
import { isUniqueViolation } from './unique-violation';

@Entity('queued_rows')
class QueuedRow extends BaseRecord {
  @Column({ type: 'varchar', length: 40 })
  note!: string;

  @Column({ type: 'simple-json', nullable: true })
  detail!: Record<string, string> | null;

  @Column({ name: 'seen_at', type: Date, nullable: true })
  seenAt!: Date | null;
}

const row = (id: string, note = 'it\'s a "note"; with a semicolon') => ({
  id,
  note,
  detail: { back: 'slash \\ here', quote: "o'brien" },
  seenAt: new Date('2026-12-02T01:02:03.456Z'),
});

/** Runs `work`, recording in `texts` every text it sends on the transaction's own client. */
async function recordTexts<T>(m: EntityManager, texts: string[], work: () => Promise<T>): Promise<T> {
  const client = (await m.queryRunner!.connect()) as { query: (...args: unknown[]) => Promise<unknown> };
  const original = client.query.bind(client);
  const spy = jest.spyOn(client, 'query').mockImplementation((...args: unknown[]) => {
    texts.push(String(args[0]));
    return original(...args);
  });
  try {
    return await work();
  } finally {
    spy.mockRestore();
  }
}

describe('inlineParameters', () => {
  it('writes values as literals the server reads as the parameters, quoting text', () => {
    const at = new Date(2026, 9, 1, 0, 0, 0, 5);
    const sql = inlineParameters('a = $1 AND b >= $2 AND c = $3 AND d IS $4 AND e = $5', [
      "o'brien",
      at,
      10,
      null,
      true,
    ]);
    expect(sql).toMatch(/^a = 'o''brien' AND b >= '2026-10-01T00:00:00\.005[+-]\d\d:\d\d' AND c = 10/);
    expect(sql).toMatch(/AND d IS NULL AND e = TRUE$/);
    expect(inlineParameters('a = $1', ['back\\slash'])).toBe(`a =  E'back\\\\slash'`);
    expect(inlineParameters('a = $1 AND b = $2', [12n, Buffer.from('ab')])).toBe(
      `a = 12 AND b =  E'\\\\x6162'::bytea`,
    );
    // $10 is the tenth parameter, not the first followed by a zero.
    const ten = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(inlineParameters('$1, $10', ten)).toBe('1, 10');
  });

  it('refuses what it cannot write as a literal, naming the parameter', () => {
    expect(() => inlineParameters('a = $2', ['x'])).toThrow('no value for parameter $2');
    expect(() => inlineParameters('a = $1', [[1, 2]])).toThrow('parameter $1 cannot be written as a literal');
    expect(() => inlineParameters('a = $1', [Number.NaN])).toThrow('parameter $1 is not a finite number');
  });
});

describeWithPostgres()('a PostgreSQL transaction’s queued inserts', () => {
  let db: TestDataSource;
  let ds: DataSource;
  let tx: TransactionRunner;
  /** Every text a query runner sent, in order. */
  let sent: string[] = [];
  let spy: jest.SpyInstance | undefined;

  beforeAll(async () => {
    db = await openTestDataSource('postgres', { entities: [QueuedRow], prepare: (s) => s.synchronize() });
    ds = db.dataSource;
    tx = new TransactionRunner(ds);
    const prototype = Object.getPrototypeOf(ds.createQueryRunner()) as {
      query: (this: QueryRunner, sql: string, ...rest: unknown[]) => Promise<unknown>;
    };
    const original = prototype.query;
    spy = jest.spyOn(prototype, 'query').mockImplementation(function (this: QueryRunner, sql, ...rest) {
      sent.push(sql);
      return original.call(this, sql, ...rest);
    });
  });

  beforeEach(() => {
    sent = [];
  });

  afterAll(async () => {
    spy?.mockRestore();
    await db?.close();
  });

  const stored = (id: string) => ds.getRepository(QueuedRow).findOneBy({ id });

  it('sends a transaction that only inserts as one text: its start, the inserts and the commit', async () => {
    await tx.run(async (m) => {
      await insertRow(m, QueuedRow, row('q1'));
      await insertRow(m, QueuedRow, row('q2', 'second'));
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^START TRANSACTION;\nINSERT INTO .*;\nINSERT INTO .*;\nCOMMIT$/s);
    expect(await stored('q1')).toMatchObject(row('q1'));
    expect(await stored('q2')).toMatchObject({ note: 'second' });
  });

  it('sends what waits before any other statement, so the transaction reads its own inserts', async () => {
    const found = await tx.run(async (m) => {
      await insertRow(m, QueuedRow, row('q3'));
      expect(sent).toHaveLength(0);
      return m.findOneBy(QueuedRow, { id: 'q3' });
    });
    expect(found).toMatchObject(row('q3'));
    expect(sent[0]).toMatch(/^START TRANSACTION;\nINSERT INTO /);
    expect(sent.at(-1)).toBe('COMMIT');
    expect(sent).toHaveLength(3);
  });

  it('rolls the whole transaction back when a queued insert fails, and says why', async () => {
    await insertRow(ds.manager, QueuedRow, row('q4'));
    sent = [];
    const failed = await tx
      .run(async (m) => {
        await insertRow(m, QueuedRow, row('q5'));
        await insertRow(m, QueuedRow, row('q4'));
      })
      .catch((error: unknown) => error);
    expect(isUniqueViolation(failed)).toBe(true);
    expect(sent.at(-1)).toBe('ROLLBACK');
    expect(await stored('q5')).toBeNull();
    // The connection went back to the pool clean: the next transaction works.
    await tx.run((m) => insertRow(m, QueuedRow, row('q6')));
    expect(await stored('q6')).not.toBeNull();
  });

  it('drops what waits when the work throws before sending anything, and sends nothing', async () => {
    await expect(
      tx.run(async (m) => {
        await insertRow(m, QueuedRow, row('q7'));
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(sent).toEqual([]);
    await tx.run(async () => undefined);
    expect(sent).toEqual([]);
    expect(await stored('q7')).toBeNull();
  });

  it('sends a lazy transaction’s asynchronous commit setting with its start', async () => {
    const setting = await tx.lazy(async (m) => {
      await insertRow(m, QueuedRow, row('q8'));
      const [{ synchronous_commit }] = (await m.query('SHOW synchronous_commit')) as Array<{
        synchronous_commit: string;
      }>;
      return synchronous_commit;
    });
    expect(setting).toBe('off');
    expect(sent[0]).toMatch(/^START TRANSACTION;\nSET LOCAL synchronous_commit TO OFF;\nINSERT INTO /);
  });

  it('queues an update whose count nobody reads with the inserts, and rolls it back with them', async () => {
    await insertRow(ds.manager, QueuedRow, row('w1'));
    sent = [];
    await tx.run(async (m) => {
      await writeRows(m, QueuedRow, { note: "it's updated" }, { id: 'w1' });
      await insertRow(m, QueuedRow, row('w2'));
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^START TRANSACTION;\nUPDATE "queued_rows" SET .*;\nINSERT INTO .*;\nCOMMIT$/s);
    expect(await stored('w1')).toMatchObject({ note: "it's updated" });
    // A failure later in the transaction takes the queued update back too.
    const failed = await tx
      .run(async (m) => {
        await writeRows(m, QueuedRow, { note: 'never' }, { id: 'w1' });
        await insertRow(m, QueuedRow, row('w2'));
      })
      .catch((error: unknown) => error);
    expect(isUniqueViolation(failed)).toBe(true);
    expect(await stored('w1')).toMatchObject({ note: "it's updated" });
  });

  it('sends a read or a guarded update in the text of what waits, and gives its rows and count', async () => {
    await insertRow(ds.manager, QueuedRow, row('g1'));
    const texts: string[] = [];
    const seen = await tx.run((m) =>
      recordTexts(m, texts, async () => {
        const found = await findRowById(m, QueuedRow, 'g1', { forUpdate: true });
        await insertRow(m, QueuedRow, row('g2'));
        const changed = await updateRows(
          m,
          QueuedRow,
          { note: 'guarded' },
          { id: 'g1' },
          {
            in: { note: [row('g1').note] },
          },
        );
        const unchanged = await updateRows(
          m,
          QueuedRow,
          { note: 'again' },
          { id: 'g1' },
          {
            in: { note: ['not it'] },
          },
        );
        return { found, changed, unchanged };
      }),
    );
    expect(seen.found).toMatchObject(row('g1'));
    expect(seen).toMatchObject({ changed: 1, unchanged: 0 });
    expect(texts[0]).toMatch(/^START TRANSACTION;\nSELECT .* FOR UPDATE$/s);
    expect(texts[1]).toMatch(/^INSERT INTO .*;\nUPDATE "queued_rows" SET .*'guarded'/s);
    // Nothing waits any more: the next statement goes alone, with parameters.
    expect(texts[2]).toMatch(/^UPDATE "queued_rows" SET "note" = \$1/);
    expect(texts).toHaveLength(3);
    expect(await stored('g1')).toMatchObject({ note: 'guarded' });
    expect(await stored('g2')).not.toBeNull();
  });

  it('locks a row and runs an update after it in one text, the update seeing what the lock waited for', async () => {
    await insertRow(ds.manager, QueuedRow, row('l1'));
    await insertRow(ds.manager, QueuedRow, row('l2', 'open'));
    // Another transaction holds the row and settles the other one before it lets go.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const other = tx.run(async (m) => {
      await findRowById(m, QueuedRow, 'l1', { forUpdate: true });
      locked();
      await held;
      await updateRows(m, QueuedRow, { note: 'settled' }, { id: 'l2' });
    });
    await lockTaken;
    const texts: string[] = [];
    const waiting = tx.run((m) =>
      recordTexts(m, texts, () =>
        lockRowThenUpdate(m, QueuedRow, 'l1', {
          target: QueuedRow,
          values: { note: 'late' },
          where: { id: 'l2' },
          guard: { notIn: { note: ['settled'] } },
        }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    await other;
    const result = await waiting;
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(
      /^START TRANSACTION;\nSELECT .* FOR UPDATE;\nUPDATE "queued_rows" SET .*'late'/s,
    );
    expect(result.row).toMatchObject(row('l1'));
    // The update ran once the lock was granted, so it saw the other transaction's commit.
    expect(result.affected).toBe(0);
    expect(await stored('l2')).toMatchObject({ note: 'settled' });
  });

  it('sends statements after the lock and the update in the same text, and gives their answers', async () => {
    await insertRow(ds.manager, QueuedRow, row('l3'));
    const texts: string[] = [];
    const result = await tx.run((m) =>
      recordTexts(m, texts, () =>
        lockRowThenUpdate(
          m,
          QueuedRow,
          'l3',
          { target: QueuedRow, values: { note: 'then' }, where: { id: 'l3' } },
          ['SELECT 41 + 1 AS answer', "SELECT note FROM queued_rows WHERE id = 'l3'"],
        ),
      ),
    );
    expect(texts).toHaveLength(1);
    expect(result.affected).toBe(1);
    expect(result.row).toMatchObject(row('l3'));
    // The statements after the update see it.
    expect(result.after.map((r) => r.rows[0])).toEqual([{ answer: 42 }, { note: 'then' }]);
  });

  it('rolls back when the statement sent after what waits fails, with TypeORM’s error', async () => {
    const failed = await tx
      .run(async (m) => {
        await insertRow(m, QueuedRow, row('g4'));
        await updateRows(m, QueuedRow, { note: 'x'.repeat(41) }, { id: 'g4' });
      })
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(QueryFailedError);
    expect(String(failed)).toMatch(/too long/);
    expect(await stored('g4')).toBeNull();
  });

  it('sends what waits, start included, before code that talks to the connection’s own client', async () => {
    const inTransaction = await tx.run(async (m) => {
      await insertRow(m, QueuedRow, row('q9'));
      await flushDeferredWrites(m);
      const client = (await m.queryRunner!.connect()) as {
        query: (sql: string) => Promise<{ rows: Array<{ n: string; xid: string | null }> }>;
      };
      const { rows } = await client.query(
        `SELECT count(*) AS n, txid_current_if_assigned()::text AS xid FROM queued_rows WHERE id = 'q9'`,
      );
      return rows[0];
    });
    expect(inTransaction).toEqual({ n: '1', xid: expect.any(String) });
  });
});

describeEachDatabase('inserts outside a PostgreSQL transaction (%s)', (kind) => {
  let db: TestDataSource;

  beforeAll(async () => {
    db = await openTestDataSource(kind, { entities: [QueuedRow], prepare: (s) => s.synchronize() });
  });

  afterAll(async () => {
    await db?.close();
  });

  it('go at once: on SQLite, and on PostgreSQL outside TransactionRunner', async () => {
    const tx = new TransactionRunner(db.dataSource);
    await tx.run(async (m) => {
      expect(deferredWritesOf(m) === undefined).toBe(kind === 'sqlite');
      await insertRow(m, QueuedRow, row('o1'));
    });
    await insertRow(db.dataSource.manager, QueuedRow, row('o2'));
    expect(deferredWritesOf(db.dataSource.manager)).toBeUndefined();
    expect(await db.dataSource.getRepository(QueuedRow).countBy({})).toBe(2);
    await writeRows(db.dataSource.manager, QueuedRow, { note: 'at once' }, { id: 'o2' });
    expect(await db.dataSource.getRepository(QueuedRow).findOneBy({ id: 'o2' })).toMatchObject({
      note: 'at once',
    });
    await tx.onModuleDestroy();
  });
});
