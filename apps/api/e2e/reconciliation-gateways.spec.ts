import { DataSource } from 'typeorm';
import { ConnectionService } from '@payrail/gateways';
import { Payment as PaymentEntity } from '@payrail/payments';
import { adminSession, type AdminRequest } from './admin-session';
import { dbLabel, describeDb } from './harness';
import { startSandboxedApi, type SandboxedApi } from './sandboxes';

/*
 * Reconciliation against each gateway's sandbox, as finance sees it: payments through Payrail,
 * a payout, a run where everything matches; then each discrepancy the sandbox injects gives
 * exactly one exception of its kind with both amounts, a late row resolves its own, and a rerun
 * gives the same digest.
 */

interface Payment {
  id: string;
  /** What the sandbox's controls call the movement: Stripe the PaymentIntent, PayPal and Square the capture. */
  reference: string;
}

interface GatewayCase {
  code: 'stripe' | 'paypal' | 'square';
  paymentMethod: Record<string, unknown>;
  /** The control reference of a payment, from the stored payment. */
  referenceOf(payment: PaymentRow): string;
  /** Square reports a shift, a dispute and a fee in the next payout's entries. */
  payoutAfterInjecting: boolean;
  /** Whether the plugin links a payout's entries to it (PayPal's withdrawals carry none). */
  payoutHasEntries: boolean;
  sandboxUrl(env: SandboxedApi): string;
}

type PaymentRow = InstanceType<typeof PaymentEntity>;

async function sandboxControl(
  url: string,
  path: string,
  body: Record<string, unknown> = {},
): Promise<unknown> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as unknown;
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

const CASES: GatewayCase[] = [
  {
    code: 'stripe',
    paymentMethod: { token: 'pm_card_visa' },
    referenceOf: (p) => p.gatewayReference!,
    payoutAfterInjecting: false,
    payoutHasEntries: true,
    sandboxUrl: (env) => env.stripe.url,
  },
  {
    code: 'paypal',
    paymentMethod: {
      card: { number: '4111111111111111', exp_month: 12, exp_year: 2030, cvc: '123', name: 'Ada Buyer' },
    },
    referenceOf: (p) => p.captures[0].reference,
    payoutAfterInjecting: false,
    payoutHasEntries: true,
    sandboxUrl: (env) => env.paypal.url,
  },
  {
    code: 'square',
    paymentMethod: { token: 'cnon:card-nonce-ok' },
    referenceOf: (p) => p.captures[0]?.reference ?? p.gatewayReference!,
    payoutAfterInjecting: true,
    payoutHasEntries: true,
    sandboxUrl: (env) => env.square.url,
  },
];

async function pay(env: SandboxedApi, gateway: GatewayCase, amount: number): Promise<Payment> {
  const created = await env.api.request('POST', '/v1/payments', {
    amount,
    currency: 'usd',
    gateway: gateway.code,
    capture_method: 'automatic',
    payment_method: gateway.paymentMethod,
  });
  expect(created.status).toBe(201);
  const row = await env.api.app
    .get(DataSource)
    .getRepository(PaymentEntity)
    .findOneByOrFail({ id: created.body.id });
  return { id: row.id, reference: gateway.referenceOf(row) };
}

const control = (env: SandboxedApi, gateway: GatewayCase, name: string, body: Record<string, unknown> = {}) =>
  sandboxControl(gateway.sandboxUrl(env), `/_sandbox/settlements/${name}`, body);

