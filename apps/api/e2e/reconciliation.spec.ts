import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { TransactionRunner } from '@payrail/database';
import { Payment, Refund } from '@payrail/payments';
import {
  ReconciliationRun,
  ReconciliationRunner,
  ReconciliationService,
  SettlementImporter,
  type ImportedRecord,
} from '@payrail/reconciliation';
import { adminSession, type AdminRequest } from './admin-session';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

/*
 * The engine over stored gateway records (as the import leaves them): each kind of result from
 * payments made through the API, the exception workflow and who may use it, and reruns.
 */

let api: TestApi;
let finance: AdminRequest;
let support: AdminRequest;
let auditor: AdminRequest;
let db: DataSource;
const ids: Record<string, string> = {};
const from = new Date(Date.now() - 3600_000);
const to = new Date(Date.now() + 3600_000);

async function pay(name: string, amount: number, refund?: number): Promise<void> {
  const created = await api.request('POST', '/v1/payments', {
    amount,
    currency: 'usd',
    capture_method: 'automatic',
    payment_method: { token: 'tok_ok' },
  });
  expect(created.status).toBe(201);
  ids[name] = created.body.id;
  if (refund)
    expect(
      (await api.request('POST', `/v1/payments/${created.body.id}/refunds`, { amount: refund })).status,
    ).toBe(201);
}

let seq = 0;
function row(over: Partial<ImportedRecord> & Pick<ImportedRecord, 'kind' | 'amount'>): ImportedRecord {
  seq += 1;
  const fee = over.fee ?? (over.kind === 'charge' ? Math.round(over.amount * 0.029) + 30 : 0);
  return {
    id: `memtxn_${seq}`,
    dedupeKey: `memtxn_${seq}`,
    gatewayType: over.kind,
    currency: 'USD',
    fee,
    net: over.amount - fee,
    occurredAt: new Date(),
    status: 'available',
    raw: { id: `memtxn_${seq}`, amount: over.amount, note: 'as the gateway sent it' },
    ...over,
  };
}

/** The gateway's side of the payments: one row per capture and refund, as a faithful gateway reports them. */
async function gatewayRows(): Promise<ImportedRecord[]> {
  const rows: ImportedRecord[] = [];
  for (const payment of await db.getRepository(Payment).findBy({ connectionId: api.memoryConnectionId! })) {
    for (const capture of payment.captures)
      rows.push(
        row({
          kind: 'charge',
          amount: capture.amount,
          paymentReference: payment.gatewayReference!,
          captureReference: capture.reference,
        }),
      );
    for (const refund of await db
      .getRepository(Refund)
      .findBy({ paymentId: payment.id, status: 'succeeded' }))
      rows.push(
        row({
          kind: 'refund',
          amount: -refund.amount,
          paymentReference: payment.gatewayReference!,
          refundReference: refund.gatewayReference!,
        }),
      );
  }
  return rows;
}

async function store(
  records: ImportedRecord[],
  payouts: Parameters<SettlementImporter['store']>[2]['payouts'] = [],
) {
  const run = {
    id: 'rcr_import',
    connectionId: api.memoryConnectionId!,
    merchantId: api.merchantId,
    gateway: 'memory',
  };
  return api.app
    .get(TransactionRunner)
    .run((m) => api.app.get(SettlementImporter).store(m, run, { records, payouts }));
}

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
  finance = (await adminSession(api, [{ role: 'finance', merchantId: api.merchantId }])).request;
  support = (await adminSession(api, [{ role: 'support', merchantId: api.merchantId }])).request;
  auditor = (await adminSession(api, [{ role: 'auditor', merchantId: null }])).request;
  await pay('plain', 1000);
  await pay('refunded', 2500, 500);
  await pay('lost', 700);
  await pay('short', 1200);
}, 60_000);

afterAll(async () => {
  await api?.close();
});

const paymentRef = async (name: string) =>
  (await db.getRepository(Payment).findOneByOrFail({ id: ids[name] })).gatewayReference!;

