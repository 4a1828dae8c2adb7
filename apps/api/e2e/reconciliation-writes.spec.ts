import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { TransactionRunner } from '@payrail/database';
import { Payment } from '@payrail/payments';
import {
  ReconciliationRun,
  ReconciliationRunner,
  ReconciliationService,
  ResultWriter,
  SettlementImporter,
  SqlDialect,
  type ImportedRecord,
  type MatchResult,
} from '@payrail/reconciliation';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

/*
 * How a run stores its items: a connection's first run inserts them (on PostgreSQL without the
 * upsert's conflict check), and a rerun, a run after one that stopped halfway, and a plain insert
 * that meets an item written meanwhile all end with one item per subject and the same digest.
 */

let api: TestApi;
let db: DataSource;
const from = new Date(Date.now() - 3600_000);
const to = new Date(Date.now() + 3600_000);
const postgres = () => db.options.type === 'postgres';

async function reconcile(): Promise<ReconciliationRun> {
  const run = await api.app
    .get(ReconciliationService)
    .start(
      'all',
      { connectionId: api.memoryConnectionId!, from, to, trigger: 'manual' },
      { actor: { type: 'system', id: 'spec' } },
    );
  return api.app.get(ReconciliationRunner).execute(run.id, { importRecords: false });
}

async function items(): Promise<Array<{ target_key: string; run_id: string; kind: string }>> {
  return db.query(
    `SELECT target_key, run_id, kind FROM reconciliation_items WHERE connection_id = ${
      postgres() ? '$1' : '?'
    } ORDER BY target_key`,
    [api.memoryConnectionId],
  );
}

beforeAll(async () => {
  api = await startTestApi({
    memory: true,
    env: {
      PAYRAIL_JOBS: 'off',
      PAYRAIL_RECONCILIATION_SETTLEMENT_DELAY_MS: '0',
      PAYRAIL_RECONCILIATION_INTERVAL_MS: '0',
    },
  });
  db = api.app.get<DataSource>(getDataSourceToken());
  for (const amount of [1000, 1100, 1200, 1300, 1400, 1500]) {
    const created = await api.request('POST', '/v1/payments', {
      amount,
      currency: 'usd',
      capture_method: 'automatic',
      payment_method: { token: 'tok_ok' },
    });
    expect(created.status).toBe(201);
  }
  // The gateway agrees on all but the last payment (missing at the gateway) and adds one it never saw.
  const payments = await db.getRepository(Payment).findBy({ connectionId: api.memoryConnectionId! });
  const records: ImportedRecord[] = payments
    .filter((p) => p.amount !== 1500)
    .map((p, i) => ({
      id: `wtxn_${i}`,
      dedupeKey: `wtxn_${i}`,
      kind: 'charge',
      gatewayType: 'charge',
      currency: 'USD',
      amount: p.captures[0].amount,
      fee: 30,
      net: p.captures[0].amount - 30,
      occurredAt: new Date(),
      status: 'available',
      paymentReference: p.gatewayReference!,
      captureReference: p.captures[0].reference,
      raw: { id: `wtxn_${i}` },
    }));
  records.push({
    id: 'wtxn_ghost',
    dedupeKey: 'wtxn_ghost',
    kind: 'charge',
    gatewayType: 'charge',
    currency: 'USD',
    amount: 999,
    fee: 30,
    net: 969,
    occurredAt: new Date(),
    status: 'available',
    paymentReference: 'ref_nobody_made',
    raw: { id: 'wtxn_ghost' },
  });
  const importRun = {
    id: 'rcr_import',
    connectionId: api.memoryConnectionId!,
    merchantId: api.merchantId,
    gateway: 'memory',
  };
  await api.app
    .get(TransactionRunner)
    .run((m) => api.app.get(SettlementImporter).store(m, importRun, { records, payouts: [] }));
}, 60_000);

afterAll(async () => {
  await api?.close();
});

describeDb(`reconciliation items as runs write them ${dbLabel}`, () => {
  let first: ReconciliationRun;

  it("a connection's first run inserts one item per subject", async () => {
    first = await reconcile();
    expect(first.status).toBe('completed');
    expect(first.counts).toMatchObject({ matched: 5, missing_at_gateway: 1, missing_in_payrail: 1 });
    const stored = await items();
    expect(stored).toHaveLength(7);
    expect(new Set(stored.map((i) => i.target_key)).size).toBe(7);
    expect(stored.every((i) => i.run_id === first.id)).toBe(true);
  });

  it('a rerun writes nothing and gives the same digest', async () => {
    const before = await items();
    const again = await reconcile();
    expect(again.status).toBe('completed');
    expect(again.digest).toBe(first.digest);
    // The items stay the first run's: none was rewritten.
    expect(await items()).toEqual(before);
    expect(before.every((i) => i.run_id === first.id)).toBe(true);
  });

  it('after a run that stopped halfway, the next run upserts over its items and completes with the same digest', async () => {
    // What a failed run leaves: some of its batches committed, the run itself marked failed.
    const keys = (await items()).map((i) => i.target_key);
    const p = (i: number) => (postgres() ? `$${i}` : '?');
    await db.query(
      `DELETE FROM reconciliation_items WHERE connection_id = ${p(1)} AND target_key IN (${p(2)}, ${p(3)}, ${p(4)})`,
      [api.memoryConnectionId, keys[0], keys[2], keys[4]],
    );
    await db
      .getRepository(ReconciliationRun)
      .update({ connectionId: api.memoryConnectionId! }, { status: 'failed' });
    const next = await reconcile();
    expect(next.status).toBe('completed');
    expect(next.digest).toBe(first.digest);
    expect(next.counts).toEqual(first.counts);
    const stored = await items();
    expect(stored.map((i) => i.target_key)).toEqual(keys);
    expect(stored.every((i) => i.run_id === next.id)).toBe(true);
  });

  it('a plain insert that meets an item written meanwhile is written again as an upsert', async () => {
    const sql = new SqlDialect(db);
    const run = await reconcile();
    const writer = new ResultWriter(sql, run, new Date());
    const tx = api.app.get(TransactionRunner);
    await db.query(`DELETE FROM reconciliation_items WHERE connection_id = ${postgres() ? '$1' : '?'}`, [
      api.memoryConnectionId,
    ]);
    await writer.prepare(db.manager);
    // Only PostgreSQL skips the conflict check; SQLite always upserts.
    expect(writer.insertsPlainly).toBe(postgres());
    const result: MatchResult = {
      targetKey: 'record:wtxn_written_meanwhile',
      kind: 'missing_in_payrail',
      reason: 'spec',
      currency: 'usd',
      payrailAmount: null,
      gatewayAmount: 999,
      fee: 30,
      at: new Date(),
    };
    const batch = () => {
      const b = writer.batch();
      writer.add(b, { ...result, kind: 'matched' });
      return b;
    };
    // Another run's item for the same subject, written after this writer looked.
    await tx.run((m) => new ResultWriter(sql, run, new Date()).write(m, batch()));
    const again = batch();
    const failure = await tx.lazy((m) => writer.write(m, again)).catch((e: unknown) => e);
    if (postgres()) {
      expect(writer.conflicted(failure)).toBe(true);
      expect(writer.insertsPlainly).toBe(false);
      await tx.lazy((m) => writer.write(m, again));
    } else expect(failure).toBeUndefined();
    const stored = (await items()).filter((i) => i.target_key === result.targetKey);
    expect(stored).toEqual([{ target_key: result.targetKey, run_id: run.id, kind: 'matched' }]);
    // An error that is not a conflict is never retried.
    expect(writer.conflicted(new Error('connection reset'))).toBe(false);
  });
});
