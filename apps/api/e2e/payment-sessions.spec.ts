import { startSmtpCapture, type SmtpCapture } from '@payrail/notifications/testing';
import { PAYPAL_SANDBOX_DEFAULTS } from '@payrail/sandbox/paypal';
import { STRIPE_SANDBOX_DEFAULTS } from '@payrail/sandbox/stripe';
import { dbLabel, describeDb } from './harness';
import { startSandboxedApi, type SandboxedApi } from './sandboxes';

let env: SandboxedApi;
let smtp: SmtpCapture;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  env = await startSandboxedApi({ PAYRAIL_SMTP_URL: `${smtp.url}?from=shop@example.com` });
}, 60_000);

afterAll(async () => {
  await env?.close();
  await smtp?.close();
});

const createSession = async (body: Record<string, unknown> = {}) => {
  const res = await env.api.request('POST', '/v1/payment_sessions', {
    amount: 2599,
    currency: 'usd',
    gateway: 'stripe',
    ...body,
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; client_secret: string; status: string; expires_at: string };
};

/** A call as the customer's browser makes it: no secret key, only the client secret. */
const browser = async (
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => {
  const res = await fetch(`${env.api.url}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
};

const confirm = (id: string, secret: string, token?: string) =>
  browser('POST', `/v1/payment_sessions/${id}/confirm`, {
    client_secret: secret,
    ...(token ? { token } : {}),
  });

describeDb(`payment sessions ${dbLabel}`, () => {
  it('creates a session whose client secret reads only public configuration', async () => {
    const session = await createSession({ customer: { email: 'ada@example.com' } });
    expect(session).toMatchObject({ status: 'open', id: expect.stringMatching(/^ps_/) });
    expect(session.client_secret.startsWith(`${session.id}_secret_`)).toBe(true);
    expect(Date.parse(session.expires_at)).toBeGreaterThan(Date.now());

    const client = await browser(
      'GET',
      `/v1/payment_sessions/${session.id}/client?client_secret=${encodeURIComponent(session.client_secret)}`,
    );
    expect(client.status).toBe(200);
    expect(client.body).toMatchObject({
      gateway: 'stripe',
      amount: 2599,
      currency: 'USD',
      methods: ['card'],
      gateway_config: { publishableKey: expect.stringMatching(/^pk_test_/) },
      sdk: { script: `${env.stripe.url}/js/v3/` },
    });
    const text = JSON.stringify(client.body);
    expect(text).not.toMatch(/sk_test_|ada@example\.com|secretKey/);

    // The merchant reads it with its key; the stored secret is a hash, never the secret.
    const merchant = await env.api.request('GET', `/v1/payment_sessions/${session.id}`);
    expect(merchant.body).toMatchObject({
      id: session.id,
      status: 'open',
      customer: { email: 'ada@example.com' },
    });
    expect(merchant.body.client_secret).toBeUndefined();
  });

  it('refuses a wrong or foreign client secret and unknown sessions alike', async () => {
    const a = await createSession();
    const b = await createSession();
    for (const [id, secret] of [
      [a.id, `${a.id}_secret_0000000000000000000000000000000000000000`],
      [a.id, b.client_secret],
      ['ps_missing', a.client_secret],
    ]) {
      const res = await confirm(id, secret, 'pm_card_visa');
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('client_secret_invalid');
    }
    const missing = await browser('GET', `/v1/payment_sessions/${a.id}/client`);
    expect(missing.status).toBe(400);
    expect(missing.body.error.param).toBe('client_secret');
  });

  it('confirms once into an ordinary captured payment with its timeline, however often it is sent', async () => {
    const session = await createSession();
    const answers = await Promise.all(
      [1, 2, 3].map(() => confirm(session.id, session.client_secret, 'pm_card_visa')),
    );
    for (const a of answers) expect(a.status).toBe(200);
    const done = await confirm(session.id, session.client_secret, 'pm_card_visa');
    expect(done.body).toMatchObject({ status: 'complete', payment: { status: 'captured' } });
    const paymentIds = new Set(answers.map((a) => a.body.payment?.id).filter(Boolean));
    expect([...paymentIds]).toEqual([done.body.payment.id]);

    const merchant = await env.api.request('GET', `/v1/payment_sessions/${session.id}`);
    expect(merchant.body).toMatchObject({ status: 'complete', attempts: 1, payment_status: 'captured' });
    const payment = await env.api.request('GET', `/v1/payments/${done.body.payment.id}`);
    expect(payment.body).toMatchObject({
      amount: 2599,
      status: 'captured',
      metadata: { payrail_session_id: session.id },
    });
    const events = await env.api.request('GET', `/v1/payments/${done.body.payment.id}/events`);
    expect(events.body.data.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['status_changed', 'gateway_call']),
    );
    // Completed: another card is not taken.
    const again = await confirm(session.id, session.client_secret, 'pm_card_mastercard');
    expect(again.body.payment.id).toBe(done.body.payment.id);
  }, 30_000);

  it('sends the customer one receipt when the session completes', async () => {
    const session = await createSession({
      customer: { email: 'grace@example.com', name: 'Grace' },
      description: 'Order 1001',
    });
    const before = smtp.received.length;
    await Promise.all([1, 2].map(() => confirm(session.id, session.client_secret, 'pm_card_visa')));
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.received.length).toBe(before + 1);
    expect(mail.to).toEqual(['grace@example.com']);
    expect(mail.raw).toContain('Subject: Your receipt: 25.99 USD');
    expect(mail.raw).toContain('You paid 25.99 USD with the card ending 4242.');
    expect(mail.raw).toContain('For: Order 1001');
  }, 30_000);

  it('a declined card leaves the session open with a message for the customer, and another card pays', async () => {
    const session = await createSession({ capture_method: 'manual' });
    const declined = await confirm(
      session.id,
      session.client_secret,
      'pm_card_chargeDeclinedInsufficientFunds',
    );
    expect(declined.body).toMatchObject({
      status: 'open',
      payment: { status: 'failed' },
      last_error: {
        code: 'insufficient_funds',
        // The knowledge base's customer-facing line for the code.
        message: expect.stringMatching(/^Your card has insufficient funds\./),
      },
    });
    const fraud = await confirm(session.id, session.client_secret, 'pm_card_radarBlock');
    expect(fraud.body.last_error.message).toBe(
      'Your card was declined. Please try another card or contact your bank.',
    );
    const paid = await confirm(session.id, session.client_secret, 'pm_card_visa');
    expect(paid.body).toMatchObject({
      status: 'complete',
      payment: { status: 'authorized' },
      last_error: null,
    });
    const merchant = await env.api.request('GET', `/v1/payment_sessions/${session.id}`);
    expect(merchant.body.attempts).toBe(3);
  }, 30_000);

  it('3-D Secure: the payment waits on the customer, then goes on once the challenge is passed', async () => {
    const session = await createSession();
    const first = await confirm(session.id, session.client_secret, 'pm_card_threeDSecure2Required');
    expect(first.body).toMatchObject({
      status: 'requires_action',
      payment: { status: 'requires_action', next_action: { type: 'redirect_to_url' } },
    });
    expect(first.body.payment.next_action.url).toContain(`${env.stripe.url}/_sandbox/3ds/`);
    // Asking before the challenge is done changes nothing.
    expect((await confirm(session.id, session.client_secret)).body.status).toBe('requires_action');
    const reference = (await env.api.request('GET', `/v1/payments/${first.body.payment.id}`)).body
      .gateway_reference;
    await env.stripe.authenticate(reference, 'succeed');
    const done = await confirm(session.id, session.client_secret);
    expect(done.body).toMatchObject({ status: 'complete', payment: { status: 'captured' } });
  }, 30_000);

  it('takes Square nonces', async () => {
    const session = await createSession({ gateway: 'square' });
    const client = await browser(
      'GET',
      `/v1/payment_sessions/${session.id}/client?client_secret=${encodeURIComponent(session.client_secret)}`,
    );
    expect(client.body.gateway_config).toEqual({
      applicationId: 'sandbox-sq0idb-PayrailSandbox',
      locationId: 'LPAYRAILSANDBOX1',
    });
    const done = await confirm(session.id, session.client_secret, 'cnon:card-nonce-ok');
    expect(done.body).toMatchObject({ status: 'complete', payment: { status: 'captured' } });
  }, 30_000);

  it('PayPal card fields: Payrail makes the order, the card joins it at PayPal only, confirm authorizes it', async () => {
    const session = await createSession({ gateway: 'paypal', capture_method: 'manual' });
    const order = (secret: string) =>
      browser('POST', `/v1/payment_sessions/${session.id}/gateway_order`, { client_secret: secret });
    expect((await order(`${session.id}_secret_00000000`)).status).toBe(401);
    /** What PayPal's card fields do in their own frame: the card goes to PayPal, never to Payrail. */
    const cardAtPayPal = (orderId: string, name: string) =>
      fetch(`${env.paypal.url}/_sandbox/js/orders/${orderId}/confirm-payment-source`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_id: PAYPAL_SANDBOX_DEFAULTS.clientId,
          payment_source: {
            card: { number: '4111111111111111', expiry: '2034-12', security_code: '123', name },
          },
        }),
      });
    const first = await order(session.client_secret);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      object: 'gateway_order',
      gateway: 'paypal',
      id: expect.stringMatching(/^[A-Z0-9]{17}$/),
    });
    expect(env.paypal.store.orders.get(first.body.id)).toMatchObject({
      status: 'CREATED',
      intent: 'AUTHORIZE',
    });
    expect((await cardAtPayPal(first.body.id, 'CCREJECT-REFUSED')).status).toBe(200);
    const declined = await confirm(session.id, session.client_secret, first.body.id);
    expect(declined.body).toMatchObject({
      status: 'open',
      payment: { status: 'failed' },
      last_error: { code: 'card_declined' },
    });
    // Another try gets a fresh order, as PayPal wants after a decline.
    const second = await order(session.client_secret);
    expect(second.body.id).not.toBe(first.body.id);
    await cardAtPayPal(second.body.id, 'Sandbox Buyer');
    const paid = await confirm(session.id, session.client_secret, second.body.id);
    expect(paid.body).toMatchObject({ status: 'complete', payment: { status: 'authorized' } });
    // A complete session makes no more orders.
    expect((await order(session.client_secret)).body.error.code).toBe('session_not_open');
    const square = await createSession({ gateway: 'square' });
    const none = await browser('POST', `/v1/payment_sessions/${square.id}/gateway_order`, {
      client_secret: square.client_secret,
    });
    expect(none.status).toBe(400);
    expect(none.body.error.param).toBe('id');
  }, 30_000);

  it('Stripe confirmPayment: a PaymentIntent per try for the browser, and only a confirmed one of this session pays', async () => {
    const session = await createSession();
    const other = await createSession();
    const order = (s: { id: string; client_secret: string }) =>
      browser('POST', `/v1/payment_sessions/${s.id}/gateway_order`, { client_secret: s.client_secret });
    const intent = await order(session);
    expect(intent.status).toBe(201);
    expect(intent.body).toMatchObject({ gateway: 'stripe', id: expect.stringMatching(/^pi_/) });
    expect(intent.body.client_secret.startsWith(`${intent.body.id}_secret_`)).toBe(true);
    // Not confirmed in the browser yet: a failed try, and the session stays open for the real one.
    const early = await confirm(session.id, session.client_secret, intent.body.id);
    expect(early.body).toMatchObject({
      status: 'open',
      payment: { status: 'failed' },
      last_error: { code: 'invalid_request' },
    });
    // Another session's PaymentIntent is refused the same way, even once it is confirmed.
    const foreign = await order(other);
    const pay = await fetch(`${env.stripe.url}/v1/payment_intents/${foreign.body.id}/confirm`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${STRIPE_SANDBOX_DEFAULTS.publishableKey}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        client_secret: foreign.body.client_secret,
        payment_method: 'pm_card_visa',
      }),
    });
    expect(((await pay.json()) as { status: string }).status).toBe('requires_capture');
    const stolen = await confirm(session.id, session.client_secret, foreign.body.id);
    expect(stolen.body).toMatchObject({ status: 'open', payment: { status: 'failed' } });
    // Its own session records it: authorized at Stripe, captured by Payrail.
    const own = await confirm(other.id, other.client_secret, foreign.body.id);
    expect(own.body).toMatchObject({ status: 'complete', payment: { status: 'captured' } });
    // A publishable key confirms only with the PaymentIntent's own client secret.
    const guess = await fetch(`${env.stripe.url}/v1/payment_intents/${intent.body.id}/confirm`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${STRIPE_SANDBOX_DEFAULTS.publishableKey}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        client_secret: foreign.body.client_secret,
        payment_method: 'pm_card_visa',
      }),
    });
    expect(guess.status).toBe(401);
  }, 30_000);

  it('refuses an expired session', async () => {
    const session = await createSession({ expires_in: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const res = await confirm(session.id, session.client_secret, 'pm_card_visa');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('session_expired');
    const merchant = await env.api.request('GET', `/v1/payment_sessions/${session.id}`);
    expect(merchant.body).toMatchObject({ status: 'expired', attempts: 0, payment_id: null });
  });

  it('answers the browser only from origins the merchant registered', async () => {
    const session = await createSession();
    const shop = 'https://shop.example';
    const preflight = () =>
      browser('OPTIONS', `/v1/payment_sessions/${session.id}/confirm`, undefined, {
        origin: shop,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      });
    const refused = await preflight();
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const blocked = await browser(
      'POST',
      `/v1/payment_sessions/${session.id}/confirm`,
      { client_secret: session.client_secret, token: 'pm_card_visa' },
      { origin: shop },
    );
    expect(blocked.status).toBe(403);

    const bad = await env.api.request('PUT', '/v1/checkout/origins', {
      origins: ['https://shop.example/path'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toMatch(/^origins/);
    const saved = await env.api.request('PUT', '/v1/checkout/origins', { origins: [shop, shop] });
    expect(saved.body.origins).toEqual([shop]);

    const allowed = await preflight();
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(shop);
    expect(allowed.headers.get('access-control-allow-methods')).toBe('POST');
    const read = await browser(
      'GET',
      `/v1/payment_sessions/${session.id}/client?client_secret=${encodeURIComponent(session.client_secret)}`,
      undefined,
      { origin: shop },
    );
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBe(shop);
  });

  it('names what is wrong in a bad session request', async () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ amount: 0 }, 'amount'],
      [{ currency: 'us' }, 'currency'],
      [{ return_url: 'javascript:alert(1)' }, 'return_url'],
      [{ gateway: 'nope' }, 'gateway'],
      [{ expires_in: 999999 }, 'expires_in'],
    ];
    for (const [body, param] of bad) {
      const res = await env.api.request('POST', '/v1/payment_sessions', {
        amount: 100,
        currency: 'usd',
        gateway: 'stripe',
        ...body,
      });
      expect(`${res.status} ${res.body.error?.param}`).toBe(`400 ${param}`);
    }
  });
});
