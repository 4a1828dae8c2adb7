import { randomUUID } from 'node:crypto';
import { ConnectionService } from '@payrail/gateways';
import { PAYPAL_DESCRIPTOR } from '@payrail/plugin-paypal';
import { SQUARE_DESCRIPTOR } from '@payrail/plugin-square';
import { STRIPE_DESCRIPTOR } from '@payrail/plugin-stripe';
import { startPayPalSandbox } from '@payrail/sandbox/paypal';
import { startSquareSandbox } from '@payrail/sandbox/square';
import { startStripeSandbox } from '@payrail/sandbox/stripe';
import { adminSession, type AdminRequest } from './admin-session';
import { dbLabel, describeDb } from './harness';
import { startSandboxedApi, type SandboxedApi } from './sandboxes';

type Code = 'stripe' | 'paypal' | 'square';
interface Closable {
  url: string;
  close(): Promise<void>;
}

let env: SandboxedApi;
let admin: AdminRequest;
const backups: Partial<Record<Code, Closable>> = {};
const closed = new Set<Code>();

const card = {
  card: { number: '4111111111111111', exp_month: 12, exp_year: 2030, cvc: '123', name: 'Ada Buyer' },
};
const CASES = [
  {
    code: 'stripe' as const,
    method: { token: 'pm_card_visa' },
    start: startStripeSandbox,
    descriptor: STRIPE_DESCRIPTOR,
  },
  { code: 'paypal' as const, method: card, start: startPayPalSandbox, descriptor: PAYPAL_DESCRIPTOR },
  {
    code: 'square' as const,
    method: { token: 'cnon:card-nonce-ok' },
    start: startSquareSandbox,
    descriptor: SQUARE_DESCRIPTOR,
  },
];

beforeAll(async () => {
  env = await startSandboxedApi();
  admin = (await adminSession(env.api, [{ role: 'owner', merchantId: null }])).request;
}, 60_000);

afterAll(async () => {
  await env?.api.close();
  for (const code of ['stripe', 'paypal', 'square'] as const)
    if (!closed.has(code)) await env?.[code].close();
  for (const backup of Object.values(backups)) await backup?.close();
});

