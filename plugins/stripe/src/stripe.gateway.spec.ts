import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { settlementPages, type GatewayConnection, type WebhookRequest } from '@payrail/plugin-sdk';
import { describeGatewayConformance } from '@payrail/plugin-sdk/testing';
import {
  loadStripeOpenApi,
  startStripeSandbox,
  stripeSignatureHeader,
  STRIPE_SANDBOX_DEFAULTS,
  type StripeSandbox,
} from '@payrail/sandbox/stripe';
import { StripeGateway, StripePlugin } from './index';

const validator = loadStripeOpenApi();
const gateway = new StripeGateway();
let sandbox: StripeSandbox;
let receiver: Server;
let webhookUrl: string;
let connection: GatewayConnection;
/** Deliveries the sandbox made to our webhook URL, as Payrail's inbox would receive them. */
const deliveries: WebhookRequest[] = [];

const [READ_ONLY_KEY] = Object.keys(STRIPE_SANDBOX_DEFAULTS.restrictedKeys);
const withKey = (secretKey: string, extra: Partial<GatewayConnection> = {}): GatewayConnection => ({
  ...connection,
  id: `conn_${secretKey.slice(-8)}`,
  values: { ...connection.values, secretKey },
  ...extra,
});
const year = new Date().getFullYear();

