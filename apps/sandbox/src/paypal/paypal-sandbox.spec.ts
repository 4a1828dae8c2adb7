import { createServer, type Server } from 'node:http';
import { createVerify, randomUUID, X509Certificate } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  PAYPAL_SANDBOX_DEFAULTS,
  PayPalSpecValidator,
  startPayPalSandbox,
  type PayPalSandbox,
} from './index';

const validator = new PayPalSpecValidator();
let sandbox: PayPalSandbox;
let token: string;

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      prefer: 'return=representation',
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

function cardOrder(name = 'Sandbox Buyer', value = '10.00', currency = 'USD') {
  return {
    intent: 'AUTHORIZE',
    purchase_units: [
      { reference_id: 'pay_1', custom_id: 'att_1', amount: { currency_code: currency, value } },
    ],
    payment_source: { card: { number: '4111111111111111', expiry: '2035-12', security_code: '123', name } },
  };
}

async function authorized(name?: string) {
  const created = await call('POST', '/v2/checkout/orders', cardOrder(name), {
    'paypal-request-id': randomUUID(),
  });
  expect(created.status).toBe(201);
  const auth = await call(
    'POST',
    `/v2/checkout/orders/${created.body.id}/authorize`,
    {},
    { 'paypal-request-id': randomUUID() },
  );
  expect(auth.status).toBe(201);
  return auth.body.purchase_units[0].payments.authorizations[0] as {
    id: string;
    status: string;
    processor_response?: { response_code: string };
  };
}

beforeAll(async () => {
  sandbox = await startPayPalSandbox({ port: 0, record: true, webhookRetryDelaysMs: [50] });
  const res = await fetch(`${sandbox.url}/v1/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: basic(PAYPAL_SANDBOX_DEFAULTS.clientId, PAYPAL_SANDBOX_DEFAULTS.clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  token = ((await res.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  await sandbox.close();
});

describe('PayPal sandbox: OAuth', () => {
  it('issues a bearer token with an expiry for the default test app', async () => {
    expect(token).toMatch(/^A21AA/);
  });

  it("refuses a wrong secret with PayPal's OAuth error shape", async () => {
    const res = await fetch(`${sandbox.url}/v1/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: basic(PAYPAL_SANDBOX_DEFAULTS.clientId, 'wrong'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: 'invalid_client',
      error_description: 'Client Authentication failed',
    });
  });

  it('answers 401 AUTHENTICATION_FAILURE for a token it does not know', async () => {
    const res = await call('GET', '/v2/checkout/orders/NOPE', undefined, {
      authorization: 'Bearer A21AAnope',
    });
    expect(res.status).toBe(401);
    expect(res.body.name).toBe('AUTHENTICATION_FAILURE');
  });
});

