import { randomUUID } from 'node:crypto';
import type { GatewayConnection } from '@payrail/plugin-sdk';
import { collectSettlements, payoutEntries } from '@payrail/plugin-sdk/testing';
import {
  PAYPAL_SANDBOX_DEFAULTS,
  PayPalSpecValidator,
  startPayPalSandbox,
  type PayPalSandbox,
} from '@payrail/sandbox/paypal';
import { PayPalGateway } from './index';

const gateway = new PayPalGateway();

async function start(record: boolean): Promise<{ sandbox: PayPalSandbox; connection: GatewayConnection }> {
  const sandbox = await startPayPalSandbox({ port: 0, record });
  return {
    sandbox,
    connection: {
      id: `conn_paypal_${randomUUID().slice(0, 8)}`,
      mode: 'test',
      baseUrl: sandbox.url,
      timeoutMs: 10_000,
      values: {
        clientId: PAYPAL_SANDBOX_DEFAULTS.clientId,
        clientSecret: PAYPAL_SANDBOX_DEFAULTS.clientSecret,
      },
    },
  };
}

async function control(sandbox: PayPalSandbox, action: string, body: Record<string, unknown> = {}) {
  const answer = await fetch(`${sandbox.url}/_sandbox/settlements/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await answer.json()) as Record<string, unknown>;
  if (answer.status !== 200) throw new Error(`${action}: ${answer.status} ${JSON.stringify(json)}`);
  return json;
}

describe('PayPal settlement import against the sandbox', () => {
  let sandbox: PayPalSandbox;
  let connection: GatewayConnection;

  beforeAll(async () => {
    ({ sandbox, connection } = await start(true));
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  async function paid(amount: number, refund = 0) {
    const token = await gateway.tokenize(connection, {
      card: { number: '4111111111111111', expMonth: 12, expYear: new Date().getFullYear() + 3, cvc: '123' },
      idempotencyKey: randomUUID(),
    });
    if (!token.ok) throw token.error;
    const auth = await gateway.authorize(connection, {
      paymentId: `pay_${randomUUID()}`,
      attemptId: `att_${randomUUID()}`,
      idempotencyKey: randomUUID(),
      amount: { amount, currency: 'USD' },
      token: token.value.token,
    });
    if (!auth.ok) throw auth.error;
    const captured = await gateway.capture(connection, {
      reference: auth.value.reference,
      attemptId: `att_${randomUUID()}`,
      idempotencyKey: randomUUID(),
      amount: { amount, currency: 'USD' },
      final: true,
    });
    if (!captured.ok) throw captured.error;
    let refundId: string | undefined;
    if (refund) {
      const back = await gateway.refund(connection, {
        reference: auth.value.reference,
        attemptId: `att_${randomUUID()}`,
        idempotencyKey: randomUUID(),
        amount: { amount: refund, currency: 'USD' },
        captures: captured.value.snapshot.captures,
      });
      if (!back.ok) throw back.error;
      refundId = back.value.refund.reference;
    }
    return { auth: auth.value.reference, capture: captured.value.capture.reference, refund: refundId };
  }

  const window = () => ({
    from: new Date(Date.now() - 3600_000),
    to: new Date(Date.now() + 3600_000),
    pageSize: 2,
  });

  it('imports captures and refunds with PayPal fees, and a withdrawal its rows add up to', async () => {
    const a = await paid(10000, 4000);
    const b = await paid(2500);
    await control(sandbox, 'payout');
    const seen = await collectSettlements(gateway, connection, window());
    // The fee schedule: 3.49 % + USD 0.49 per capture; a refund gives back the percentage part.
    expect(seen.records.find((r) => r.captureReference === a.capture && r.kind === 'charge')).toMatchObject({
      paymentReference: a.auth,
      gatewayType: 'T0006',
      amount: 10000,
      fee: 398,
      net: 9602,
      status: 'available',
      raw: { transaction_info: { transaction_id: a.capture, transaction_event_code: 'T0006' } },
    });
    expect(seen.records.find((r) => r.refundReference === a.refund)).toMatchObject({
      kind: 'refund',
      gatewayType: 'T1107',
      paymentReference: a.auth,
      captureReference: a.capture,
      amount: -4000,
      fee: -140,
      net: -3860,
    });
    expect(seen.records.find((r) => r.captureReference === b.capture)).toMatchObject({
      amount: 2500,
      fee: 136,
    });
    expect(seen.payouts).toHaveLength(1);
    const [payout] = seen.payouts;
    expect(payout).toMatchObject({
      entries: 'since_previous_payout',
      currency: 'USD',
      amount: 9602 - 3860 + 2364,
    });
    const entries = payoutEntries(payout, seen.records, seen.payouts);
    expect(entries).toHaveLength(3);
    expect(entries.reduce((sum, r) => sum + r.net, 0)).toBe(payout.amount);
  });

  it('shows each injected discrepancy, keeps rows that share a transaction id, and a late row once released', async () => {
    const disputed = await paid(3000);
    const shifted = await paid(1000);
    const missing = await paid(1200);
    const late = await paid(1300);
    await control(sandbox, 'dispute', { reference: disputed.capture });
    await control(sandbox, 'fee', { amount: 150 });
    await control(sandbox, 'shift', { reference: shifted.capture, delta: -1 });
    const unknown = (await control(sandbox, 'unknown', { amount: 999 })) as { id: string };
    await control(sandbox, 'missing', { reference: missing.capture });
    await control(sandbox, 'late', { reference: late.capture });

    const seen = await collectSettlements(gateway, connection, window());
    const chargeback = seen.records.filter(
      (r) => r.captureReference === disputed.capture && r.kind !== 'charge',
    );
    expect(chargeback.map((r) => [r.kind, r.gatewayType, r.amount, r.paymentReference]).sort()).toEqual([
      ['dispute', 'T1201', -3000, disputed.auth],
      ['fee', 'T0106', -2000, disputed.auth],
    ]);
    expect(chargeback[0].id).toBe(chargeback[1].id);
    expect(chargeback[0].dedupeKey).not.toBe(chargeback[1].dedupeKey);
    expect(seen.records.filter((r) => r.gatewayType === 'T0100')).toEqual([
      expect.objectContaining({ kind: 'fee', amount: -150, net: -150 }),
    ]);
    expect(seen.records.find((r) => r.captureReference === shifted.capture)).toMatchObject({ amount: 999 });
    expect(seen.records.find((r) => r.id === unknown.id)).toMatchObject({ kind: 'charge', amount: 999 });
    expect(seen.records.some((r) => r.captureReference === missing.capture)).toBe(false);
    expect(seen.records.some((r) => r.captureReference === late.capture)).toBe(false);

    expect(await control(sandbox, 'release')).toEqual({ released: 1 });
    const later = await collectSettlements(gateway, connection, window());
    expect(later.records.filter((r) => r.captureReference === late.capture)).toEqual([
      expect.objectContaining({ kind: 'charge', amount: 1300 }),
    ]);
  });

  it('answered only what the official OpenAPI specs allow', () => {
    expect(sandbox.exchanges.some((e) => e.path === '/v1/reporting/transactions')).toBe(true);
    expect(new PayPalSpecValidator().violations(sandbox.exchanges)).toEqual([]);
  });
});

describe('PayPal settlement import of a large window', () => {
  let sandbox: PayPalSandbox;
  let connection: GatewayConnection;

  beforeAll(async () => {
    ({ sandbox, connection } = await start(true));
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('walks 45 days of more than 10,000 rows in searches of at most 31 days, halving the one PayPal refuses as too large', async () => {
    // 10,200 captures in the first 31 of the 45 days: too many for the first search's result set.
    expect(await control(sandbox, 'bulk', { count: 10_200, days: 30, until_days_ago: 14, pairs: 4 })).toEqual(
      {
        created: 10_208,
      },
    );
    expect(await control(sandbox, 'bulk', { count: 30, days: 13 })).toEqual({ created: 30 });
    const to = new Date();
    const from = new Date(to.getTime() - 45 * 86400_000);
    const seen = await collectSettlements(gateway, connection, { from, to, pageSize: 500 });
    expect(seen.records).toHaveLength(10_238);
    expect(seen.records.filter((r) => r.kind === 'charge')).toHaveLength(10_230);
    const shared = seen.records.filter((r) => r.gatewayType === 'T1201' || r.gatewayType === 'T0106');
    expect(shared).toHaveLength(8);
    expect(new Set(shared.map((r) => r.id)).size).toBe(4);
    const searches = sandbox.exchanges.filter((e) => e.path === '/v1/reporting/transactions');
    // One refusal, then each half and the remaining 14 days page by page (the sandbox refuses > 31 days).
    expect(searches.filter((e) => e.status === 400)).toHaveLength(1);
    expect(JSON.stringify(searches.find((e) => e.status === 400)?.body)).toMatch(/RESULTSET_TOO_LARGE/);
    expect(searches.filter((e) => e.status === 200).length).toBe(seen.pages);
    expect(new PayPalSpecValidator().violations(searches.slice(0, 3))).toEqual([]);
  }, 30_000);

  it('refuses a cursor it did not issue, and the sandbox refuses a bulk request out of range', async () => {
    const outcome = await gateway.listSettlements(connection, {
      from: new Date(Date.now() - 86400_000),
      to: new Date(),
      cursor: Buffer.from(JSON.stringify({ windows: [{ start: 0, end: 40 * 86400_000 }], page: 1 })).toString(
        'base64url',
      ),
    });
    expect(outcome.ok || outcome.error.code).toBe('invalid_request');
    await expect(control(sandbox, 'bulk', { count: 0 })).rejects.toThrow(/count 1-200000/);
  });
});