async function deliveryAbout(reference: string, type = 'payment_intent.succeeded'): Promise<WebhookRequest> {
  const until = Date.now() + 5000;
  for (;;) {
    const found = deliveries.find((d) => {
      const event = JSON.parse(d.rawBody.toString('utf8')) as {
        type: string;
        data: { object: { id: string } };
      };
      return event.type === type && event.data.object.id === reference;
    });
    if (found) return found;
    if (Date.now() > until) throw new Error(`no ${type} delivery about ${reference}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  sandbox = await startStripeSandbox({ port: 0, record: true, asyncRefundDelayMs: 60_000 });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
      );
      deliveries.push({ rawBody: Buffer.concat(chunks), headers, url: `${webhookUrl}` });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/conn_stripe`;
  connection = {
    id: 'conn_stripe',
    mode: 'test',
    baseUrl: sandbox.url,
    timeoutMs: 5000,
    values: {
      secretKey: STRIPE_SANDBOX_DEFAULTS.secretKey,
      publishableKey: STRIPE_SANDBOX_DEFAULTS.publishableKey,
      statementDescriptor: 'PAYRAIL TEST',
    },
  };
  const registered = await gateway.registerWebhook(connection, { url: webhookUrl });
  if (!registered.ok) throw registered.error;
  connection = { ...connection, values: { ...connection.values, ...registered.value.values } };
});

afterAll(async () => {
  await sandbox?.close();
  await new Promise((r) => receiver?.close(r));
});

describeGatewayConformance({
  name: 'Stripe',
  gateway: () => gateway,
  connection: () => connection,
  approvedToken: () => 'pm_card_visa',
  approvedCard: { number: '4242424242424242', expMonth: 12, expYear: year + 2, cvc: '123' },
  failures: [
    { code: 'card_declined', stage: 'authorize', token: () => 'pm_card_visa_chargeDeclined' },
    {
      code: 'insufficient_funds',
      stage: 'authorize',
      token: () => 'pm_card_visa_chargeDeclinedInsufficientFunds',
    },
    { code: 'expired_card', stage: 'authorize', token: () => 'pm_card_chargeDeclinedExpiredCard' },
    { code: 'incorrect_cvc', stage: 'authorize', token: () => 'pm_card_chargeDeclinedIncorrectCvc' },
    { code: 'processing_error', stage: 'authorize', token: () => 'pm_card_chargeDeclinedProcessingError' },
    {
      code: 'fraud_suspected',
      stage: 'authorize',
      token: () => 'pm_card_radarBlock',
      label: 'a Radar block',
    },
    {
      code: 'fraud_suspected',
      stage: 'authorize',
      token: () => 'pm_card_visa_chargeDeclinedStolenCard',
      label: 'a stolen card',
    },
    {
      code: 'card_declined',
      stage: 'authorize',
      token: () => 'pm_card_visa_chargeDeclinedVelocityLimitExceeded',
      label: 'the velocity limit',
    },
    {
      code: 'invalid_card_number',
      stage: 'tokenize',
      card: { number: '4242424242424241', expMonth: 12, expYear: year + 2, cvc: '123' },
    },
    {
      code: 'expired_card',
      stage: 'tokenize',
      card: { number: '4242424242424242', expMonth: 12, expYear: year - 1, cvc: '123' },
      label: 'a past expiry',
    },
    {
      code: 'incorrect_cvc',
      stage: 'tokenize',
      card: { number: '4242424242424242', expMonth: 12, expYear: year + 2, cvc: '12' },
      label: 'a two-digit CVC',
    },
    {
      code: 'authentication_failed',
      stage: 'authorize',
      connection: () => withKey('sk_test_NotAKeyTheSandboxKnows000'),
    },
    {
      code: 'permission_denied',
      stage: 'authorize',
      connection: () => withKey(READ_ONLY_KEY),
      label: 'a read-only restricted key',
    },
    {
      code: 'amount_too_large',
      stage: 'authorize',
      amount: 100_000_000,
      label: "an amount over Stripe's limit",
    },
  ],
  signedWebhook: (reference) => deliveryAbout(reference),
  staleWebhook: async (reference) => {
    const delivery = await deliveryAbout(reference);
    const body = delivery.rawBody.toString('utf8');
    const stale = stripeSignatureHeader(
      body,
      connection.values['webhookSecret'],
      Math.floor(Date.now() / 1000) - 600,
    );
    return { ...delivery, headers: { ...delivery.headers, 'stripe-signature': stale } };
  },
  badCredentials: () => withKey('sk_test_NotAKeyTheSandboxKnows000'),
  slowConnection: () => withKey(sandbox.createSlowKey(1500), { timeoutMs: 300 }),
  payOut: async () => {
    sandbox.settlements.payOut();
  },
});

describe('StripeGateway against the sandbox', () => {
  const authorize = (token = 'pm_card_visa', extra: Record<string, unknown> = {}) =>
    gateway.authorize(connection, {
      paymentId: `pay_${randomUUID()}`,
      attemptId: `att_${randomUUID()}`,
      idempotencyKey: `auth-${randomUUID()}`,
      amount: { amount: 5000, currency: 'USD' },
      token,
      ...extra,
    });

  it('tags the PaymentIntent with the payment and attempt, and sync reports which attempt captured and refunded', async () => {
    const auth = await authorize('pm_card_visa', { attemptId: 'att_auth_1', metadata: { order: 'o-1' } });
    if (!auth.ok) throw auth.error;
    const pi = sandbox.state.paymentIntents.get(auth.value.reference)?.object;
    expect(pi?.metadata).toMatchObject({ payrail_attempt_id: 'att_auth_1', order: 'o-1' });
    expect(pi?.['statement_descriptor_suffix']).toBe('PAYRAIL TEST');
    const captured = await gateway.capture(connection, {
      reference: auth.value.reference,
      attemptId: 'att_cap_1',
      idempotencyKey: `cap-${randomUUID()}`,
      amount: { amount: 3000, currency: 'USD' },
      final: true,
    });
    if (!captured.ok) throw captured.error;
    expect(captured.value.capture).toMatchObject({ amount: 3000, attemptId: 'att_cap_1' });
    expect(captured.value.capture.reference).toMatch(/^ch_/);
    const refunded = await gateway.refund(connection, {
      reference: auth.value.reference,
      attemptId: 'att_ref_1',
      idempotencyKey: `ref-${randomUUID()}`,
      amount: { amount: 1000, currency: 'USD' },
      reason: 'requested_by_customer',
      captures: captured.value.snapshot.captures,
    });
    if (!refunded.ok) throw refunded.error;
    const synced = await gateway.sync(connection, { reference: auth.value.reference });
    if (!synced.ok) throw synced.error;
    expect(synced.value).toMatchObject({
      status: 'partially_refunded',
      amountCaptured: 3000,
      amountRefunded: 1000,
      captures: [{ attemptId: 'att_cap_1', amount: 3000 }],
      refunds: [
        {
          attemptId: 'att_ref_1',
          amount: 1000,
          status: 'succeeded',
          captureReference: captured.value.capture.reference,
        },
      ],
      card: { brand: 'visa', last4: '4242' },
    });
  });

  it('passes a tok_ card token through as PaymentMethod data', async () => {
    const auth = await authorize('tok_visa');
    expect(auth.ok && auth.value.status).toBe('authorized');
  });

  it('makes a PaymentIntent for the browser to confirm, and records it only for its session and amount once confirmed', async () => {
    const order = await gateway.createBrowserOrder(connection, {
      amount: { amount: 5000, currency: 'USD' },
      reference: 'ps_spec_1',
      idempotencyKey: `order-${randomUUID()}`,
    });
    if (!order.ok) throw order.error;
    expect(order.value.clientSecret?.startsWith(`${order.value.reference}_secret_`)).toBe(true);
    const forSession = { metadata: { payrail_session_id: 'ps_spec_1' } };
    const early = await authorize(order.value.reference, forSession);
    expect(!early.ok && early.error).toMatchObject({ code: 'invalid_request', param: 'token' });
    // What Stripe.js does with the publishable key and the client secret.
    const confirmed = await fetch(`${sandbox.url}/v1/payment_intents/${order.value.reference}/confirm`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${STRIPE_SANDBOX_DEFAULTS.publishableKey}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        client_secret: order.value.clientSecret ?? '',
        payment_method: 'pm_card_visa',
      }),
    });
    expect(confirmed.status).toBe(200);
    const other = await authorize(order.value.reference, { metadata: { payrail_session_id: 'ps_other' } });
    expect(!other.ok && other.error).toMatchObject({ code: 'invalid_request', param: 'token' });
    const wrongAmount = await authorize(order.value.reference, {
      ...forSession,
      amount: { amount: 4999, currency: 'USD' },
    });
    expect(!wrongAmount.ok && wrongAmount.error).toMatchObject({ code: 'invalid_request', param: 'amount' });
    const recorded = await authorize(order.value.reference, forSession);
    expect(recorded.ok && recorded.value).toMatchObject({
      reference: order.value.reference,
      status: 'authorized',
      amountCapturable: 5000,
      card: { last4: '4242' },
    });
  });

  it('reports a PaymentIntent declined in the browser as that payment’s decline', async () => {
    const order = await gateway.createBrowserOrder(connection, {
      amount: { amount: 5000, currency: 'USD' },
      reference: 'ps_spec_2',
      idempotencyKey: `order-${randomUUID()}`,
    });
    if (!order.ok) throw order.error;
    await fetch(`${sandbox.url}/v1/payment_intents/${order.value.reference}/confirm`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${STRIPE_SANDBOX_DEFAULTS.publishableKey}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        client_secret: order.value.clientSecret ?? '',
        payment_method: 'pm_card_chargeDeclinedInsufficientFunds',
      }),
    });
    const declined = await authorize(order.value.reference, {
      metadata: { payrail_session_id: 'ps_spec_2' },
    });
    expect(!declined.ok && declined.error).toMatchObject({
      code: 'insufficient_funds',
      reference: order.value.reference,
    });
  });

  it('refuses a token that is no Stripe id, naming it', async () => {
    const auth = await authorize('4242424242424242');
    expect(auth.ok).toBe(false);
    if (!auth.ok) expect(auth.error).toMatchObject({ code: 'invalid_request', param: 'token' });
  });

  it('reports a 3-D Secure card as requires_action with a redirect, and authorized once the customer completes it', async () => {
    const auth = await authorize('pm_card_authenticationRequired', {
      returnUrl: 'https://shop.example/back',
    });
    if (!auth.ok) throw auth.error;
    expect(auth.value.status).toBe('requires_action');
    expect(auth.value.nextAction).toEqual({
      type: 'redirect_to_url',
      url: `${sandbox.url}/_sandbox/3ds/${auth.value.reference}`,
    });
    sandbox.authenticate(auth.value.reference, 'succeed');
    const synced = await gateway.sync(connection, { reference: auth.value.reference });
    expect(synced.ok && synced.value.status).toBe('authorized');
  });

  it('reports a failed 3-D Secure challenge as failed with authentication_required', async () => {
    const auth = await authorize('pm_card_authenticationRequired', {
      returnUrl: 'https://shop.example/back',
    });
    if (!auth.ok) throw auth.error;
    sandbox.authenticate(auth.value.reference, 'fail');
    const synced = await gateway.sync(connection, { reference: auth.value.reference });
    if (!synced.ok) throw synced.error;
    expect(synced.value.status).toBe('failed');
    expect(synced.value.failure?.code).toBe('authentication_required');
  });

  it('keeps the declined PaymentIntent as the error reference, with Stripe codes and request id', async () => {
    const auth = await authorize('pm_card_visa_chargeDeclinedInsufficientFunds');
    expect(auth.ok).toBe(false);
    if (auth.ok) return;
    expect(auth.error).toMatchObject({
      code: 'insufficient_funds',
      gatewayCode: 'insufficient_funds',
      gatewayStatus: 402,
    });
    expect(auth.error.reference).toMatch(/^pi_/);
    expect(auth.error.gatewayRequestId).toMatch(/^req_/);
    const synced = await gateway.sync(connection, { reference: String(auth.error.reference) });
    expect(synced.ok && synced.value).toMatchObject({
      status: 'failed',
      failure: { code: 'insufficient_funds' },
    });
  });

  it('says already_captured for a second capture and for a void after capture', async () => {
    const auth = await authorize();
    if (!auth.ok) throw auth.error;
    const capture = () =>
      gateway.capture(connection, {
        reference: auth.value.reference,
        attemptId: 'a',
        idempotencyKey: `cap-${randomUUID()}`,
        amount: { amount: 5000, currency: 'USD' },
        final: true,
      });
    expect((await capture()).ok).toBe(true);
    const again = await capture();
    expect(!again.ok && again.error.code).toBe('already_captured');
    const voided = await gateway.void(connection, {
      reference: auth.value.reference,
      attemptId: 'v',
      idempotencyKey: `void-${randomUUID()}`,
    });
    expect(!voided.ok && voided.error.code).toBe('already_captured');
  });

  it('refuses a non-final capture, since Stripe captures once', async () => {
    const result = await gateway.capture(connection, {
      reference: 'pi_any',
      attemptId: 'a',
      idempotencyKey: 'k',
      amount: { amount: 100, currency: 'USD' },
      final: false,
    });
    expect(!result.ok && result.error).toMatchObject({ code: 'invalid_request', param: 'final' });
  });

  it('says already_refunded once everything is refunded', async () => {
    const auth = await authorize();
    if (!auth.ok) throw auth.error;
    await gateway.capture(connection, {
      reference: auth.value.reference,
      attemptId: 'a',
      idempotencyKey: `c-${randomUUID()}`,
      amount: { amount: 5000, currency: 'USD' },
      final: true,
    });
    const refund = () =>
      gateway.refund(connection, {
        reference: auth.value.reference,
        attemptId: 'r',
        idempotencyKey: `r-${randomUUID()}`,
        amount: { amount: 5000, currency: 'USD' },
        captures: [],
      });
    expect((await refund()).ok).toBe(true);
    const again = await refund();
    expect(!again.ok && again.error.code).toBe('already_refunded');
  });

  it('maps a gateway 5xx to gateway_unavailable, indeterminate, and a 429 to rate_limited', async () => {
    sandbox.injectFault(500);
    const down = await authorize();
    expect(!down.ok && down.error).toMatchObject({
      code: 'gateway_unavailable',
      indeterminate: true,
      retryable: true,
    });
    sandbox.injectFault(429);
    const limited = await authorize();
    expect(!limited.ok && limited.error).toMatchObject({ code: 'rate_limited', retryable: true });
  });

  it('reports a restricted key: its permissions, and which required ones it lacks', async () => {
    const check = await gateway.checkCredentials(withKey(READ_ONLY_KEY));
    if (!check.ok) throw check.error;
    expect(check.value.valid).toBe(false);
    expect(check.value.permissions).toEqual(expect.arrayContaining(['payment_intents:read', 'balance:read']));
    expect(check.value.permissions).not.toContain('payment_intents:write');
    expect(check.value.problems).toEqual(
      expect.arrayContaining([
        'the restricted key lacks payment_intents:write',
        'the restricted key lacks refunds:write',
      ]),
    );
    const full = sandbox.createRestrictedKey({
      payment_intents: 'write',
      payment_methods: 'write',
      refunds: 'write',
      balance: 'read',
    });
    const ok = await gateway.checkCredentials(withKey(full));
    expect(ok.ok && ok.value).toMatchObject({ valid: true, mode: 'test', problems: [] });
  });

  it('names the missing permission when an operation hits it', async () => {
    const noRefunds = Object.keys(STRIPE_SANDBOX_DEFAULTS.restrictedKeys)[1];
    const refund = await gateway.refund(withKey(noRefunds), {
      reference: 'pi_x',
      attemptId: 'a',
      idempotencyKey: `r-${randomUUID()}`,
      amount: { amount: 100, currency: 'USD' },
      captures: [],
    });
    expect(!refund.ok && refund.error.code).toBe('permission_denied');
    expect(!refund.ok && refund.error.message).toContain('refunds:write');
  });

  it('refuses a live key on a test connection, a test key on a live one, and a publishable key', async () => {
    // Assembled at run time, so no literal in the repository looks like a live key.
    const live = await gateway.checkCredentials(withKey(['sk', 'live', 'AnyLiveKeyAtAll00000'].join('_')));
    expect(live.ok && live.value).toMatchObject({
      valid: false,
      problems: ['secretKey is a live key on a test connection'],
    });
    const testOnLive = await gateway.checkCredentials({
      ...withKey('sk_test_abcdefgh12345678'),
      mode: 'live',
      baseUrl: undefined,
    });
    expect(testOnLive.ok && testOnLive.value).toMatchObject({
      valid: false,
      problems: ['secretKey is a test key on a live connection'],
    });
    const publishable = await gateway.checkCredentials(withKey(STRIPE_SANDBOX_DEFAULTS.publishableKey));
    expect(publishable.ok && publishable.value.valid).toBe(false);
  });

  it('reuses one SDK client per connection and key', async () => {
    const fresh = new StripeGateway();
    await fresh.healthCheck(connection);
    await fresh.healthCheck(connection);
    expect((fresh as unknown as { clients: Map<string, unknown> }).clients.size).toBe(1);
    await fresh.healthCheck(
      withKey(STRIPE_SANDBOX_DEFAULTS.secretKey, { id: connection.id, timeoutMs: 4000 }),
    );
    expect((fresh as unknown as { clients: Map<string, unknown> }).clients.size).toBe(1);
  });

  it('reports unhealthy when the sandbox is unreachable', async () => {
    const report = await gateway.healthCheck({
      ...connection,
      id: 'conn_nowhere',
      baseUrl: 'http://127.0.0.1:9',
    });
    expect(report.healthy).toBe(false);
  });

  it('lists refunds as settlements with the payment they belong to', async () => {
    const auth = await authorize();
    if (!auth.ok) throw auth.error;
    await gateway.capture(connection, {
      reference: auth.value.reference,
      attemptId: 'a',
      idempotencyKey: `c-${randomUUID()}`,
      amount: { amount: 5000, currency: 'USD' },
      final: true,
    });
    await gateway.refund(connection, {
      reference: auth.value.reference,
      attemptId: 'r',
      idempotencyKey: `r-${randomUUID()}`,
      amount: { amount: 2000, currency: 'USD' },
      captures: [],
    });
    const now = Date.now();
    const records = [];
    for await (const page of settlementPages(gateway, connection, {
      from: new Date(now - 60_000),
      to: new Date(now + 60_000),
    }))
      records.push(...page.records);
    const mine = records.filter((r) => r.paymentReference === auth.value.reference);
    expect(mine.map((r) => [r.kind, r.amount, r.fee, r.net]).sort()).toEqual([
      ['charge', 5000, 175, 4825],
      ['refund', -2000, 0, -2000],
    ]);
  });

  it('provides the gateway through StripePlugin.forRoot and refuses a bad option', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [StripePlugin.forRoot({ webhookToleranceSeconds: 120 })],
    }).compile();
    expect(moduleRef.get(StripeGateway)).toBeInstanceOf(StripeGateway);
    expect(() => StripePlugin.forRoot({ webhookToleranceSeconds: 0 })).toThrow(/webhookToleranceSeconds/);
  });
});

describe('Stripe sandbox responses seen by the plugin', () => {
  it('match the official OpenAPI spec', () => {
    const seen = sandbox.exchanges.filter((e) => e.route);
    expect(seen.length).toBeGreaterThan(40);
    expect(seen.flatMap((e) => validator.validate(e))).toEqual([]);
  });
});
