import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
      'paypal-request-id': randomUUID(),
      prefer: 'return=representation',
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const card = { number: '4111111111111111', expiry: '2035-12', security_code: '123', name: 'Ada Lovelace' };

async function vaultCard(customerId?: string) {
  const setup = await call('POST', '/v3/vault/setup-tokens', {
    payment_source: { card },
    ...(customerId ? { customer: { id: customerId } } : {}),
  });
  expect(setup.status).toBe(201);
  const payment = await call('POST', '/v3/vault/payment-tokens', {
    payment_source: { token: { id: setup.body.id, type: 'SETUP_TOKEN' } },
  });
  expect(payment.status).toBe(201);
  return payment.body as {
    id: string;
    customer: { id: string };
    payment_source: { card: { last_digits: string } };
  };
}

async function capturedOrder(paymentSource: unknown, value = '25.00') {
  const order = await call('POST', '/v2/checkout/orders', {
    intent: 'CAPTURE',
    purchase_units: [{ amount: { currency_code: 'USD', value } }],
    payment_source: paymentSource,
  });
  expect(order.status).toBe(201);
  const captured = await call('POST', `/v2/checkout/orders/${order.body.id}/capture`, {});
  expect(captured.status).toBe(201);
  return captured.body.purchase_units[0].payments.captures[0] as { id: string; status: string };
}