describe('PayPal sandbox: orders and payments', () => {
  it('creates an AUTHORIZE card order, authorizes, captures in parts and refunds', async () => {
    const auth = await authorized();
    expect(auth.status).toBe('CREATED');
    const first = await call(
      'POST',
      `/v2/payments/authorizations/${auth.id}/capture`,
      { amount: { currency_code: 'USD', value: '4.00' }, final_capture: false },
      { 'paypal-request-id': randomUUID() },
    );
    expect(first.status).toBe(201);
    expect(first.body.status).toBe('COMPLETED');
    const mid = await call('GET', `/v2/payments/authorizations/${auth.id}`);
    expect(mid.body.status).toBe('PARTIALLY_CAPTURED');
    const second = await call(
      'POST',
      `/v2/payments/authorizations/${auth.id}/capture`,
      { amount: { currency_code: 'USD', value: '6.00' }, final_capture: true },
      { 'paypal-request-id': randomUUID() },
    );
    expect(second.body.seller_receivable_breakdown.paypal_fee.value).toBe('0.70');
    expect((await call('GET', `/v2/payments/authorizations/${auth.id}`)).body.status).toBe('CAPTURED');
    const refund = await call(
      'POST',
      `/v2/payments/captures/${second.body.id}/refund`,
      { amount: { currency_code: 'USD', value: '1.00' } },
      { 'paypal-request-id': randomUUID() },
    );
    expect(refund.status).toBe(201);
    expect((await call('GET', `/v2/payments/captures/${second.body.id}`)).body.status).toBe(
      'PARTIALLY_REFUNDED',
    );
    const over = await call(
      'POST',
      `/v2/payments/captures/${second.body.id}/refund`,
      { amount: { currency_code: 'USD', value: '5.01' } },
      { 'paypal-request-id': randomUUID() },
    );
    expect(over.status).toBe(422);
    expect(over.body.details[0].issue).toBe('REFUND_AMOUNT_EXCEEDED');
    const order = await call(
      'GET',
      `/v2/checkout/orders/${(mid.body.supplementary_data.related_ids as { order_id: string }).order_id}`,
    );
    expect(order.body.purchase_units[0].payments.captures).toHaveLength(2);
    expect(order.body.purchase_units[0].payments.refunds).toHaveLength(1);
  });

  it('replays a PayPal-Request-Id: 200 with the same order instead of a second one', async () => {
    const requestId = randomUUID();
    const first = await call('POST', '/v2/checkout/orders', cardOrder(), { 'paypal-request-id': requestId });
    const second = await call('POST', '/v2/checkout/orders', cardOrder(), { 'paypal-request-id': requestId });
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.id).toBe(first.body.id);
  });

  it('answers a minimal body unless Prefer asks for the representation', async () => {
    const res = await call('POST', '/v2/checkout/orders', cardOrder(), {
      'paypal-request-id': randomUUID(),
      prefer: 'return=minimal',
    });
    expect(Object.keys(res.body).sort()).toEqual(['id', 'links', 'status']);
  });

  it('voids with 204 by default and refuses a second void', async () => {
    const auth = await authorized();
    const res = await fetch(`${sandbox.url}/v2/payments/authorizations/${auth.id}/void`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(204);
    const again = await call('POST', `/v2/payments/authorizations/${auth.id}/void`);
    expect(again.body.details[0].issue).toBe('PREVIOUSLY_VOIDED');
    const capture = await call('POST', `/v2/payments/authorizations/${auth.id}/capture`, {});
    expect(capture.body.details[0].issue).toBe('AUTHORIZATION_VOIDED');
  });

  it('denies an authorization for a CCREJECT name trigger with its processor code', async () => {
    const auth = await authorized('CCREJECT-SF');
    expect(auth.status).toBe('DENIED');
    expect(auth.processor_response?.response_code).toBe('9500');
  });

  it('declines the capture for insufficient funds (CCREJECT-IF) with processor code 5120', async () => {
    const auth = await authorized('CCREJECT-IF');
    expect(auth.status).toBe('CREATED');
    const capture = await call(
      'POST',
      `/v2/payments/authorizations/${auth.id}/capture`,
      {},
      { 'paypal-request-id': randomUUID() },
    );
    expect(capture.status).toBe(201);
    expect(capture.body.status).toBe('DECLINED');
    expect(capture.body.processor_response.response_code).toBe('5120');
  });

  it('answers the documented error for PayPal-Mock-Response, and names an undocumented one', async () => {
    const created = await call('POST', '/v2/checkout/orders', cardOrder(), {
      'paypal-request-id': randomUUID(),
    });
    const mocked = await call(
      'POST',
      `/v2/checkout/orders/${created.body.id}/authorize`,
      {},
      { 'paypal-mock-response': '{"mock_application_codes":"TRANSACTION_REFUSED"}' },
    );
    expect(mocked.status).toBe(422);
    expect(mocked.body).toMatchObject({
      name: 'UNPROCESSABLE_ENTITY',
      details: [{ issue: 'TRANSACTION_REFUSED' }],
    });
    expect(mocked.body.debug_id).toEqual(expect.any(String));
    const wrong = await call(
      'POST',
      `/v2/checkout/orders/${created.body.id}/authorize`,
      {},
      { 'paypal-mock-response': '{"mock_application_codes":"NOT_A_CODE"}' },
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body.details[0]).toMatchObject({ field: 'PayPal-Mock-Response', value: 'NOT_A_CODE' });
  });

  it.each(['INSTRUMENT_DECLINED', 'TRANSACTION_REFUSED', 'PAYER_CANNOT_PAY'])(
    'answers PayPal-Mock-Response %s on create order with the documented 422',
    async (code) => {
      const mocked = await call('POST', '/v2/checkout/orders', cardOrder(), {
        'paypal-request-id': randomUUID(),
        'paypal-mock-response': JSON.stringify({ mock_application_codes: code }),
      });
      expect(mocked.status).toBe(422);
      expect(mocked.body).toMatchObject({ name: 'UNPROCESSABLE_ENTITY', details: [{ issue: code }] });
    },
  );

  it('refuses bad input with an issue naming the field', async () => {
    const badCard = cardOrder();
    badCard.payment_source.card.number = '4111111111111112';
    const res = await call('POST', '/v2/checkout/orders', badCard, { 'paypal-request-id': randomUUID() });
    expect(res.status).toBe(400);
    expect(res.body.details[0]).toMatchObject({
      issue: 'INVALID_PARAMETER_VALUE',
      field: '/payment_source/card/number',
    });
    const currency = await call('POST', '/v2/checkout/orders', cardOrder('A B', '10.00', 'KWD'), {
      'paypal-request-id': randomUUID(),
    });
    expect(currency.body.details[0].issue).toBe('INVALID_CURRENCY_CODE');
    const noKey = await call('POST', '/v2/checkout/orders', cardOrder());
    expect(noKey.body.details[0]).toMatchObject({
      issue: 'MISSING_REQUIRED_PARAMETER',
      field: 'PayPal-Request-Id',
    });
  });

  it('runs the buyer-approval flow for a PayPal wallet order', async () => {
    const created = await call(
      'POST',
      '/v2/checkout/orders',
      {
        intent: 'AUTHORIZE',
        purchase_units: [{ amount: { currency_code: 'EUR', value: '12.50' } }],
        payment_source: {
          paypal: {
            experience_context: {
              return_url: 'https://shop.example/return',
              cancel_url: 'https://shop.example/cancel',
            },
          },
        },
      },
      { 'paypal-request-id': randomUUID() },
    );
    expect(created.body.status).toBe('PAYER_ACTION_REQUIRED');
    expect(created.body.links.map((l: { rel: string }) => l.rel)).toContain('payer-action');
    const early = await call('POST', `/v2/checkout/orders/${created.body.id}/authorize`, {});
    expect(early.body.details[0].issue).toBe('ORDER_NOT_APPROVED');
    const approved = await fetch(`${sandbox.url}/_sandbox/orders/${created.body.id}/approve`, {
      method: 'POST',
    });
    expect(approved.status).toBe(200);
    const auth = await call(
      'POST',
      `/v2/checkout/orders/${created.body.id}/authorize`,
      {},
      { 'paypal-request-id': randomUUID() },
    );
    expect(auth.body.status).toBe('COMPLETED');
    expect(auth.body.payment_source.paypal.email_address).toBe('buyer@payrail.test');
  });
});