describe.each(CASES)('reconciling $code', (gateway) => {
  let env: SandboxedApi;
  let finance: AdminRequest;
  let connectionId: string;
  const from = new Date(Date.now() - 3600_000).toISOString();
  const to = new Date(Date.now() + 3600_000).toISOString();

  async function run(): Promise<any> {
    const started = await finance('POST', '/admin/reconciliation/runs', {
      connection_id: connectionId,
      from,
      to,
    });
    expect(started.status).toBe(201);
    for (let tries = 0; tries < 300; tries++) {
      const current = await finance('GET', `/admin/reconciliation/runs/${started.body.id}`);
      if (current.body.status === 'completed') return current.body;
      if (current.body.status === 'failed') throw new Error(`run failed: ${current.body.error}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the run did not finish');
  }

  const openExceptions = async () =>
    (
      await finance(
        'GET',
        `/admin/reconciliation/exceptions?connection_id=${connectionId}&status=open&limit=200`,
      )
    ).body.data as any[];

  describeDb(`against its sandbox ${dbLabel}`, () => {
    beforeAll(async () => {
      env = await startSandboxedApi({
        PAYRAIL_JOB_POLL_MS: '20',
        PAYRAIL_RECONCILIATION_SETTLEMENT_DELAY_MS: '0',
        PAYRAIL_RECONCILIATION_INTERVAL_MS: '0',
      });
      finance = (await adminSession(env.api, [{ role: 'finance', merchantId: env.api.merchantId }])).request;
      const connections = await env.api.app.get(ConnectionService).list([env.api.merchantId], {});
      connectionId = connections.find((c) => c.gateway === gateway.code)!.id;
    }, 60_000);

    afterAll(async () => {
      await env?.close();
    });

    let payments: Payment[] = [];
    let settled: any;

    it('matches every movement and the payout when the gateway agrees', async () => {
      payments = [
        await pay(env, gateway, 1000),
        await pay(env, gateway, 2000),
        await pay(env, gateway, 3000),
      ];
      const refund = await env.api.request('POST', `/v1/payments/${payments[1].id}/refunds`, { amount: 500 });
      expect(refund.status).toBe(201);
      await control(env, gateway, 'payout');
      settled = await run();
      expect(settled.counts).toMatchObject({
        // three captures, a refund, and the payout where the gateway links its entries
        matched: gateway.payoutHasEntries ? 5 : 4,
        amount_mismatch: 0,
        currency_mismatch: 0,
        status_mismatch: 0,
        missing_at_gateway: 0,
        missing_in_payrail: 0,
        duplicate: 0,
      });
      expect(settled.totals).toEqual([expect.objectContaining({ currency: 'usd', gross: 5500 })]);
      expect(await openExceptions()).toEqual([]);
    });

    it('gives exactly one exception of the right kind, with both amounts, per injected discrepancy', async () => {
      const [shifted, disputed, missing, late] = [
        await pay(env, gateway, 1100),
        await pay(env, gateway, 1200),
        await pay(env, gateway, 1300),
        await pay(env, gateway, 1400),
      ];
      await control(env, gateway, 'shift', { reference: shifted.reference, delta: 1 });
      await control(env, gateway, 'dispute', { reference: disputed.reference });
      await control(env, gateway, 'fee', { amount: 250, currency: 'usd' });
      await control(env, gateway, 'unknown', { amount: 4200, currency: 'usd' });
      await control(env, gateway, 'missing', { reference: missing.reference });
      await control(env, gateway, 'late', { reference: late.reference });
      if (gateway.payoutAfterInjecting) await control(env, gateway, 'payout');
      const found = await run();
      expect(found.counts).toMatchObject({
        amount_mismatch: 1,
        status_mismatch: 1,
        missing_in_payrail: 2,
        missing_at_gateway: 2,
        duplicate: 0,
        currency_mismatch: 0,
      });
      const open = await openExceptions();
      expect(open).toHaveLength(6);
      const of = (payment: Payment) => open.filter((x) => x.payment_id === payment.id);
      expect(of(shifted)).toEqual([
        expect.objectContaining({ kind: 'amount_mismatch', payrail_amount: 1100, gateway_amount: 1101 }),
      ]);
      expect(of(missing)).toEqual([
        expect.objectContaining({ kind: 'missing_at_gateway', payrail_amount: 1300, gateway_amount: null }),
      ]);
      expect(of(late)).toEqual([
        expect.objectContaining({ kind: 'missing_at_gateway', payrail_amount: 1400 }),
      ]);
      const dispute = open.find((x) => x.kind === 'status_mismatch');
      expect(dispute.gateway_record).toMatchObject({ kind: 'dispute', raw: expect.any(Object) });
      expect(dispute.gateway_amount).toBe(-1200);
      const strangers = open
        .filter((x) => x.kind === 'missing_in_payrail')
        .map((x) => x.gateway_amount)
        .sort();
      expect(strangers).toEqual([-250, 4200].sort());
    });

    it('a late row resolves its own exception, and a rerun changes nothing', async () => {
      await control(env, gateway, 'release');
      const after = await run();
      expect(after.counts).toMatchObject({
        missing_at_gateway: 1,
        amount_mismatch: 1,
        status_mismatch: 1,
      });
      const resolved = (
        await finance('GET', `/admin/reconciliation/exceptions?connection_id=${connectionId}&status=resolved`)
      ).body.data;
      expect(resolved).toEqual([
        expect.objectContaining({ kind: 'missing_at_gateway', resolution: 'auto_matched' }),
      ]);
      const again = await run();
      expect(again.digest).toBe(after.digest);
      expect(again.imported_count).toBe(0);
      expect(await openExceptions()).toHaveLength(5);
    });
  });
});
