import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayConnection, WebhookRequest } from '@payrail/plugin-sdk';
import { describeGatewayConformance } from '@payrail/plugin-sdk/testing';
import {
  loadSquareOpenApi,
  signSquareWebhook,
  SQUARE_SANDBOX_DEFAULTS,
  startSquareSandbox,
  type SquareSandbox,
} from '@payrail/sandbox/square';
import { SquareGateway } from './square.gateway';

const openApi = loadSquareOpenApi();
const gateway = new SquareGateway();
let sandbox: SquareSandbox;
let receiver: Server;
let notificationUrl: string;
let webhookSignatureKey: string;
const received: { body: Buffer; headers: IncomingHttpHeaders }[] = [];

const connection = (
  overrides: Partial<GatewayConnection> = {},
  values: Record<string, string> = {},
): GatewayConnection => ({
  id: 'conn_square_spec',
  mode: 'test',
  baseUrl: sandbox.url,
  timeoutMs: 5000,
  ...overrides,
  values: {
    accessToken: SQUARE_SANDBOX_DEFAULTS.accessToken,
    locationId: SQUARE_SANDBOX_DEFAULTS.locationId,
    webhookSignatureKey,
    notificationUrl,
    ...values,
  },
});

const request = (token: string, amount = 1000, currency = 'USD') => ({
  paymentId: `pay_${randomUUID()}`,
  attemptId: `att_${randomUUID()}`,
  idempotencyKey: `spec-${randomUUID()}`,
  amount: { amount, currency },
  token,
});

async function delivery(
  predicate: (event: {
    type: string;
    data: { id: string; object: Record<string, { status?: string }> };
  }) => boolean,
) {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const found = received.find((r) => predicate(JSON.parse(r.body.toString('utf8'))));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('no matching webhook was delivered within 5 s');
}

function asWebhookRequest(
  found: { body: Buffer; headers: IncomingHttpHeaders },
  url = notificationUrl,
): WebhookRequest {
  return {
    rawBody: found.body,
    headers: Object.fromEntries(
      Object.entries(found.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]),
    ),
    url,
  };
}

