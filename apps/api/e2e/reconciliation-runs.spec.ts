import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { SettlementRecord } from '@payrail/plugin-sdk';
import { ReconciliationSchedule } from '@payrail/reconciliation';
import { adminSession, type AdminRequest } from './admin-session';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

/* Runs as a finance user starts them: the job imports through the plugin, matches and reports. */

let api: TestApi;
let finance: AdminRequest;
const from = new Date(Date.now() - 3600_000).toISOString();
const to = new Date(Date.now() + 3600_000).toISOString();

async function pay(amount: number, refund?: number): Promise<string> {
  const created = await api.request('POST', '/v1/payments', {
    amount,
    currency: 'usd',
    capture_method: 'automatic',
    payment_method: { token: 'tok_ok' },
  });
  if (refund) await api.request('POST', `/v1/payments/${created.body.id}/refunds`, { amount: refund });
  return created.body.id;
}

async function run(): Promise<any> {
  const started = await finance('POST', '/admin/reconciliation/runs', {
    connection_id: api.memoryConnectionId,
    from,
    to,
  });
  expect(started.status).toBe(201);
  expect(started.body).toMatchObject({ status: 'queued', progress: 0 });
  for (let tries = 0; tries < 200; tries++) {
    const current = await finance('GET', `/admin/reconciliation/runs/${started.body.id}`);
    if (current.body.status === 'completed' || current.body.status === 'failed') return current.body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the run did not finish');
}

beforeAll(async () => {
  api = await startTestApi({
    memory: true,
    env: {
      PAYRAIL_JOB_POLL_MS: '20',
      PAYRAIL_RECONCILIATION_SETTLEMENT_DELAY_MS: '0',
      PAYRAIL_RECONCILIATION_INTERVAL_MS: '0',
    },
  });
  finance = (await adminSession(api, [{ role: 'finance', merchantId: api.merchantId }])).request;
}, 60_000);

afterAll(async () => {
  await api?.close();
});

describeDb(`reconciliation runs through the plugin ${dbLabel}`, () => {
  let digest: string;
  let lateRecord: SettlementRecord;

  it('imports the gateway records, matches every movement and the payout, with totals and a digest', async () => {
    await pay(1000);
    await pay(2500, 500);
    const late = await pay(700);
    // The gateway has not reported the 700 capture yet: it is held back, then paid out without it.
    const ledger = api.memory!.settlements.records;
    const payment = await api.request('GET', `/v1/payments/${late}`);
    const index = ledger.findIndex((r) => r.paymentReference === payment.body.gateway_reference);
    lateRecord = ledger.splice(index, 1)[0];
    api.memory!.settlements.payOut();
    const first = await run();
    expect(first).toMatchObject({ status: 'completed', progress: 100, imported_count: ledger.length });
    expect(first.counts).toMatchObject({
      matched: 4,
      missing_at_gateway: 1,
      amount_mismatch: 0,
      duplicate: 0,
    });
    expect(first.totals).toEqual([expect.objectContaining({ currency: 'usd', gross: 3000 })]);
    expect(first.duration_ms).toEqual(expect.any(Number));
    digest = first.digest;
  });

  it('a rerun imports nothing new and gives the same digest', async () => {
    const db = api.app.get<DataSource>(getDataSourceToken());
    const touched = async () =>
      ((await db.query('SELECT MAX(updated_at) AS at FROM settlement_records')) as Array<{ at: unknown }>)[0]
        .at;
    const before = await touched();
    const again = await run();
    expect(again.imported_count).toBe(0);
    expect(again.digest).toBe(digest);
    // Records read again unchanged are not rewritten, so a rerun can tell that nothing changed.
    expect(await touched()).toEqual(before);
  });

  it('a charge Payrail never saw is one exception; the late row resolves its own', async () => {
    api.memory!.settlements.add({
      kind: 'charge',
      currency: 'USD',
      amount: 4200,
      fee: 152,
      paymentReference: 'mem_ghost',
    });
    api.memory!.settlements.records.push(lateRecord);
    const next = await run();
    expect(next.counts).toMatchObject({ matched: 5, missing_in_payrail: 1, missing_at_gateway: 0 });
    const open = await finance(
      'GET',
      `/admin/reconciliation/exceptions?connection_id=${api.memoryConnectionId}&status=open`,
    );
    expect(open.body.data.map((x: any) => `${x.kind} ${x.gateway_amount}`)).toEqual([
      'missing_in_payrail 4200',
    ]);
    const resolved = await finance(
      'GET',
      `/admin/reconciliation/exceptions?kind=missing_at_gateway&status=resolved`,
    );
    expect(resolved.body.data).toEqual([
      expect.objectContaining({ resolution: 'auto_matched', payrail_amount: 700 }),
    ]);
  });

  it('the schedule starts one run per connection for the day before, once', async () => {
    const schedule = api.app.get(ReconciliationSchedule);
    const tomorrow = new Date(Date.now() + 86_400_000);
    const started = await schedule.startDue(tomorrow);
    expect(started.map((r) => r.connectionId)).toEqual([api.memoryConnectionId]);
    expect(started[0]).toMatchObject({ trigger: 'scheduled' });
    expect(started[0].windowTo.getTime() - started[0].windowFrom.getTime()).toBe(86_400_000);
    expect(await schedule.startDue(tomorrow)).toEqual([]);
  });
});
