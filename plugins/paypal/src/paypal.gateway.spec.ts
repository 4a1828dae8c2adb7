import { randomUUID } from 'node:crypto';
import { describeGatewayConformance } from '@payrail/plugin-sdk/testing';
import type { GatewayConnection } from '@payrail/plugin-sdk';
import {
  PAYPAL_SANDBOX_DEFAULTS,
  PayPalSpecValidator,
  startPayPalSandbox,
  type PayPalSandbox,
} from '@payrail/sandbox/paypal';
import { PayPalGateway } from './paypal.gateway';

const validator = new PayPalSpecValidator();
const gateway = new PayPalGateway();
let sandbox: PayPalSandbox;
let connection: GatewayConnection;

const SLOW_CLIENT = {
  clientId: 'payrail-sandbox-test-slow-client',
  clientSecret: 'payrail-sandbox-test-slow-secret',
};
const card = (name?: string) => ({
  number: '4111111111111111',
  expMonth: 12,
  expYear: new Date().getFullYear() + 3,
  cvc: '123',
  ...(name ? { name } : {}),
});
const tokenFor = async (name?: string) => {
  const outcome = await gateway.tokenize(connection, { card: card(name), idempotencyKey: randomUUID() });
  if (!outcome.ok) throw outcome.error;
  return outcome.value.token;
};

beforeAll(async () => {
  sandbox = await startPayPalSandbox({ port: 0, record: true, clients: [SLOW_CLIENT] });
  sandbox.setLatency(2000, SLOW_CLIENT.clientId);
  connection = {
    id: 'conn_paypal_test',
    mode: 'test',
    values: {
      clientId: PAYPAL_SANDBOX_DEFAULTS.clientId,
      clientSecret: PAYPAL_SANDBOX_DEFAULTS.clientSecret,
    },
    baseUrl: sandbox.url,
    timeoutMs: 5000,
  };
  const registered = await gateway.registerWebhook(connection, {
    url: 'http://127.0.0.1:9/webhooks/conn_paypal_test',
  });
  if (!registered.ok) throw registered.error;
  connection = { ...connection, values: { ...connection.values, ...registered.value.values } };
});

afterAll(async () => {
  await sandbox.close();
});

const signed = (at?: Date) => async (reference: string) => {
  const delivery = sandbox.signedDelivery({
    resourceId: reference,
    webhookId: connection.values['webhookId'],
    eventType: 'PAYMENT.CAPTURE.COMPLETED',
    at,
  });
  return {
    rawBody: Buffer.from(delivery.body),
    headers: delivery.headers,
    url: 'http://127.0.0.1/webhooks/conn_paypal_test',
  };
};

describeGatewayConformance({
  name: 'PayPal',
  gateway: () => gateway,
  connection: () => connection,
  approvedToken: () => tokenFor(),
  approvedCard: card(),
  failures: [
    {
      code: 'card_declined',
      stage: 'authorize',
      token: () => tokenFor('CCREJECT-REFUSED'),
      label: 'CCREJECT-REFUSED (0500)',
    },
    {
      code: 'fraud_suspected',
      stage: 'authorize',
      token: () => tokenFor('CCREJECT-SF'),
      label: 'CCREJECT-SF (9500)',
    },
    {
      code: 'expired_card',
      stage: 'authorize',
      token: () => tokenFor('CCREJECT-EC'),
      label: 'CCREJECT-EC (5400)',
    },
    {
      code: 'incorrect_cvc',
      stage: 'authorize',
      token: () => tokenFor('CCREJECT-CVV_F'),
      label: 'CCREJECT-CVV_F (00N7)',
    },
    {
      code: 'insufficient_funds',
      stage: 'capture',
      token: () => tokenFor('CCREJECT-IF'),
      label: 'a declined capture, CCREJECT-IF (5120)',
    },
    { code: 'invalid_card_number', stage: 'tokenize', card: { ...card(), number: '4111111111111112' } },
    { code: 'expired_card', stage: 'tokenize', card: { ...card(), expYear: 2020 }, label: 'a past expiry' },
    {
      code: 'authentication_failed',
      stage: 'authorize',
      connection: () => ({ ...connection, values: { ...connection.values, clientSecret: 'wrong-secret' } }),
    },
  ],
  signedWebhook: signed(),
  staleWebhook: signed(new Date(Date.now() - 2 * 3600_000)),
  badCredentials: () => ({ ...connection, values: { ...connection.values, clientSecret: 'wrong-secret' } }),
  slowConnection: () => ({
    ...connection,
    id: 'conn_paypal_slow',
    values: { clientId: SLOW_CLIENT.clientId, clientSecret: SLOW_CLIENT.clientSecret },
    timeoutMs: 300,
  }),
  payOut: async () => {
    const answer = await fetch(`${sandbox.url}/_sandbox/settlements/payout`, { method: 'POST', body: '{}' });
    expect(answer.status).toBe(200);
  },
});