beforeAll(async () => {
  sandbox = await startPayPalSandbox({ port: 0, record: true, webhookRetryDelaysMs: [50] });
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

afterAll(async () => {
  await sandbox.close();
});

describe('PayPal sandbox: vault (v3)', () => {
  it('saves a card with a setup token and a payment token, lists it, charges it twice, deletes it', async () => {
    const saved = await vaultCard();
    expect(saved.payment_source.card.last_digits).toBe('1111');
    const customerId = saved.customer.id;
    const listed = await call('GET', `/v3/vault/payment-tokens?customer_id=${customerId}`);
    expect(listed.body.payment_tokens.map((t: { id: string }) => t.id)).toEqual([saved.id]);
    const first = await capturedOrder({ card: { vault_id: saved.id } });
    const second = await capturedOrder({
      card: {
        vault_id: saved.id,
        stored_credential: {
          payment_initiator: 'MERCHANT',
          payment_type: 'UNSCHEDULED',
          usage: 'SUBSEQUENT',
        },
      },
    });
    expect([first.status, second.status]).toEqual(['COMPLETED', 'COMPLETED']);
    expect((await call('GET', `/v3/vault/payment-tokens/${saved.id}`)).status).toBe(200);
    expect((await call('DELETE', `/v3/vault/payment-tokens/${saved.id}`)).status).toBe(204);
    expect((await call('GET', `/v3/vault/payment-tokens/${saved.id}`)).status).toBe(404);
    const after = await call('POST', '/v2/checkout/orders', {
      intent: 'CAPTURE',
      purchase_units: [{ amount: { currency_code: 'USD', value: '5.00' } }],
      payment_source: { card: { vault_id: saved.id } },
    });
    expect(after.status).toBe(400);
    expect(after.body.details[0].field).toBe('/payment_source/card/vault_id');
  });

  it('keeps a merchant customer id, and refuses a bad card, a spent setup token and bad stored-credential flags', async () => {
    const saved = await vaultCard('cust_42');
    expect(saved.customer.id).toBe('cust_42');
    const bad = await call('POST', '/v3/vault/setup-tokens', {
      payment_source: { card: { ...card, number: '4111111111111112' } },
    });
    expect(bad.status).toBe(400);
    const setup = await call('POST', '/v3/vault/setup-tokens', { payment_source: { card } });
    await call('POST', '/v3/vault/payment-tokens', {
      payment_source: { token: { id: setup.body.id, type: 'SETUP_TOKEN' } },
    });
    const again = await call('POST', '/v3/vault/payment-tokens', {
      payment_source: { token: { id: setup.body.id, type: 'SETUP_TOKEN' } },
    });
    expect(again.status).toBe(404);
    const flags = await call('POST', '/v2/checkout/orders', {
      intent: 'CAPTURE',
      purchase_units: [{ amount: { currency_code: 'USD', value: '5.00' } }],
      payment_source: { card: { vault_id: saved.id, stored_credential: { payment_initiator: 'ROBOT' } } },
    });
    expect(flags.status).toBe(400);
  });
});

describe('PayPal sandbox: disputes (v1)', () => {
  let hooks: Server;
  const received: string[] = [];

  beforeAll(async () => {
    hooks = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        received.push((JSON.parse(raw) as { event_type: string }).event_type);
        res.end();
      });
    });
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', () => resolve()));
    const created = await call('POST', '/v1/notifications/webhooks', {
      url: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/paypal`,
      event_types: [
        { name: 'CUSTOMER.DISPUTE.CREATED' },
        { name: 'CUSTOMER.DISPUTE.UPDATED' },
        { name: 'CUSTOMER.DISPUTE.RESOLVED' },
      ],
    });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => hooks.close(() => resolve()));
  });

  it('opens a dispute by control, takes evidence as multipart, and resolves for the seller with the money back', async () => {
    const capture = await capturedOrder({ card });
    const disputeId = sandbox.openDispute(capture.id, 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED');
    const dispute = await call('GET', `/v1/customer/disputes/${disputeId}`);
    expect(dispute.body).toMatchObject({
      status: 'WAITING_FOR_SELLER_RESPONSE',
      dispute_life_cycle_stage: 'CHARGEBACK',
      dispute_amount: { value: '25.00', currency_code: 'USD' },
      disputed_transactions: [{ seller_transaction_id: capture.id }],
    });
    expect((await call('GET', '/v1/customer/disputes')).body.items[0].dispute_id).toBe(disputeId);
    const boundary = 'payrail-evidence';
    const input = {
      evidences: [{ evidence_type: 'PROOF_OF_FULFILLMENT', notes: 'Delivered, tracking 1Z999' }],
    };
    const multipart = `--${boundary}\r\nContent-Disposition: form-data; name="input"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(input)}\r\n--${boundary}--\r\n`;
    const res = await fetch(`${sandbox.url}/v1/customer/disputes/${disputeId}/provide-evidence`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      body: multipart,
    });
    expect(res.status).toBe(200);
    expect((await call('GET', `/v1/customer/disputes/${disputeId}`)).body.status).toBe('UNDER_REVIEW');
    const adjudicated = await call('POST', `/v1/customer/disputes/${disputeId}/adjudicate`, {
      adjudication_outcome: 'SELLER_FAVOR',
    });
    expect(adjudicated.status).toBe(200);
    const resolved = await call('GET', `/v1/customer/disputes/${disputeId}`);
    expect(resolved.body).toMatchObject({
      status: 'RESOLVED',
      dispute_outcome: { outcome_code: 'RESOLVED_SELLER_FAVOUR' },
    });
    const rows = sandbox.store.transactions.filter(
      (t) => t.referenceId === capture.id && t.eventCode.startsWith('T12'),
    );
    expect(rows.map((r) => [r.eventCode, r.amount])).toEqual([
      ['T1201', -2500],
      ['T1202', 2500],
    ]);
    await sandbox.idle();
    expect(received).toEqual(
      expect.arrayContaining([
        'CUSTOMER.DISPUTE.CREATED',
        'CUSTOMER.DISPUTE.UPDATED',
        'CUSTOMER.DISPUTE.RESOLVED',
      ]),
    );
  });

  it('accepts a claim (lost), and refuses evidence after', async () => {
    const capture = await capturedOrder({ card }, '9.00');
    const opened = await fetch(`${sandbox.url}/_sandbox/disputes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ capture_id: capture.id, reason: 'UNAUTHORISED' }),
    });
    const { dispute_id: disputeId } = (await opened.json()) as { dispute_id: string };
    expect(
      (await call('POST', `/v1/customer/disputes/${disputeId}/accept-claim`, { note: 'refund them' })).status,
    ).toBe(200);
    const late = await call('POST', `/v1/customer/disputes/${disputeId}/provide-evidence`, {
      evidences: [{ evidence_type: 'OTHER', notes: 'late' }],
    });
    expect(late.status).toBe(400);
  });

  it('answered every vault and disputes call as the official specs describe', () => {
    const ours = sandbox.exchanges.filter((e) => /^\/v(3\/vault|1\/customer\/disputes)/.test(e.path));
    expect(ours.length).toBeGreaterThan(10);
    expect(validator.violations(ours)).toEqual([]);
  });
});
