import { describeEachDatabase, openTestDataSource, type TestDataSource } from '@payrail/testing';
import { SqlDialect, type BulkColumn } from './sql-dialect';

const COLUMNS: BulkColumn[] = [
  { name: 'k', type: 'varchar' },
  { name: 'label', type: 'varchar' },
  { name: 'amount', type: 'bigint' },
  { name: 'at', type: 'timestamp' },
];
const UPSERT = 'ON CONFLICT (k) DO UPDATE SET label = excluded.label, amount = excluded.amount';

describeEachDatabase('bulk writes (%s)', (kind) => {
  let db: TestDataSource;
  let sql: SqlDialect;

  beforeAll(async () => {
    db = await openTestDataSource(kind, {
      prepare: (ds) =>
        ds.query(
          `CREATE TABLE bulk_rows (k varchar(20) PRIMARY KEY, label varchar(40), amount bigint, at ${
            kind === 'postgres' ? 'timestamp' : 'datetime'
          })`,
        ),
    });
    sql = new SqlDialect(db.dataSource);
  });

  afterAll(async () => {
    await db?.close();
  });

  const rows = (n: number, label: (i: number) => string | null) =>
    Array.from({ length: n }, (_, i) => [
      `k${String(i).padStart(5, '0')}`,
      label(i),
      i * 10,
      sql.date(new Date(Date.UTC(2026, 9, 1, 0, 0, i))),
    ]);

  it('writes every row, whole statements and the rest, with nulls and quotes intact', async () => {
    // 250 rows: two full statements of SQLite's 100 rows and a rest of 50.
    const first = rows(250, (i) => (i % 7 === 0 ? null : `it's "row" ${i}, {a,b}`));
    await db.dataSource.transaction((m) => sql.bulkWrite(m, 'bulk_rows', COLUMNS, first, UPSERT));
    const stored = (await db.dataSource.query(
      'SELECT k, label, amount, at FROM bulk_rows ORDER BY k',
    )) as Array<Record<string, unknown>>;
    expect(stored).toHaveLength(250);
    expect(stored[3]).toMatchObject({ k: 'k00003', label: `it's "row" 3, {a,b}`, amount: expect.anything() });
    expect(Number(stored[3]['amount'])).toBe(30);
    expect(stored[7]['label']).toBeNull();
    expect(sql.readDate(stored[249]['at']).toISOString()).toBe('2026-10-01T00:04:09.000Z');
  });

  it('upserts on conflict, inside the caller transaction', async () => {
    const again = rows(120, (i) => `second ${i}`);
    await expect(
      db.dataSource.transaction(async (m) => {
        await sql.bulkWrite(m, 'bulk_rows', COLUMNS, again, UPSERT);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const [kept] = (await db.dataSource.query("SELECT label FROM bulk_rows WHERE k = 'k00001'")) as Array<{
      label: string;
    }>;
    expect(kept.label).toBe(`it's "row" 1, {a,b}`);
    await db.dataSource.transaction((m) => sql.bulkWrite(m, 'bulk_rows', COLUMNS, again, UPSERT));
    const [{ n }] = (await db.dataSource.query(
      "SELECT COUNT(*) AS n FROM bulk_rows WHERE label LIKE 'second %'",
    )) as Array<{ n: unknown }>;
    expect(Number(n)).toBe(120);
    const [{ total }] = (await db.dataSource.query('SELECT COUNT(*) AS total FROM bulk_rows')) as Array<{
      total: unknown;
    }>;
    expect(Number(total)).toBe(250);
  });

  it('streams an ordered read as arrays in the order of the select list, batch by batch, as the objects would', async () => {
    const text = 'SELECT amount, k, label, at FROM bulk_rows WHERE amount >= $1 ORDER BY k';
    const query = sql.postgres ? text : text.replace('$1', '?');
    const arrays: unknown[][] = [];
    const sizes: number[] = [];
    for await (const batch of sql.rows(query, [100], 64, ['text', 'text', 'text', 'timestamp'])) {
      sizes.push(batch.length);
      arrays.push(...batch);
    }
    const objects: Array<Record<string, unknown>> = [];
    for await (const batch of sql.batches(query, [100], 64)) objects.push(...batch);
    // 240 rows from k00010 on: three full batches and a rest.
    expect(sizes).toEqual([64, 64, 64, 48]);
    expect(arrays).toHaveLength(240);
    expect(arrays.map((r) => [r[0], r[1], r[2], r[3]])).toEqual(
      objects.map((o) => [o['amount'], o['k'], o['label'], o['at']]),
    );
    expect(arrays[0][1]).toBe('k00010');
    expect(Number(arrays[0][0])).toBe(100);
    expect(sql.readDate(arrays[239][3]).toISOString()).toBe('2026-10-01T00:04:09.000Z');
  });

  it('compares stored timestamps as the driver gives them', () => {
    const early = sql.date(new Date(Date.UTC(2026, 9, 1, 9, 59, 59, 999)));
    const late = sql.date(new Date(Date.UTC(2026, 9, 1, 10, 0, 0, 0)));
    expect(sql.later(late, early)).toBe(true);
    expect(sql.later(early, late)).toBe(false);
    expect(sql.later(late, late)).toBe(false);
    expect(sql.later('2026-10-01 10:00:00.000', new Date(Date.UTC(2026, 9, 1, 9)))).toBe(true);
  });

  it("reads SQLite's timestamp text as the date it names, and other text as before", () => {
    for (const iso of ['2026-10-01T00:04:09.000Z', '1999-12-31T23:59:59.999Z', '2026-02-28T12:00:00.007Z'])
      expect(sql.readDate(`${iso.slice(0, 10)} ${iso.slice(11, 23)}`).toISOString()).toBe(iso);
    expect(sql.readDate('2026-10-01T10:00:00.000Z').toISOString()).toBe('2026-10-01T10:00:00.000Z');
    expect(sql.readDate('2026-10-01 10:00:00').toISOString()).toBe('2026-10-01T10:00:00.000Z');
    expect(Number.isNaN(sql.readDate('2026-1x-01 10:00:00.000').getTime())).toBe(true);
  });

  it('writes and reads back text that COPY must escape, exactly as given', async () => {
    const awkward = [
      'tab\there',
      'two\nlines',
      'cr\r\nlf',
      'back\\slash \\N \\.',
      '\\N',
      `quotes ' " ''`,
      'café 日本 💳 ﬁ',
      '',
      '{"k":"v\\n"}',
    ];
    const rows = awkward.map((label, i) => [
      `w${i}`,
      label,
      -i,
      sql.date(new Date(Date.UTC(2026, 9, 2, 0, 0, i))),
    ]);
    await db.dataSource.transaction((m) => sql.bulkWrite(m, 'bulk_rows', COLUMNS, rows, UPSERT));
    const query = `SELECT k, label, amount, at FROM bulk_rows WHERE k LIKE ${sql.p(1)} ORDER BY k`;
    const read: unknown[][] = [];
    for await (const batch of sql.rows(query, ['w%'], 4, ['text', 'text', 'text', 'timestamp']))
      read.push(...batch);
    expect(read.map((r) => r[1])).toEqual(awkward);
    expect(read.map((r) => Number(r[2]))).toEqual(awkward.map((_, i) => (i === 0 ? 0 : -i)));
    expect(sql.readDate(read[8][3]).toISOString()).toBe('2026-10-02T00:00:08.000Z');
    const stored = (await db.dataSource.query(query, ['w%'])) as Array<{ label: string }>;
    expect(stored.map((r) => r.label)).toEqual(awkward);
  });

  it('leaves the pool usable when a reader stops halfway, as a cut-off download does', async () => {
    const query = `SELECT k, label FROM bulk_rows ORDER BY k`;
    for (let i = 0; i < 12; i++) {
      let batches = 0;
      for await (const batch of sql.rows(query, [], 2)) {
        expect(batch).toHaveLength(2);
        if (++batches === 3) break;
      }
      expect(batches).toBe(3);
    }
    const [{ n }] = (await db.dataSource.query('SELECT COUNT(*) AS n FROM bulk_rows')) as Array<{
      n: unknown;
    }>;
    expect(Number(n)).toBe(259);
  });
});
