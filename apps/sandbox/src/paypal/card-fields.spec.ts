import { randomUUID } from 'node:crypto';
import {
  PAYPAL_SANDBOX_DEFAULTS,
  PayPalSpecValidator,
  startPayPalSandbox,
  type PayPalSandbox,
} from './index';

const validator = new PayPalSpecValidator();
let sandbox: PayPalSandbox;
let token: string;

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
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const order = { intent: 'AUTHORIZE', purchase_units: [{ amount: { currency_code: 'USD', value: '25.99' } }] };
const card = (name: string, expiry = '2034-12') => ({
  payment_source: { card: { number: '4111111111111111', expiry, security_code: '123', name } },
});

beforeAll(async () => {
  sandbox = await startPayPalSandbox({ port: 0, record: true });
  const res = await fetch(`${sandbox.url}/v1/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${PAYPAL_SANDBOX_DEFAULTS.clientId}:${PAYPAL_SANDBOX_DEFAULTS.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  token = ((await res.json()) as { access_token: string }).access_token;
});

afterAll(() => sandbox.close());

describe('PayPal sandbox: card fields (orders confirm-payment-source)', () => {
  it('attaches the card to an order created without a payment source, which then authorizes', async () => {
    const created = await call('POST', '/v2/checkout/orders', order);
    expect(created.body.status).toBe('CREATED');
    const confirmed = await call(
      'POST',
      `/v2/checkout/orders/${created.body.id}/confirm-payment-source`,
      card('Sandbox Buyer'),
    );
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({
      status: 'APPROVED',
      payment_source: { card: { last_digits: '1111', brand: 'VISA' } },
    });
    expect(JSON.stringify(confirmed.body)).not.toContain('4111111111111111');
    const auth = await call(
      'POST',
      `/v2/checkout/orders/${created.body.id}/authorize`,
      {},
      { 'paypal-request-id': randomUUID() },
    );
    expect(auth.body.purchase_units[0].payments.authorizations[0].status).toBe('CREATED');
    const again = await call(
      'POST',
      `/v2/checkout/orders/${created.body.id}/confirm-payment-source`,
      card('Sandbox Buyer'),
    );
    expect(again.status).toBe(422);
    expect(again.body.details[0].issue).toBe('ORDER_ALREADY_AUTHORIZED');
    expect(validator.violations(sandbox.exchanges)).toEqual([]);
  });

  it('keeps the documented card-holder name triggers: CCREJECT-REFUSED is denied at authorization', async () => {
    const created = await call('POST', '/v2/checkout/orders', order);
    await call(
      'POST',
      `/v2/checkout/orders/${created.body.id}/confirm-payment-source`,
      card('CCREJECT-REFUSED'),
    );
    const auth = await call(
      'POST',
      `/v2/checkout/orders/${created.body.id}/authorize`,
      {},
      { 'paypal-request-id': randomUUID() },
    );
    expect(auth.body.purchase_units[0].payments.authorizations[0]).toMatchObject({
      status: 'DENIED',
      processor_response: { response_code: '0500' },
    });
  });

  it('refuses an expired card, a second payment source and an unknown order as PayPal does', async () => {
    const created = await call('POST', '/v2/checkout/orders', order);
    const expired = await call(
      'POST',
      `/v2/checkout/orders/${created.body.id}/confirm-payment-source`,
      card('Sandbox Buyer', '2020-01'),
    );
    expect(expired.status).toBe(422);
    expect(expired.body.details[0]).toMatchObject({
      issue: 'CARD_EXPIRED',
      field: '/payment_source/card/expiry',
    });
    const two = await call('POST', `/v2/checkout/orders/${created.body.id}/confirm-payment-source`, {
      payment_source: { ...card('A').payment_source, paypal: {} },
    });
    expect(two.body.details[0].issue).toBe('ONLY_ONE_PAYMENT_SOURCE_ALLOWED');
    const none = await call('POST', `/v2/checkout/orders/${created.body.id}/confirm-payment-source`, {});
    expect(none.body.details[0]).toMatchObject({
      issue: 'MISSING_REQUIRED_PARAMETER',
      field: '/payment_source',
    });
    const unknown = await call(
      'POST',
      '/v2/checkout/orders/0000000000000000X/confirm-payment-source',
      card('A'),
    );
    expect(unknown.status).toBe(404);
  });

  it('serves the field frames and confirms from them only for a known client id', async () => {
    const frame = await fetch(`${sandbox.url}/_sandbox/js/card-field.html?field=number&uid=u1`);
    expect(frame.status).toBe(200);
    expect(await frame.text()).toContain('<label for="f">Card number</label>');
    expect((await fetch(`${sandbox.url}/_sandbox/js/card-field.html?field=pin`)).status).toBe(400);
    const created = await call('POST', '/v2/checkout/orders', order);
    const stranger = await fetch(
      `${sandbox.url}/_sandbox/js/orders/${created.body.id}/confirm-payment-source`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: 'nobody', ...card('A') }),
      },
    );
    expect(stranger.status).toBe(401);
    const sdk = await (
      await fetch(`${sandbox.url}/sdk/js?client-id=${PAYPAL_SANDBOX_DEFAULTS.clientId}`)
    ).text();
    expect(sdk).toContain('function CardFields(options)');
  });
});
