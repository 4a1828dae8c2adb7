import { Column, Entity, VersionColumn, type DataSource } from 'typeorm';
import { describeEachDatabase, openTestDataSource, type TestDataSource } from '@payrail/testing';
import { BaseRecord } from './base.entity';
import { moneyColumn } from './columns';
import { findRowBy, findRowById, insertRow, insertRows, lockRowThenUpdate, updateRows } from './insert-row';

@Entity('ledger_rows')
class LedgerRow extends BaseRecord {
  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column(moneyColumn('amount'))
  amount!: number;

  @Column({ type: 'simple-json', nullable: true })
  metadata!: Record<string, string> | null;

  @Column({ type: 'boolean', default: false })
  flagged!: boolean;

  @Column({ type: 'varchar', length: 40, nullable: true })
  note!: string | null;

  @Column({ name: 'settled_at', type: Date, nullable: true })
  settledAt!: Date | null;

  @VersionColumn()
  version!: number;
}

const row = (id: string, overrides: Partial<LedgerRow> = {}) => ({
  id,
  status: 'pending',
  amount: 12_345,
  metadata: { order: 'A-1', note: 'it\'s "quoted"' },
  flagged: true,
  note: null,
  settledAt: new Date('2026-11-30T12:34:56.789Z'),
  ...overrides,
});

/** What a row reads back as through TypeORM's own `findOneBy`, without its id and timestamps. */
async function stored(ds: DataSource, id: string) {
  const found = await ds.getRepository(LedgerRow).findOneByOrFail({ id });
  const { id: _id, createdAt, updatedAt, ...rest } = found;
  expect(createdAt).toBeInstanceOf(Date);
  expect(updatedAt).toBeInstanceOf(Date);
  return rest;
}