beforeAll(async () => {
  sandbox = await startSquareSandbox({ port: 0, record: true, refundDelayMs: 50 });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks), headers: req.headers });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/conn_square_spec`;
  const registration = await gateway.registerWebhook(connection(), { url });
  if (!registration.ok) throw registration.error;
  ({ webhookSignatureKey, notificationUrl } = registration.value.values);
});

afterAll(async () => {
  await sandbox.close();
  await new Promise((resolve) => receiver.close(resolve));
});

describeGatewayConformance({
  name: 'Square',
  gateway: () => gateway,
  connection: () => connection(),
  approvedToken: () => sandbox.issueNonce(),
  failures: [
    {
      code: 'card_declined',
      stage: 'authorize',
      token: () => 'cnon:card-nonce-declined',
      label: 'the declined nonce',
    },
    { code: 'incorrect_cvc', stage: 'authorize', token: () => 'cnon:card-nonce-rejected-cvv' },
    { code: 'expired_card', stage: 'authorize', token: () => 'cnon:card-nonce-rejected-expiration' },
    {
      code: 'card_declined',
      stage: 'authorize',
      token: () => 'cnon:card-nonce-rejected-postalcode',
      label: 'the postal code nonce',
    },
    {
      code: 'insufficient_funds',
      stage: 'authorize',
      token: () => sandbox.issueNonce({ decline_code: 'INSUFFICIENT_FUNDS' }),
    },
    {
      code: 'invalid_card_number',
      stage: 'authorize',
      token: () => sandbox.issueNonce({ decline_code: 'PAN_FAILURE' }),
    },
    {
      code: 'authentication_required',
      stage: 'authorize',
      token: () => sandbox.issueNonce({ decline_code: 'CARD_DECLINED_VERIFICATION_REQUIRED' }),
    },
    {
      code: 'invalid_request',
      stage: 'authorize',
      token: () => 'cnon:card-nonce-already-used',
      label: 'a used nonce',
    },
    {
      code: 'permission_denied',
      stage: 'authorize',
      connection: () => connection({}, { accessToken: SQUARE_SANDBOX_DEFAULTS.readOnlyAccessToken }),
    },
    {
      code: 'authentication_failed',
      stage: 'authorize',
      connection: () => connection({}, { accessToken: 'EAAAnot-a-sandbox-token' }),
    },
  ],
  signedWebhook: async (reference) =>
    asWebhookRequest(
      await delivery(
        (e) =>
          e.type === 'payment.updated' &&
          e.data.id === reference &&
          e.data.object['payment']?.status === 'COMPLETED',
      ),
    ),
  badCredentials: () => connection({}, { accessToken: 'EAAAnot-a-sandbox-token' }),
  slowConnection: () => connection({ baseUrl: `${sandbox.url}/_sandbox/latency/2000`, timeoutMs: 300 }),
  beforeSettlements: async () => {
    await new Promise((resolve) => setTimeout(resolve, 150));
  },
  payOut: async () => {
    sandbox.settle();
  },
});

describe('SquareGateway against the sandbox', () => {
  it('declares no tokenization and explains that Square needs a nonce', async () => {
    expect(gateway.capabilities).toMatchObject({
      tokenization: false,
      multipleCaptures: false,
      partialCapture: true,
    });
    const outcome = await gateway.tokenize(connection(), {
      card: { number: '4111111111111111', expMonth: 12, expYear: 2040, cvc: '111' },
      idempotencyKey: 'tok',
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('invalid_request');
    expect(outcome.error.message).toMatch(/nonce/);
    expect(JSON.stringify(outcome.error.toJSON())).not.toContain('4111111111111111');
  });

  it('refuses a card number as a token before calling Square', async () => {
    const outcome = await gateway.authorize(connection(), request('4111 1111 1111 1111'));
    expect(outcome.ok || outcome.error).toMatchObject({ code: 'invalid_request', param: 'token' });
  });

  it('refuses a currency other than the location currency', async () => {
    const outcome = await gateway.authorize(connection(), request(sandbox.issueNonce(), 1000, 'EUR'));
    expect(outcome.ok || outcome.error).toMatchObject({
      code: 'currency_not_supported',
      gatewayCode: 'UNSUPPORTED_CURRENCY',
    });
  });

  it('tags the payment with the Payrail payment and attempt, and refunds with their attempt', async () => {
    const auth = request(sandbox.issueNonce(), 3000);
    const authorized = await gateway.authorize(connection(), auth);
    if (!authorized.ok) throw authorized.error;
    const reference = authorized.value.reference;
    const payment = sandbox.exchanges.find(
      (x) =>
        x.method === 'POST' &&
        x.path === '/v2/payments' &&
        x.status === 200 &&
        (x.responseBody as { payment: { id: string } }).payment.id === reference,
    );
    expect((payment?.responseBody as { payment: Record<string, string> }).payment).toMatchObject({
      reference_id: auth.paymentId,
      note: `[attempt ${auth.attemptId}]`,
    });
    const captured = await gateway.capture(connection(), {
      reference,
      attemptId: 'att_cap',
      idempotencyKey: randomUUID(),
      amount: { amount: 3000, currency: 'USD' },
      final: true,
    });
    expect(captured.ok).toBe(true);
    const refund = await gateway.refund(connection(), {
      reference,
      attemptId: 'att_refund_1',
      idempotencyKey: randomUUID(),
      amount: { amount: 1000, currency: 'USD' },
      reason: 'damaged',
      captures: [],
    });
    if (!refund.ok) throw refund.error;
    expect(refund.value.snapshot).toMatchObject({ status: 'partially_refunded', amountRefunded: 1000 });
    const synced = await gateway.sync(connection(), { reference });
    if (!synced.ok) throw synced.error;
    expect(synced.value.refunds).toEqual([
      expect.objectContaining({
        reference: refund.value.refund.reference,
        attemptId: 'att_refund_1',
        amount: 1000,
      }),
    ]);
    expect(synced.value.captures).toEqual([{ reference, amount: 3000 }]);
  });

  it('answers a second full refund with already_refunded and a repeated void with the voided payment', async () => {
    const authorized = await gateway.authorize(connection(), request(sandbox.issueNonce(), 500));
    if (!authorized.ok) throw authorized.error;
    const reference = authorized.value.reference;
    const voidRequest = { reference, attemptId: 'att_void', idempotencyKey: randomUUID() };
    expect((await gateway.void(connection(), voidRequest)).ok).toBe(true);
    const again = await gateway.void(connection(), voidRequest);
    expect(again.ok && again.value.status).toBe('voided');

    const other = await gateway.authorize(connection(), request(sandbox.issueNonce(), 500));
    if (!other.ok) throw other.error;
    const ref2 = other.value.reference;
    await gateway.capture(connection(), {
      reference: ref2,
      attemptId: 'a',
      idempotencyKey: randomUUID(),
      amount: { amount: 500, currency: 'USD' },
      final: true,
    });
    const refund = (key: string) =>
      gateway.refund(connection(), {
        reference: ref2,
        attemptId: 'a',
        idempotencyKey: key,
        amount: { amount: 500, currency: 'USD' },
        captures: [],
      });
    const key = randomUUID();
    const first = await refund(key);
    const replay = await refund(key);
    expect(first.ok && replay.ok && replay.value.refund.reference === first.value.refund.reference).toBe(
      true,
    );
    const second = await refund(randomUUID());
    expect(second.ok || second.error.code).toBe('already_refunded');
  });

  it('maps a Square 5xx to an indeterminate failure and a 429 to rate_limited', async () => {
    sandbox.failNext(1, 500);
    const outage = await gateway.authorize(connection(), request(sandbox.issueNonce()));
    expect(outage.ok || outage.error).toMatchObject({
      code: 'gateway_unavailable',
      indeterminate: true,
      retryable: true,
    });
    sandbox.failNext(1, 429);
    const limited = await gateway.sync(connection(), { reference: 'whatever' });
    expect(limited.ok || limited.error).toMatchObject({ code: 'rate_limited', gatewayCode: 'RATE_LIMITED' });
  });

  it('reports an unknown payment as invalid_request naming Square NOT_FOUND', async () => {
    const outcome = await gateway.sync(connection(), { reference: 'missing-payment' });
    expect(outcome.ok || outcome.error).toMatchObject({
      code: 'invalid_request',
      gatewayCode: 'NOT_FOUND',
      gatewayStatus: 404,
    });
  });

  it('checks the location and says which one is wrong', async () => {
    const outcome = await gateway.checkCredentials(connection({}, { locationId: 'LNOPE' }));
    expect(outcome.ok && outcome.value.valid).toBe(false);
    expect(outcome.ok && outcome.value.problems[0]).toMatch(/LNOPE/);
    const good = await gateway.checkCredentials(connection());
    expect(good.ok && good.value.account?.id).toBe(SQUARE_SANDBOX_DEFAULTS.merchantId);
  });

  it('verifies against the notificationUrl value, falling back to the URL the webhook arrived on', async () => {
    const body = JSON.stringify({
      merchant_id: 'M',
      type: 'refund.updated',
      event_id: randomUUID(),
      created_at: new Date().toISOString(),
      data: {
        type: 'refund',
        id: 'r1',
        object: {
          refund: {
            id: 'r1',
            status: 'COMPLETED',
            payment_id: 'p1',
            amount_money: { amount: 100, currency: 'USD' },
          },
        },
      },
    });
    const url = 'https://payrail.example/webhooks/conn_square_spec';
    const signed = {
      rawBody: Buffer.from(body),
      headers: { 'x-square-hmacsha256-signature': signSquareWebhook(url, body, webhookSignatureKey) },
      url,
    };
    const fromRequest = await gateway.verifyWebhook(connection({}, { notificationUrl: '' }), signed);
    expect(fromRequest.ok && fromRequest.value[0]).toMatchObject({
      type: 'refund.succeeded',
      reference: 'p1',
      gatewayType: 'refund.updated',
    });
    const configured = await gateway.verifyWebhook(connection(), signed);
    expect(configured.ok || configured.error.message).toMatch(/does not match/);
  });

  it('lists completed payments not yet paid out from the payment list', async () => {
    const authorized = await gateway.authorize(connection(), request(sandbox.issueNonce(), 2000));
    if (!authorized.ok) throw authorized.error;
    await gateway.capture(connection(), {
      reference: authorized.value.reference,
      attemptId: 'a',
      idempotencyKey: randomUUID(),
      amount: { amount: 2000, currency: 'USD' },
      final: true,
    });
    const now = Date.now();
    const records = await gateway.listSettlements(connection(), {
      from: new Date(now - 3600_000),
      to: new Date(now + 60_000),
    });
    if (!records.ok) throw records.error;
    const charge = records.value.records.find((r) => r.paymentReference === authorized.value.reference);
    expect(charge).toMatchObject({ kind: 'charge', amount: 2000, fee: 88, net: 1912, currency: 'USD' });
    expect(charge?.payoutId).toBeUndefined();
    expect(charge?.availableOn).toBeUndefined();
  });

  it('received only responses that match the Square OpenAPI spec', () => {
    expect(sandbox.exchanges.length).toBeGreaterThan(50);
    const problems = sandbox.exchanges.flatMap((x) =>
      openApi.validate(x.method, x.path, x.status, x.responseBody),
    );
    expect(problems).toEqual([]);
  });
});