describe('PayPal sandbox: reporting and webhooks', () => {
  let receiver: Server;
  let received: { headers: Record<string, string | string[] | undefined>; body: string }[];

  beforeAll(async () => {
    received = [];
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('lists captures and refunds with fees in Transaction Search, within 31 days only', async () => {
    const auth = await authorized();
    const capture = await call(
      'POST',
      `/v2/payments/authorizations/${auth.id}/capture`,
      {},
      { 'paypal-request-id': randomUUID() },
    );
    const q = new URLSearchParams({
      start_date: new Date(Date.now() - 3600_000).toISOString(),
      end_date: new Date(Date.now() + 60_000).toISOString(),
      page_size: '500',
    });
    const res = await call('GET', `/v1/reporting/transactions?${q}`);
    expect(res.status).toBe(200);
    const row = res.body.transaction_details.find(
      (d: { transaction_info: { transaction_id: string } }) =>
        d.transaction_info.transaction_id === capture.body.id,
    );
    expect(row.transaction_info).toMatchObject({
      transaction_event_code: 'T0006',
      transaction_status: 'S',
      paypal_reference_id: auth.id,
      fee_amount: { value: '-0.84' },
    });
    const wide = await call(
      'GET',
      `/v1/reporting/transactions?start_date=2026-01-01T00:00:00Z&end_date=2026-03-01T00:00:00Z`,
    );
    expect(wide.status).toBe(400);
    expect(wide.body.details[0].description).toContain('31 days');
  });

  it('registers a webhook and delivers signed events that verify with the served certificate', async () => {
    const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
    const hook = await call('POST', '/v1/notifications/webhooks', { url, event_types: [{ name: '*' }] });
    expect(hook.status).toBe(201);
    const auth = await authorized();
    await call(
      'POST',
      `/v2/payments/authorizations/${auth.id}/capture`,
      {},
      { 'paypal-request-id': randomUUID() },
    );
    await sandbox.idle();
    const types = received.map((r) => JSON.parse(r.body).event_type);
    expect(types).toEqual(
      expect.arrayContaining(['PAYMENT.AUTHORIZATION.CREATED', 'PAYMENT.CAPTURE.COMPLETED']),
    );
    const delivery = received[received.length - 1];
    const h = delivery.headers as Record<string, string>;
    expect(h['paypal-auth-algo']).toBe('SHA256withRSA');
    const pem = await (await fetch(h['paypal-cert-url'])).text();
    const message = `${h['paypal-transmission-id']}|${h['paypal-transmission-time']}|${hook.body.id}|${crc32(Buffer.from(delivery.body))}`;
    expect(
      createVerify('RSA-SHA256')
        .update(message)
        .verify(new X509Certificate(pem).publicKey, h['paypal-transmission-sig'], 'base64'),
    ).toBe(true);

    const verify = (event: unknown) =>
      call('POST', '/v1/notifications/verify-webhook-signature', {
        auth_algo: h['paypal-auth-algo'],
        cert_url: h['paypal-cert-url'],
        transmission_id: h['paypal-transmission-id'],
        transmission_sig: h['paypal-transmission-sig'],
        transmission_time: h['paypal-transmission-time'],
        webhook_id: hook.body.id,
        webhook_event: event,
      });
    expect((await verify(JSON.parse(delivery.body))).body).toEqual({ verification_status: 'SUCCESS' });
    expect((await verify({ ...JSON.parse(delivery.body), summary: 'forged' })).body).toEqual({
      verification_status: 'FAILURE',
    });
  });

  it('keeps delivering when a listener fails, without failing the API call', async () => {
    const dead = await call('POST', '/v1/notifications/webhooks', {
      url: 'http://127.0.0.1:1/nothing',
      event_types: [{ name: 'PAYMENT.AUTHORIZATION.CREATED' }],
    });
    expect(dead.status).toBe(201);
    await authorized();
    await sandbox.idle();
    const attempts = sandbox.deliveries.filter((d) => d.webhookId === dead.body.id);
    expect(attempts.length).toBe(2);
    expect(attempts.every((a) => a.error)).toBe(true);
    await call('DELETE', `/v1/notifications/webhooks/${dead.body.id}`);
  });
});

describe('PayPal sandbox: responses match the official OpenAPI specs', () => {
  it('every recorded response validates', () => {
    expect(sandbox.exchanges.length).toBeGreaterThan(20);
    const violations = validator.violations(sandbox.exchanges);
    if (process.env['DEBUG_SPEC'])
      console.log(
        JSON.stringify(
          violations.map((v) => [
            v.method,
            v.path,
            v.status,
            v.errors.length < 14 ? v.errors : v.errors.length,
            (
              sandbox.exchanges.find((e) => e.path === v.path && e.status === v.status)?.body as {
                details?: unknown[];
              }
            )?.details?.[0],
          ]),
          null,
          1,
        ),
      );
    expect(violations).toEqual([]);
  });
});