describeDb(`reconciliation over imported records ${dbLabel}`, () => {
  let first: ReconciliationRun;

  it('matches every movement when the gateway agrees, with fees and per-currency totals', async () => {
    const rows = await gatewayRows();
    expect(await store(rows)).toBe(rows.length);
    expect(await store(rows)).toBe(0);
    first = await reconcile();
    expect(first.status).toBe('completed');
    expect(first.counts).toMatchObject({
      matched: 5,
      amount_mismatch: 0,
      missing_at_gateway: 0,
      missing_in_payrail: 0,
    });
    const fees = rows.reduce((sum, r) => sum + r.fee, 0);
    expect(first.totals).toEqual([{ currency: 'usd', gross: 4900, fees, net: 4900 - fees }]);
    expect(first.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a rerun over the same input gives the same digest and adds no exception', async () => {
    const again = await reconcile();
    expect(again.digest).toBe(first.digest);
    expect(again.counts).toEqual(first.counts);
  });

  it('each discrepancy gives exactly one exception of its kind, with both amounts', async () => {
    const lost = await paymentRef('lost');
    const short = await paymentRef('short');
    const plain = await paymentRef('plain');
    // The gateway now tells a different story: the 700 capture is missing, the 1,200 is 1,199,
    // a charge nobody made, a row twice, a dispute on the plain payment.
    await db.query(
      `DELETE FROM settlement_records WHERE payment_reference = ${api.database.kind === 'postgres' ? '$1' : '?'}`,
      [lost],
    );
    await db.query(
      `UPDATE settlement_records SET amount = 1199, net = net - 1 WHERE payment_reference = ${api.database.kind === 'postgres' ? '$1' : '?'}`,
      [short],
    );
    const plainRow = (await gatewayRows()).find((r) => r.paymentReference === plain)!;
    await store([
      row({
        kind: 'charge',
        amount: 4200,
        paymentReference: 'mem_nobody',
        captureReference: 'memcap_nobody',
      }),
      { ...plainRow, id: 'memtxn_again', dedupeKey: 'memtxn_again' },
      row({ kind: 'dispute', amount: -1000, fee: 1500, paymentReference: plain, disputeReference: 'dp_1' }),
    ]);
    const run = await reconcile();
    expect(run.counts).toMatchObject({
      matched: 3,
      missing_at_gateway: 1,
      amount_mismatch: 1,
      missing_in_payrail: 1,
      duplicate: 1,
      status_mismatch: 1,
    });
    const list = await finance('GET', `/admin/reconciliation/exceptions?run_id=${run.id}&status=open`);
    expect(list.status).toBe(200);
    const byKind = Object.fromEntries(list.body.data.map((x: any) => [x.kind, x]));
    expect(Object.keys(byKind).sort()).toEqual(
      ['amount_mismatch', 'duplicate', 'missing_at_gateway', 'missing_in_payrail', 'status_mismatch'].sort(),
    );
    expect(byKind.amount_mismatch).toMatchObject({
      payrail_amount: 1200,
      gateway_amount: 1199,
      payment_id: ids['short'],
    });
    expect(byKind.missing_at_gateway).toMatchObject({ payrail_amount: 700, gateway_amount: null });
    expect(byKind.missing_in_payrail).toMatchObject({ payrail_amount: null, gateway_amount: 4200 });
    expect(byKind.missing_in_payrail.gateway_record.raw).toMatchObject({ note: 'as the gateway sent it' });
    const rerun = await reconcile();
    expect(rerun.digest).toBe(run.digest);
    expect(rerun.counts).toEqual(run.counts);
    // Nothing changed since: the items stay as the run before wrote them, its exceptions are this run's.
    const p = (i: number) => (api.database.kind === 'postgres' ? `$${i}` : '?');
    const [items] = await db.query(
      `SELECT COUNT(*) AS n, SUM(CASE WHEN run_id = ${p(1)} THEN 1 ELSE 0 END) AS rewritten
        FROM reconciliation_items WHERE connection_id = ${p(2)}`,
      [rerun.id, api.memoryConnectionId],
    );
    expect(Number(items.n)).toBeGreaterThan(0);
    expect(Number(items.rewritten)).toBe(0);
    const carried = await finance('GET', `/admin/reconciliation/exceptions?run_id=${rerun.id}&status=open`);
    expect(carried.body.total).toBe(5);
    const after = await finance(
      'GET',
      `/admin/reconciliation/exceptions?connection_id=${api.memoryConnectionId}&status=open`,
    );
    expect(after.body.total).toBe(5);
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(
      /payrail_reconciliation_exceptions_open\{gateway="memory",kind="amount_mismatch"\} 1/,
    );
  });

  it('a late record resolves its exception by itself, with an audit entry', async () => {
    const lost = await paymentRef('lost');
    const missing = (
      await finance('GET', '/admin/reconciliation/exceptions?kind=missing_at_gateway&status=open')
    ).body.data[0];
    const late = (await gatewayRows()).filter((r) => r.paymentReference === lost);
    await store(late);
    const run = await reconcile();
    expect(run.counts['missing_at_gateway']).toBe(0);
    const resolved = await finance('GET', `/admin/reconciliation/exceptions/${missing.id}`);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: 'auto_matched' });
    const audit = await auditor(
      'GET',
      `/admin/audit?action=reconciliation.exception_resolved&resource_id=${missing.id}`,
    );
    expect(audit.body.data).toEqual([expect.objectContaining({ actor_type: 'system' })]);
  });

  it('resolving needs a reason and writes an audit entry; finance can, support and auditors cannot', async () => {
    const open = (await finance('GET', '/admin/reconciliation/exceptions?kind=amount_mismatch&status=open'))
      .body.data[0];
    const path = `/admin/reconciliation/exceptions/${open.id}/resolve`;
    const noNote = await finance('POST', path, { resolution: 'accept_gateway' });
    expect(noNote.status).toBe(400);
    expect(noNote.body.error.param ?? noNote.body.error.message).toMatch(/note/);
    expect((await finance('POST', path, { resolution: 'accept_gateway', note: '   ' })).status).toBe(400);
    expect((await finance('POST', path, { resolution: 'linked', note: 'the refund' })).body.error.param).toBe(
      'linked_reference',
    );
    expect((await support('POST', path, { resolution: 'write_off', note: 'not mine' })).status).toBe(403);
    expect((await support('GET', `/admin/reconciliation/exceptions/${open.id}`)).status).toBe(403);
    expect((await auditor('POST', path, { resolution: 'write_off', note: 'looking only' })).status).toBe(403);
    expect((await auditor('GET', `/admin/reconciliation/exceptions/${open.id}`)).status).toBe(200);
    const done = await finance('POST', path, {
      resolution: 'accept_gateway',
      note: 'the gateway kept one cent; accepted',
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      status: 'resolved',
      resolution: 'accept_gateway',
      resolved_by: expect.any(String),
    });
    expect((await finance('POST', path, { resolution: 'write_off', note: 'twice' })).status).toBe(409);
    const audit = await auditor(
      'GET',
      `/admin/audit?action=reconciliation.exception_resolved&resource_id=${open.id}`,
    );
    expect(audit.body.data).toEqual([
      expect.objectContaining({ actor_type: 'user', reason: 'the gateway kept one cent; accepted' }),
    ]);
    // A rerun that still finds the difference leaves the human's resolution standing.
    await reconcile();
    expect((await finance('GET', `/admin/reconciliation/exceptions/${open.id}`)).body.status).toBe(
      'resolved',
    );
    const reopened = await finance('POST', `/admin/reconciliation/exceptions/${open.id}/reopen`, {
      note: 'wrong call',
    });
    expect(reopened.body.status).toBe('open');
    const ack = await finance('POST', `/admin/reconciliation/exceptions/${open.id}/acknowledge`, {
      note: 'looking',
    });
    expect(ack.body.status).toBe('acknowledged');
  });

  it('checks a payout against its entries', async () => {
    const plain = await paymentRef('plain');
    const entry = (await gatewayRows()).find((r) => r.paymentReference === plain)!;
    await store(
      [{ ...entry, payoutId: 'mempo_1', status: 'paid_out' }],
      [
        {
          id: 'mempo_1',
          status: 'paid',
          currency: 'USD',
          amount: entry.net + 1,
          fee: 0,
          createdAt: new Date(),
          raw: { id: 'mempo_1' },
        },
      ],
    );
    const run = await reconcile();
    const payout = (
      await finance('GET', `/admin/reconciliation/exceptions?run_id=${run.id}&kind=amount_mismatch`)
    ).body.data.find((x: any) => x.gateway_record?.payout_id === 'mempo_1');
    expect(payout).toMatchObject({ payrail_amount: entry.net, gateway_amount: entry.net + 1 });
  });

  it('lists runs with their counts and refuses a bad window or an unknown run', async () => {
    const runs = await auditor('GET', `/admin/reconciliation/runs?connection_id=${api.memoryConnectionId}`);
    expect(runs.body.data.length).toBeGreaterThan(3);
    expect(runs.body.data[0]).toMatchObject({
      status: 'completed',
      counts: expect.objectContaining({ matched: expect.any(Number) }),
    });
    expect((await finance('GET', `/admin/reconciliation/runs/${runs.body.data[0].id}`)).body.digest).toMatch(
      /^[0-9a-f]{64}$/,
    );
    expect((await finance('GET', '/admin/reconciliation/runs/rcr_nope')).status).toBe(404);
    expect((await support('GET', '/admin/reconciliation/runs')).status).toBe(403);
    const bad = await finance('POST', '/admin/reconciliation/runs', {
      connection_id: api.memoryConnectionId,
      from: to.toISOString(),
      to: from.toISOString(),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('from');
    const unknown = await finance('GET', '/admin/reconciliation/exceptions?kind=nonsense');
    expect(unknown.status).toBe(400);
  });
});