const sandboxControl = (url: string, path: string, body: unknown) =>
  fetch(`${url}/_sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describeDb.each(CASES)(`routing and failover on $code ${dbLabel}`, ({ code, method, start, descriptor }) => {
  let primary: string;
  let secondary: string;
  let ruleId: string;
  const pay = (capture_method = 'manual') =>
    env.api.request(
      'POST',
      '/v1/payments',
      { amount: 4200, currency: 'usd', capture_method, payment_method: method, metadata: { lane: code } },
      { 'idempotency-key': randomUUID() },
    );
  const events = async (id: string) =>
    (await env.api.request('GET', `/v1/payments/${id}/events`)).body.data as Array<Record<string, any>>;

  beforeAll(async () => {
    const backup = await start({ port: 0 });
    backups[code] = backup;
    const connections = env.api.app.get(ConnectionService);
    primary = (await connections.findForMerchant(env.api.merchantId, code)).find(
      (c) => c.mode === 'test',
    )!.id;
    secondary = (
      await connections.create({
        merchantId: env.api.merchantId,
        gateway: code,
        mode: 'test',
        name: `${code} backup`,
        values: { ...descriptor.sandbox.connectionValues },
        baseUrl: backup.url,
      })
    ).id;
    const rule = await admin('POST', '/admin/routing/rules', {
      merchant_id: env.api.merchantId,
      name: `${code} lane`,
      conditions: { currency: ['usd'], metadata: { lane: code } },
      connection_ids: [primary, secondary],
    });
    expect(rule.status).toBe(201);
    ruleId = rule.body.id;
  }, 30_000);

  it('follows the rule to the first connection, says so on the timeline, and the simulator agrees', async () => {
    const payment = await pay();
    expect(payment.status).toBe(201);
    expect(payment.body).toMatchObject({ status: 'authorized', connection_id: primary });
    const routing = (await events(payment.body.id)).find((e) => e.type === 'routing');
    expect(routing?.data).toMatchObject({
      decision: 'route',
      rule_id: ruleId,
      connection_ids: [primary, secondary],
    });
    const simulated = await admin('POST', '/admin/routing/simulate', {
      merchant_id: env.api.merchantId,
      amount: 4200,
      currency: 'usd',
      metadata: { lane: code },
      payment_method: 'token' in method ? 'token' : 'card',
    });
    expect(simulated.body).toMatchObject({ connection_id: primary, rule_id: ruleId, failover: [secondary] });
    const listed = await admin('GET', `/admin/routing/rules?merchant_id=${env.api.merchantId}`);
    expect(listed.body.data.map((r: { id: string }) => r.id)).toContain(ruleId);
  }, 30_000);

  it('leaves an authorization in doubt on the primary: never retried elsewhere', async () => {
    await sandboxControl(env[code].url, 'unavailable', { ratio: 1 });
    const payment = await pay();
    await sandboxControl(env[code].url, 'unavailable', { ratio: 0 });
    expect(payment.body).toMatchObject({ status: 'unknown', connection_id: primary });
    expect((await events(payment.body.id)).some((e) => e.data?.decision === 'failover')).toBe(false);
  }, 30_000);

  it('primary down: new authorizations go to the secondary with the reason; the primary payment captures nowhere else', async () => {
    const before = await pay();
    expect(before.body).toMatchObject({ status: 'authorized', connection_id: primary });
    await env[code].close();
    closed.add(code);

    const payment = await pay();
    expect(payment.status).toBe(201);
    expect(payment.body).toMatchObject({ status: 'authorized', connection_id: secondary, gateway: code });
    const timeline = await events(payment.body.id);
    const failover = timeline.find((e) => e.data?.decision === 'failover');
    expect(failover?.data).toMatchObject({
      from_connection_id: primary,
      to_connection_id: secondary,
      reason: 'gateway_unavailable',
    });
    expect(failover?.message).toMatch(/refused without effect/);
    expect(
      timeline.filter((e) => e.type === 'gateway_call' && e.outcome === 'failed').length,
    ).toBeGreaterThanOrEqual(1);
    expect(
      (
        await env.api.request(
          'POST',
          `/v1/payments/${payment.body.id}/capture`,
          {},
          { 'idempotency-key': randomUUID() },
        )
      ).body.status,
    ).toBe('captured');

    // Capture stays on the payment's own connection, even while it is down.
    const capture = await env.api.request(
      'POST',
      `/v1/payments/${before.body.id}/capture`,
      {},
      { 'idempotency-key': randomUUID() },
    );
    expect(capture.status).toBeGreaterThanOrEqual(500);
    const after = await env.api.request('GET', `/v1/payments/${before.body.id}`);
    expect(after.body).toMatchObject({ connection_id: primary, status: 'authorized' });
  }, 30_000);
});

describeDb(`a gateway token cannot fail over to another gateway ${dbLabel}`, () => {
  it('the error says so, and the simulator shows the connection it skipped', async () => {
    const connections = env.api.app.get(ConnectionService);
    const ofGateway = async (code: Code) =>
      (await connections.findForMerchant(env.api.merchantId, code)).filter((c) => c.mode === 'test');
    // The seeded Stripe connection's sandbox was stopped above; the PayPal backup still answers.
    const stripe = (await ofGateway('stripe')).find((c) => c.name !== 'stripe backup')!.id;
    const paypal = (await ofGateway('paypal')).find((c) => c.name === 'paypal backup')!.id;
    const rule = await admin('POST', '/admin/routing/rules', {
      merchant_id: env.api.merchantId,
      name: 'mixed lane',
      conditions: { metadata: { lane: 'mixed' } },
      connection_ids: [stripe, paypal],
    });
    expect(rule.status).toBe(201);
    const simulated = await admin('POST', '/admin/routing/simulate', {
      merchant_id: env.api.merchantId,
      amount: 900,
      currency: 'usd',
      metadata: { lane: 'mixed' },
      payment_method: 'token',
    });
    expect(simulated.body).toMatchObject({ connection_id: stripe, failover: [] });
    expect(simulated.body.skipped).toEqual([
      {
        connection_id: paypal,
        reason: 'payment_method.token is a stripe token: it cannot be used on paypal',
      },
    ]);
    const payment = await env.api.request(
      'POST',
      '/v1/payments',
      {
        amount: 900,
        currency: 'usd',
        payment_method: { token: 'pm_card_visa' },
        metadata: { lane: 'mixed' },
      },
      { 'idempotency-key': randomUUID() },
    );
    expect(payment.status).toBe(503);
    expect(payment.body.error.code).toBe('gateway_unavailable');
    expect(payment.body.error.message).toMatch(/no failover: .*payment_method\.token is a stripe token/);
    // A card may go elsewhere: the same rule sends it on to PayPal.
    const carded = await env.api.request(
      'POST',
      '/v1/payments',
      {
        amount: 900,
        currency: 'usd',
        capture_method: 'manual',
        payment_method: card,
        metadata: { lane: 'mixed' },
      },
      { 'idempotency-key': randomUUID() },
    );
    expect(carded.body).toMatchObject({ status: 'authorized', gateway: 'paypal', connection_id: paypal });
  }, 30_000);
});