describeEachDatabase('prepared row statements (%s)', (kind) => {
  let db: TestDataSource;
  let ds: DataSource;

  beforeAll(async () => {
    db = await openTestDataSource(kind, { entities: [LedgerRow], prepare: (s) => s.synchronize() });
    ds = db.dataSource;
  });

  afterAll(async () => {
    await db?.close();
  });

  it('inserts what the query builder inserts: JSON, booleans, money, nulls, defaults and the first version', async () => {
    await insertRow(ds.manager, LedgerRow, row('r1'));
    await ds.createQueryBuilder().insert().into(LedgerRow).values(row('r2')).execute();
    expect(await stored(ds, 'r1')).toEqual(await stored(ds, 'r2'));
    expect(await stored(ds, 'r1')).toEqual({
      status: 'pending',
      amount: 12_345,
      metadata: { order: 'A-1', note: 'it\'s "quoted"' },
      flagged: true,
      note: null,
      settledAt: new Date('2026-11-30T12:34:56.789Z'),
      version: 1,
    });
    // Left out, a column takes its default; the same statement shape is reused for the next row.
    await insertRow(ds.manager, LedgerRow, { id: 'r3', status: 'pending', amount: 5, metadata: null });
    await insertRow(ds.manager, LedgerRow, { id: 'r4', status: 'failed', amount: 6, metadata: null });
    expect(await stored(ds, 'r3')).toMatchObject({
      flagged: false,
      note: null,
      settledAt: null,
      version: 1,
      amount: 5,
    });
    expect(await stored(ds, 'r4')).toMatchObject({ status: 'failed', amount: 6 });
  });

  it('reads a row back as TypeORM hydrates it, and null for an unknown id', async () => {
    await insertRow(ds.manager, LedgerRow, row('r5', { note: 'n', flagged: false }));
    const mine = await findRowById(ds.manager, LedgerRow, 'r5');
    const theirs = await ds.getRepository(LedgerRow).findOneByOrFail({ id: 'r5' });
    expect(mine).toBeInstanceOf(LedgerRow);
    expect(mine).toEqual(theirs);
    expect(await findRowById(ds.manager, LedgerRow, 'nope')).toBeNull();
    // Locked for update inside a transaction (a plain read on SQLite, whose one writer needs no row lock).
    const locked = await ds.transaction((m) => findRowById(m, LedgerRow, 'r5', { forUpdate: true }));
    expect(locked).toEqual(theirs);
  });

  it('finds a row by other columns as findOneBy does, and refuses a null value to find by', async () => {
    await insertRow(ds.manager, LedgerRow, row('f1', { status: 'settled', note: 'n6' }));
    await insertRow(ds.manager, LedgerRow, row('f2', { status: 'settled', note: 'n7' }));
    const mine = await findRowBy(ds.manager, LedgerRow, { status: 'settled', note: 'n7' });
    expect(mine).toBeInstanceOf(LedgerRow);
    expect(mine).toEqual(
      await ds.getRepository(LedgerRow).findOneByOrFail({ status: 'settled', note: 'n7' }),
    );
    expect(await findRowBy(ds.manager, LedgerRow, { status: 'settled', note: 'other' })).toBeNull();
    const locked = await ds.transaction((m) =>
      findRowBy(m, LedgerRow, { status: 'settled', note: 'n6' }, { forUpdate: true }),
    );
    expect(locked?.id).toBe('f1');
    await expect(findRowBy(ds.manager, LedgerRow, { status: 'settled', note: null })).rejects.toThrow(
      'LedgerRow: note has no value to find by',
    );
  });

  it('reads only the selected columns when asked, hydrated as a full read hydrates them', async () => {
    await insertRow(ds.manager, LedgerRow, row('s1', { status: 'held', note: 's-note', amount: 250 }));
    const brief = await findRowBy(
      ds.manager,
      LedgerRow,
      { status: 'held', note: 's-note' },
      { select: ['id', 'amount', 'settledAt'] },
    );
    expect(brief).toBeInstanceOf(LedgerRow);
    expect({ ...brief }).toEqual({ id: 's1', amount: 250, settledAt: new Date('2026-11-30T12:34:56.789Z') });
    const full = await findRowBy(ds.manager, LedgerRow, { status: 'held', note: 's-note' });
    expect(full?.metadata).toEqual(row('s1').metadata);
    const locked = await ds.transaction((m) =>
      findRowBy(m, LedgerRow, { id: 's1' }, { forUpdate: true, select: ['status'] }),
    );
    expect({ ...locked }).toEqual({ status: 'held' });
  });

  it('updates the matching row, moves its version and update time, writes SQL expressions as SQL', async () => {
    await insertRow(ds.manager, LedgerRow, row('r6', { amount: 100 }));
    const before = await ds.getRepository(LedgerRow).findOneByOrFail({ id: 'r6' });
    const changed = await updateRows(
      ds.manager,
      LedgerRow,
      {
        status: 'captured',
        metadata: { a: 'b' },
        flagged: false,
        amount: () => 'amount + 1',
        settledAt: new Date('2026-12-01T00:00:00.001Z'),
      },
      { id: 'r6' },
    );
    expect(changed).toBe(1);
    expect(await stored(ds, 'r6')).toEqual({
      status: 'captured',
      amount: 101,
      metadata: { a: 'b' },
      flagged: false,
      note: null,
      settledAt: new Date('2026-12-01T00:00:00.001Z'),
      version: 2,
    });
    // A version set by the caller is not moved again.
    await updateRows(ds.manager, LedgerRow, { version: () => 'version + 10' }, { id: 'r6' });
    expect((await stored(ds, 'r6')).version).toBe(12);
    const after = await ds.getRepository(LedgerRow).findOneByOrFail({ id: 'r6' });
    expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(before.updatedAt.getTime());
    expect(after.createdAt).toEqual(before.createdAt);
    // Other rows are untouched.
    expect((await stored(ds, 'r5')).version).toBe(1);
  });

  it('changes nothing and says so when a NOT IN guard refuses the row', async () => {
    await insertRow(ds.manager, LedgerRow, row('r7', { status: 'succeeded' }));
    const guard = { notIn: { status: ['succeeded', 'failed'] } };
    expect(await updateRows(ds.manager, LedgerRow, { note: 'late' }, { id: 'r7' }, guard)).toBe(0);
    expect(await stored(ds, 'r7')).toMatchObject({ note: null, version: 1 });
    await insertRow(ds.manager, LedgerRow, row('r8', { status: 'unknown' }));
    expect(await updateRows(ds.manager, LedgerRow, { note: 'settled' }, { id: 'r8' }, guard)).toBe(1);
    expect(await stored(ds, 'r8')).toMatchObject({ note: 'settled', version: 2 });
    expect(await updateRows(ds.manager, LedgerRow, { note: 'x' }, { id: 'missing' })).toBe(0);
  });

  it('inserts several rows in one statement, each as insertRow would, and groups rows that leave out different columns', async () => {
    const sent: string[] = [];
    const runner = ds.createQueryRunner();
    const query = runner.query.bind(runner);
    runner.query = ((sql: string, ...rest: unknown[]) => {
      sent.push(sql);
      return query(sql, ...(rest as []));
    }) as typeof runner.query;
    try {
      await insertRows(runner.manager, LedgerRow, [
        row('m1'),
        row('m2', { amount: 7, metadata: null, flagged: false, note: 'two' }),
        { id: 'm3', status: 'pending', amount: 5, metadata: null },
        row('m4', { status: 'failed' }),
      ]);
    } finally {
      await runner.release();
    }
    expect(sent.filter((sql) => sql.startsWith('INSERT'))).toHaveLength(2);
    const { id: _id, ...first } = row('m1');
    expect(await stored(ds, 'm1')).toEqual({ ...first, version: 1 });
    expect(await stored(ds, 'm2')).toMatchObject({ amount: 7, metadata: null, flagged: false, note: 'two' });
    expect(await stored(ds, 'm3')).toMatchObject({
      amount: 5,
      flagged: false,
      note: null,
      settledAt: null,
      version: 1,
    });
    expect(await stored(ds, 'm4')).toMatchObject({ status: 'failed', flagged: true });
    await insertRows(ds.manager, LedgerRow, []);
  });

  it('updates only rows that meet IN, IS NULL, at-least and above guards', async () => {
    await insertRow(ds.manager, LedgerRow, row('g1', { status: 'authorized', amount: 500, note: null }));
    const claim = (amount: number, id = 'g1') =>
      updateRows(
        ds.manager,
        LedgerRow,
        { status: 'capturing', note: 'claimed' },
        { id },
        {
          isNull: ['note'],
          in: { status: ['authorized', 'partially_captured'] },
          atLeast: { amount },
          above: { amount: 0 },
        },
      );
    expect(await claim(501)).toBe(0);
    expect(await stored(ds, 'g1')).toMatchObject({ status: 'authorized', note: null, version: 1 });
    expect(await claim(500)).toBe(1);
    expect(await stored(ds, 'g1')).toMatchObject({ status: 'capturing', note: 'claimed', version: 2 });
    // Claimed already: the note is no longer null and the status is not in the list.
    expect(await claim(1)).toBe(0);
    await insertRow(ds.manager, LedgerRow, row('g2', { status: 'authorized', amount: 0, note: null }));
    expect(await claim(0, 'g2')).toBe(0);
    expect(await claim(1, 'g2')).toBe(0);
    expect(
      await updateRows(ds.manager, LedgerRow, { note: 'x' }, { id: 'g2' }, { above: { amount: 0 } }),
    ).toBe(0);
  });

  it('writes inside the caller transaction, so a rollback takes the row with it', async () => {
    await expect(
      ds.transaction(async (m) => {
        await insertRow(m, LedgerRow, row('r9'));
        expect(await findRowById(m, LedgerRow, 'r9')).not.toBeNull();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await ds.getRepository(LedgerRow).findOneBy({ id: 'r9' })).toBeNull();
  });

  it('reads a row for update and updates another in the same transaction, giving both answers', async () => {
    await insertRow(ds.manager, LedgerRow, row('k1', { status: 'authorized' }));
    await insertRow(ds.manager, LedgerRow, row('k2', { status: 'unknown' }));
    const settle = (id: string) =>
      ds.transaction((m) =>
        lockRowThenUpdate(m, LedgerRow, id, {
          target: LedgerRow,
          values: { status: 'succeeded' },
          where: { id: 'k2' },
          guard: { notIn: { status: ['succeeded', 'failed'] } },
        }),
      );
    const first = await settle('k1');
    expect(first.affected).toBe(1);
    expect(first.row).toEqual(await ds.getRepository(LedgerRow).findOneByOrFail({ id: 'k1' }));
    expect(await stored(ds, 'k2')).toMatchObject({ status: 'succeeded', version: 2 });
    // Settled already: the guard refuses it. An unknown id reads as null.
    expect(await settle('k1')).toMatchObject({ affected: 0 });
    expect(await settle('missing')).toMatchObject({ row: null, affected: 0 });
    await expect(
      ds.transaction(async (m) => {
        await lockRowThenUpdate(m, LedgerRow, 'k1', {
          target: LedgerRow,
          values: { note: 'rolled back' },
          where: { id: 'k1' },
        });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await stored(ds, 'k1')).toMatchObject({ note: null });
  });

  it('sends statements after the update only in a PostgreSQL transaction, and says so', async () => {
    await insertRow(ds.manager, LedgerRow, row('k3'));
    const update = { target: LedgerRow, values: { note: 'x' }, where: { id: 'k3' } };
    await expect(lockRowThenUpdate(ds.manager, LedgerRow, 'k3', update, ['SELECT 1'])).rejects.toThrow(
      'only in a PostgreSQL transaction',
    );
    if (kind === 'sqlite')
      await expect(
        ds.transaction((m) => lockRowThenUpdate(m, LedgerRow, 'k3', update, ['SELECT 1'])),
      ).rejects.toThrow('only in a PostgreSQL transaction');
    expect(await stored(ds, 'k3')).toMatchObject({ note: null });
  });

  it('refuses a property the entity does not have, naming it', async () => {
    await expect(updateRows(ds.manager, LedgerRow, { colour: 'red' }, { id: 'r1' })).rejects.toThrow(
      'LedgerRow has no column colour',
    );
  });
});