describe('PayPal gateway beyond the kit', () => {
  it('refuses a currency PayPal does not take before calling it', async () => {
    const before = sandbox.exchanges.length;
    const outcome = await gateway.authorize(connection, {
      paymentId: 'p',
      attemptId: 'a',
      idempotencyKey: randomUUID(),
      amount: { amount: 1000, currency: 'KWD' },
      token: await tokenFor(),
    });
    expect(outcome.ok ? undefined : outcome.error.code).toBe('currency_not_supported');
    expect(sandbox.exchanges.length).toBe(before);
  });

  it('tags PayPal objects with the attempt and tells captures and refunds apart in sync', async () => {
    const auth = await gateway.authorize(connection, {
      paymentId: 'pay_tag',
      attemptId: 'att_auth',
      idempotencyKey: randomUUID(),
      amount: { amount: 3000, currency: 'EUR' },
      token: await tokenFor(),
    });
    if (!auth.ok) throw auth.error;
    const first = await gateway.capture(connection, {
      reference: auth.value.reference,
      attemptId: 'att_cap1',
      idempotencyKey: randomUUID(),
      amount: { amount: 1000, currency: 'EUR' },
      final: false,
    });
    const second = await gateway.capture(connection, {
      reference: auth.value.reference,
      attemptId: 'att_cap2',
      idempotencyKey: randomUUID(),
      amount: { amount: 2000, currency: 'EUR' },
      final: true,
    });
    if (!first.ok || !second.ok) throw new Error('capture failed');
    const refund = await gateway.refund(connection, {
      reference: auth.value.reference,
      attemptId: 'att_ref',
      idempotencyKey: randomUUID(),
      amount: { amount: 2500, currency: 'EUR' },
      captures: second.value.snapshot.captures,
    });
    if (!refund.ok) throw refund.error;
    const synced = await gateway.sync(connection, { reference: auth.value.reference });
    if (!synced.ok) throw synced.error;
    expect(synced.value.captures.map((c) => c.attemptId).sort()).toEqual(['att_cap1', 'att_cap2']);
    expect(synced.value.amountRefunded).toBe(2500);
    expect(synced.value.refunds.every((r) => r.attemptId === 'att_ref')).toBe(true);
    expect(synced.value.status).toBe('partially_refunded');
  });

  it('fetches a new token when PayPal no longer accepts the cached one', async () => {
    sandbox.expireTokens();
    const outcome = await gateway.authorize(connection, {
      paymentId: 'p',
      attemptId: 'a',
      idempotencyKey: randomUUID(),
      amount: { amount: 500, currency: 'USD' },
      token: await tokenFor(),
    });
    expect(outcome.ok).toBe(true);
  });

  it('authorizes a PayPal order the buyer approved through the front end', async () => {
    const res = await fetch(`${sandbox.url}/v1/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${PAYPAL_SANDBOX_DEFAULTS.clientId}:${PAYPAL_SANDBOX_DEFAULTS.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const { access_token } = (await res.json()) as { access_token: string };
    const created = await fetch(`${sandbox.url}/v2/checkout/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        intent: 'AUTHORIZE',
        purchase_units: [{ amount: { currency_code: 'USD', value: '20.00' } }],
      }),
    });
    const order = (await created.json()) as { id: string };
    sandbox.approveOrder(order.id);
    const outcome = await gateway.authorize(connection, {
      paymentId: 'p',
      attemptId: 'a',
      idempotencyKey: randomUUID(),
      amount: { amount: 2000, currency: 'USD' },
      token: order.id,
    });
    expect(outcome.ok ? outcome.value.status : outcome.error.code).toBe('authorized');
  });

  it('makes an order for the card fields that holds no money until the card joins it at PayPal', async () => {
    const order = await gateway.createBrowserOrder(connection, {
      amount: { amount: 2599, currency: 'USD' },
      reference: 'ps_spec_1',
      idempotencyKey: randomUUID(),
    });
    if (!order.ok) throw order.error;
    expect(order.value.clientSecret).toBeUndefined();
    expect(sandbox.store.orders.get(order.value.reference)).toMatchObject({
      status: 'CREATED',
      intent: 'AUTHORIZE',
      unit: { reference_id: 'ps_spec_1', amount: { minor: 2599, currency: 'USD' } },
    });
    const authorize = () =>
      gateway.authorize(connection, {
        paymentId: 'p',
        attemptId: 'a',
        idempotencyKey: randomUUID(),
        amount: { amount: 2599, currency: 'USD' },
        token: order.value.reference,
      });
    // No card yet: PayPal refuses to authorize it, so nothing is charged.
    const early = await authorize();
    expect(early.ok ? early.value.status : early.error.code).not.toBe('authorized');
    // What PayPal's card fields do in their own frame.
    const confirmed = await fetch(
      `${sandbox.url}/_sandbox/js/orders/${order.value.reference}/confirm-payment-source`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_id: PAYPAL_SANDBOX_DEFAULTS.clientId,
          payment_source: { card: { number: '4111111111111111', expiry: '2034-12', security_code: '123' } },
        }),
      },
    );
    expect(confirmed.status).toBe(200);
    const outcome = await authorize();
    expect(outcome.ok ? outcome.value.status : outcome.error.code).toBe('authorized');
  });

  it('lets a live connection talk to PayPal only', async () => {
    const outcome = await gateway.sync({ ...connection, mode: 'live' }, { reference: 'X' });
    expect(outcome.ok ? 'ok' : outcome.error.message).toContain('https://api-m.paypal.com');
  });

  it("every response the suite received matches PayPal's OpenAPI specs", () => {
    expect(sandbox.exchanges.length).toBeGreaterThan(50);
    expect(validator.violations(sandbox.exchanges)).toEqual([]);
  });
});
