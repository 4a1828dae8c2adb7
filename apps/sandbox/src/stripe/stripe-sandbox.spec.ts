import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { loadStripeOpenApi, startStripeSandbox, STRIPE_SANDBOX_DEFAULTS, type StripeSandbox } from './index';

const validator = loadStripeOpenApi();
let sandbox: StripeSandbox;
let stripe: Stripe;

const client = (key: string = STRIPE_SANDBOX_DEFAULTS.secretKey, extra: Record<string, unknown> = {}) =>
  new Stripe(key, { ...sandbox.clientOptions, maxNetworkRetries: 0, telemetry: false, ...extra });

/** The SDK's error for a call that must fail. */
async function stripeError(call: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** The parts of a raw JSON answer the wire tests look at. */
interface RawBody {
  id?: string;
  error: { type: string; code?: string; param?: string; message: string };
}

async function raw(
  method: string,
  path: string,
  init: { key?: string; body?: string; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: {
      ...(init.key === ''
        ? {}
        : { authorization: `Bearer ${init.key ?? STRIPE_SANDBOX_DEFAULTS.secretKey}` }),
      ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...init.headers,
    },
    body: init.body,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as RawBody,
  };
}

const authorize = (payment_method: string, extra: Partial<Stripe.PaymentIntentCreateParams> = {}) =>
  stripe.paymentIntents.create({
    amount: 2000,
    currency: 'usd',
    capture_method: 'manual',
    confirm: true,
    payment_method,
    allowed_payment_method_types: ['card'],
    ...extra,
  });

beforeAll(async () => {
  sandbox = await startStripeSandbox({
    port: 0,
    record: true,
    webhookRetryDelaysMs: [50, 50],
    asyncRefundDelayMs: 60_000,
  });
  stripe = client();
});

afterAll(async () => {
  await sandbox?.close();
});

describe('Stripe sandbox: wire protocol', () => {
  it('answers with a request-id header and echoes Stripe-Version', async () => {
    const response = await raw('GET', '/v1/balance', { headers: { 'stripe-version': '2026-10-28.endive' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    expect(response.headers.get('stripe-version')).toBe('2026-10-28.endive');
  });

  it('refuses a missing, wrong or live key with 401 in Stripe error shape', async () => {
    const missing = await raw('GET', '/v1/balance', { key: '' });
    expect(missing.status).toBe(401);
    expect(missing.body.error.type).toBe('invalid_request_error');
    expect(missing.body.error.message).toContain('did not provide an API key');
    // A live-mode key is assembled at run time, so no literal in the repository looks like a live key.
    const liveKey = ['sk', 'live', 'PayrailSandbox000000000000000000000000'].join('_');
    for (const key of ['sk_test_wrongwrongwrong', liveKey]) {
      const error = await stripeError(client(key).balance.retrieve());
      expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
      expect(error.statusCode).toBe(401);
      expect(error.message).toContain('Invalid API Key provided');
      expect(error.message).not.toContain(key);
    }
  });

  it('names an unknown or missing parameter', async () => {
    const unknown = await raw('POST', '/v1/payment_intents', { body: 'amount=100&currency=usd&colour=red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'parameter_unknown', param: 'colour' });
    const missing = await stripeError(
      stripe.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams),
    );
    expect(missing).toMatchObject({ code: 'parameter_missing', param: 'amount', statusCode: 400 });
    const notInteger = await raw('POST', '/v1/payment_intents', { body: 'amount=ten&currency=usd' });
    expect(notInteger.body.error).toMatchObject({ code: 'parameter_invalid_integer', param: 'amount' });
  });

  it('answers 404 resource_missing for an unknown object and for an unknown URL', async () => {
    const error = await stripeError(stripe.paymentIntents.retrieve('pi_doesnotexist'));
    expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing' });
    const url = await raw('GET', '/v1/nothing_here');
    expect(url.status).toBe(404);
    expect(url.body.error.message).toContain('Unrecognized request URL');
  });

  it('replays a keyed POST, refuses the key with other parameters, and marks the replay', async () => {
    const key = `idem-${Date.now()}`;
    const first = await raw('POST', '/v1/payment_intents', {
      body: 'amount=1000&currency=usd',
      headers: { 'idempotency-key': key },
    });
    const second = await raw('POST', '/v1/payment_intents', {
      body: 'amount=1000&currency=usd',
      headers: { 'idempotency-key': key },
    });
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const other = await stripeError(
      stripe.paymentIntents.create({ amount: 1001, currency: 'usd' }, { idempotencyKey: key }),
    );
    expect(other).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(other.statusCode).toBe(400);
    expect(other.message).toContain(key);
  });

  it('does not keep a validation failure under its key, so the key can be used again', async () => {
    const key = `idem-valid-${Date.now()}`;
    const bad = await raw('POST', '/v1/payment_intents', {
      body: 'currency=usd',
      headers: { 'idempotency-key': key },
    });
    expect(bad.status).toBe(400);
    const good = await raw('POST', '/v1/payment_intents', {
      body: 'amount=1000&currency=usd',
      headers: { 'idempotency-key': key },
    });
    expect(good.status).toBe(200);
  });

  it('answers 409 idempotency_key_in_use to a concurrent request with the same key', async () => {
    // The first request must still hold the key when the second arrives: 2 s of latency leaves a
    // loaded machine room for both to reach the server in order, where 300 ms did not.
    const slowKey = sandbox.createSlowKey(2000);
    const key = `idem-race-${Date.now()}`;
    const send = () =>
      raw('POST', '/v1/payment_intents', {
        key: slowKey,
        body: 'amount=1000&currency=usd',
        headers: { 'idempotency-key': key },
      });
    const first = send();
    await new Promise((r) => setTimeout(r, 200));
    const second = await send();
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('idempotency_key_in_use');
    expect(second.headers.get('stripe-should-retry')).toBe('true');
    expect((await first).status).toBe(200);
  });

  it('answers injected faults in Stripe shape (500 api_error, 429 rate_limit)', async () => {
    sandbox.injectFault(500);
    const server = await stripeError(stripe.balance.retrieve());
    expect(server).toBeInstanceOf(Stripe.errors.StripeAPIError);
    sandbox.injectFault(429);
    const limited = await stripeError(stripe.balance.retrieve());
    expect(limited).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
  });
});

describe('Stripe sandbox: payments', () => {
  it('authorizes with capture_method=manual, captures part, and releases the rest', async () => {
    const pi = await authorize('pm_card_visa', { metadata: { attempt_id: 'att_1' } });
    expect(pi).toMatchObject({ status: 'requires_capture', amount_capturable: 2000, amount_received: 0 });
    expect(pi.payment_method).toMatch(/^pm_/);
    const charge = await stripe.charges.retrieve(String(pi.latest_charge));
    expect(charge).toMatchObject({ captured: false, status: 'succeeded', payment_intent: pi.id });
    const captured = await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 1500 });
    expect(captured).toMatchObject({ status: 'succeeded', amount_received: 1500, amount_capturable: 0 });
    const again = await stripeError(stripe.paymentIntents.capture(pi.id));
    expect(again).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
  });

  it('charges at once with automatic capture', async () => {
    const pi = await authorize('pm_card_mastercard', { capture_method: 'automatic' });
    expect(pi).toMatchObject({ status: 'succeeded', amount_received: 2000 });
  });

  it('refuses to capture more than is capturable, and to cancel after capture', async () => {
    const pi = await authorize('pm_card_visa');
    const tooMuch = await stripeError(stripe.paymentIntents.capture(pi.id, { amount_to_capture: 2001 }));
    expect(tooMuch).toMatchObject({ statusCode: 400, param: 'amount_to_capture' });
    await stripe.paymentIntents.capture(pi.id);
    const cancel = await stripeError(stripe.paymentIntents.cancel(pi.id));
    expect(cancel).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
    expect(cancel.payment_intent?.status).toBe('succeeded');
  });

  it('cancels an authorization, after which it cannot be captured', async () => {
    const pi = await authorize('pm_card_visa');
    const canceled = await stripe.paymentIntents.cancel(pi.id, {
      cancellation_reason: 'requested_by_customer',
    });
    expect(canceled).toMatchObject({
      status: 'canceled',
      amount_capturable: 0,
      cancellation_reason: 'requested_by_customer',
    });
    const capture = await stripeError(stripe.paymentIntents.capture(pi.id));
    expect(capture.code).toBe('payment_intent_unexpected_state');
  });

  it('refunds in parts and refuses more than what remains', async () => {
    const pi = await authorize('pm_card_visa', { capture_method: 'automatic' });
    const first = await stripe.refunds.create({
      payment_intent: pi.id,
      amount: 500,
      metadata: { attempt_id: 'r1' },
    });
    expect(first).toMatchObject({
      status: 'succeeded',
      amount: 500,
      payment_intent: pi.id,
      metadata: { attempt_id: 'r1' },
    });
    const tooMuch = await stripeError(stripe.refunds.create({ payment_intent: pi.id, amount: 1501 }));
    expect(tooMuch).toMatchObject({ statusCode: 400, param: 'amount' });
    const rest = await stripe.refunds.create({ payment_intent: pi.id });
    expect(rest.amount).toBe(1500);
    const done = await stripeError(stripe.refunds.create({ payment_intent: pi.id }));
    expect(done.code).toBe('charge_already_refunded');
    const refunds = await stripe.refunds.list({ payment_intent: pi.id });
    expect(refunds.data.map((r) => r.amount).sort()).toEqual([1500, 500]);
    const charge = await stripe.charges.retrieve(String(pi.latest_charge));
    expect(charge).toMatchObject({ amount_refunded: 2000, refunded: true });
  });

  it('refuses to refund an uncaptured authorization', async () => {
    const pi = await authorize('pm_card_visa');
    const error = await stripeError(stripe.refunds.create({ payment_intent: pi.id }));
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain('cancel');
  });

  it('moves pending and failing test refunds to their final state', async () => {
    const pending = await authorize('pm_card_pendingRefund', { capture_method: 'automatic' });
    const failing = await authorize('pm_card_refundFail', { capture_method: 'automatic' });
    const a = await stripe.refunds.create({ payment_intent: pending.id });
    const b = await stripe.refunds.create({ payment_intent: failing.id });
    expect(a.status).toBe('pending');
    expect(b.status).toBe('succeeded');
    sandbox.settleRefunds();
    expect((await stripe.refunds.retrieve(a.id)).status).toBe('succeeded');
    expect(await stripe.refunds.retrieve(b.id)).toMatchObject({
      status: 'failed',
      failure_reason: 'expired_or_canceled_card',
    });
  });

  it('creates PaymentMethods from raw cards and from tokens', async () => {
    const year = new Date().getFullYear() + 2;
    const pm = await stripe.paymentMethods.create({
      type: 'card',
      card: { number: '4242424242424242', exp_month: 12, exp_year: year, cvc: '123' },
    });
    expect(pm.card).toMatchObject({ brand: 'visa', last4: '4242', exp_month: 12, exp_year: year });
    expect(JSON.stringify(pm)).not.toContain('4242424242424242');
    const token = await stripe.tokens.create({
      card: { number: '5555555555554444', exp_month: '12', exp_year: String(year), cvc: '123' },
    } as Stripe.TokenCreateParams);
    const fromToken = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      confirm: true,
      capture_method: 'manual',
      payment_method_data: {
        type: 'card',
        card: { token: token.id },
      } as Stripe.PaymentIntentCreateParams.PaymentMethodData,
    });
    expect(fromToken.status).toBe('requires_capture');
    const reused = await stripeError(
      stripe.paymentMethods.create({ type: 'card', card: { token: token.id } }),
    );
    expect(reused.code).toBe('token_already_used');
  });

  it.each([
    ['4242424242424241', 12, 1, '123', 'incorrect_number', 'number'],
    ['4242', 12, 1, '123', 'invalid_number', 'number'],
    ['4242424242424242', 13, 1, '123', 'invalid_expiry_month', 'exp_month'],
    ['4242424242424242', 1, -1, '123', 'invalid_expiry_year', 'exp_year'],
    ['4242424242424242', 12, 1, '12', 'invalid_cvc', 'cvc'],
  ])(
    'refuses card %s (%i/+%i, cvc %s) with %s on %s',
    async (number, month, yearOffset, cvc, code, param) => {
      const error = await stripeError(
        stripe.paymentMethods.create({
          type: 'card',
          card: { number, exp_month: month, exp_year: new Date().getFullYear() + yearOffset, cvc },
        }),
      );
      expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
      expect(error).toMatchObject({ statusCode: 402, type: 'StripeCardError', code, param });
    },
  );

  it.each([
    ['pm_card_visa_chargeDeclined', 'card_declined', 'generic_decline'],
    ['pm_card_chargeDeclined', 'card_declined', 'generic_decline'],
    ['pm_card_visa_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds'],
    ['pm_card_visa_chargeDeclinedLostCard', 'card_declined', 'lost_card'],
    ['pm_card_visa_chargeDeclinedStolenCard', 'card_declined', 'stolen_card'],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card', undefined],
    ['pm_card_chargeDeclinedIncorrectCvc', 'incorrect_cvc', undefined],
    ['pm_card_chargeDeclinedProcessingError', 'processing_error', undefined],
    ['pm_card_visa_chargeDeclinedVelocityLimitExceeded', 'card_declined', 'card_velocity_exceeded'],
    ['pm_card_chargeCustomerFail', 'card_declined', 'generic_decline'],
    ['pm_card_radarBlock', 'card_declined', 'fraudulent'],
    ['pm_card_riskLevelHighest', 'card_declined', 'fraudulent'],
    ['pm_card_cvcCheckFail', 'incorrect_cvc', undefined],
  ])(
    'declines %s with %s / %s and leaves the intent requiring a payment method',
    async (pm, code, declineCode) => {
      const error = await stripeError(authorize(pm));
      expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
      expect(error).toMatchObject({ statusCode: 402, code });
      expect(error.decline_code || undefined).toBe(declineCode);
      expect(error.requestId).toMatch(/^req_/);
      expect(error.payment_intent).toMatchObject({
        status: 'requires_payment_method',
        last_payment_error: { code },
      });
      const charge = await stripe.charges.retrieve(String(error.charge));
      expect(charge).toMatchObject({ status: 'failed', failure_code: code });
    },
  );

  it.each([
    ['4000000000000002', 'card_declined'],
    ['4000000000009995', 'card_declined'],
    ['4000000000000069', 'expired_card'],
    ['4000000000000127', 'incorrect_cvc'],
    ['4000000000000119', 'processing_error'],
  ])('declines raw test card %s with %s', async (number, code) => {
    const pm = await stripe.paymentMethods.create({
      type: 'card',
      card: { number, exp_month: 12, exp_year: new Date().getFullYear() + 1, cvc: '123' },
    });
    expect((await stripeError(authorize(pm.id))).code).toBe(code);
  });

  it.each([
    'pm_card_visa_debit',
    'pm_card_mastercard_debit',
    'pm_card_mastercard_prepaid',
    'pm_card_amex',
    'pm_card_discover',
    'pm_card_diners',
    'pm_card_jcb',
    'pm_card_unionpay',
    'pm_card_riskLevelElevated',
    'pm_card_avsZipFail',
    'pm_card_bypassPending',
    'pm_card_createDispute',
    'pm_card_threeDSecureOptional',
    'pm_card_amex_threeDSecureNotSupported',
  ])('authorizes %s', async (pm) => {
    expect((await authorize(pm)).status).toBe('requires_capture');
  });
});

describe('Stripe sandbox: 3-D Secure', () => {
  it.each([
    'pm_card_authenticationRequired',
    'pm_card_authenticationRequiredOnSetup',
    'pm_card_authenticationRequiredSetupForOffSession',
    'pm_card_threeDSecure2Required',
  ])('asks %s for authentication, then authorizes once it completes', async (pm) => {
    const pi = await authorize(pm, { return_url: 'https://shop.example/return' });
    expect(pi.status).toBe('requires_action');
    expect(pi.next_action).toMatchObject({
      type: 'redirect_to_url',
      redirect_to_url: { return_url: 'https://shop.example/return' },
    });
    const url = String(pi.next_action?.redirect_to_url?.url);
    expect(url.startsWith(`${sandbox.url}/_sandbox/3ds/`)).toBe(true);
    const page = await fetch(url);
    expect(await page.text()).toContain('Complete authentication');
    const done = await fetch(`${sandbox.url}/_sandbox/payment_intents/${pi.id}/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ result: 'succeed' }),
    });
    expect(done.status).toBe(200);
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('requires_capture');
  });

  it('uses use_stripe_sdk without a return_url, and a failed challenge leaves an authentication failure', async () => {
    const pi = await authorize('pm_card_authenticationRequired');
    expect(pi.next_action?.type).toBe('use_stripe_sdk');
    sandbox.authenticate(pi.id, 'fail');
    const after = await stripe.paymentIntents.retrieve(pi.id);
    expect(after.status).toBe('requires_payment_method');
    expect(after.last_payment_error?.code).toBe('payment_intent_authentication_failure');
  });

  it.each([
    ['pm_card_authenticationRequiredChargeDeclinedInsufficientFunds', 'insufficient_funds'],
    ['pm_card_threeDSecureRequiredChargeDeclined', 'generic_decline'],
  ])('declines %s after a successful challenge (%s)', async (pm, declineCode) => {
    const pi = await authorize(pm);
    sandbox.authenticate(pi.id);
    const after = await stripe.paymentIntents.retrieve(pi.id);
    expect(after.status).toBe('requires_payment_method');
    expect(after.last_payment_error).toMatchObject({ code: 'card_declined', decline_code: declineCode });
  });

  it('declines off-session with authentication_required, except a card set up for it', async () => {
    const error = await stripeError(authorize('pm_card_authenticationRequired', { off_session: true }));
    expect(error).toMatchObject({ code: 'authentication_required', decline_code: 'authentication_required' });
    const setUp = await authorize('pm_card_authenticationRequiredSetupForOffSession', { off_session: true });
    expect(setUp.status).toBe('requires_capture');
  });
});

describe('Stripe sandbox: restricted keys', () => {
  it('answers 403 naming the missing permission, and lets allowed calls through', async () => {
    const readOnly = client(Object.keys(STRIPE_SANDBOX_DEFAULTS.restrictedKeys)[0]);
    expect((await readOnly.balance.retrieve()).object).toBe('balance');
    const error = await stripeError(readOnly.paymentIntents.create({ amount: 1000, currency: 'usd' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(error.statusCode).toBe(403);
    expect(error.message).toContain("'rak_payment_intent_write'");

    const made = client(sandbox.createRestrictedKey({ payment_intents: 'write' }));
    expect((await made.paymentIntents.create({ amount: 1000, currency: 'usd' })).object).toBe(
      'payment_intent',
    );
    expect((await stripeError(made.refunds.list())).message).toContain("'rak_refund_read'");
  });

  it('creates restricted keys through the control endpoint and validates the request', async () => {
    const bad = await fetch(`${sandbox.url}/_sandbox/restricted_keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ permissions: { payouts: 'write' } }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('payouts');
  });
});

describe('Stripe sandbox: reconciliation', () => {
  it('lists balance transactions by created range with fees, and expands their source', async () => {
    const pi = await authorize('pm_card_visa', { capture_method: 'automatic', amount: 10000 });
    const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 2500 });
    const now = Math.floor(Date.now() / 1000);
    const page = await stripe.balanceTransactions.list({
      created: { gte: now - 60, lte: now + 60 },
      limit: 100,
      expand: ['data.source'],
    });
    const charge = page.data.find(
      (t) => (t.source as Stripe.Charge | null)?.payment_intent === pi.id && t.type === 'charge',
    );
    expect(charge).toMatchObject({ amount: 10000, fee: 320, net: 9680, currency: 'usd', status: 'pending' });
    expect(charge?.fee_details[0]).toMatchObject({ type: 'stripe_fee', amount: 320 });
    const refunded = page.data.find((t) => (t.source as Stripe.Refund | null)?.id === refund.id);
    expect(refunded).toMatchObject({ type: 'refund', amount: -2500, fee: 0, net: -2500 });
    const none = await stripe.balanceTransactions.list({ created: { lt: now - 3600 } });
    expect(none.data).toHaveLength(0);
    sandbox.settleBalance();
    expect((await stripe.balanceTransactions.retrieve(String(charge?.id))).status).toBe('available');
  });

  it('pages with starting_after', async () => {
    const first = await stripe.paymentIntents.list({ limit: 2 });
    expect(first.has_more).toBe(true);
    const next = await stripe.paymentIntents.list({ limit: 2, starting_after: first.data[1].id });
    expect(next.data[0].id).not.toBe(first.data[1].id);
  });

  it('reports the account and balance for credential checks', async () => {
    const account = await stripe.accounts.retrieveCurrent();
    expect(account).toMatchObject({ id: STRIPE_SANDBOX_DEFAULTS.accountId, object: 'account' });
    const balance = await stripe.balance.retrieve();
    expect(balance.livemode).toBe(false);
  });
});

describe('Stripe sandbox: webhooks', () => {
  let receiver: Server;
  let received: { headers: IncomingMessage['headers']; body: string }[] = [];
  let receiverUrl: string;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  });

  afterAll(async () => {
    await new Promise((r) => receiver.close(r));
  });

  // Webhooks go out beside the API answers; a loaded machine can take seconds to deliver them.
  const waitFor = async (predicate: () => boolean, ms = 10_000) => {
    const until = Date.now() + ms;
    while (!predicate() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(predicate()).toBe(true);
  };

  it('delivers signed events that the SDK verifies, for authorize, capture and refund', async () => {
    received = [];
    const endpoint = await stripe.webhookEndpoints.create({ url: receiverUrl, enabled_events: ['*'] });
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect((await stripe.webhookEndpoints.retrieve(endpoint.id)).secret).toBeUndefined();
    const pi = await authorize('pm_card_visa');
    await stripe.paymentIntents.capture(pi.id);
    await stripe.refunds.create({ payment_intent: pi.id });
    const expected = [
      'payment_intent.amount_capturable_updated',
      'payment_intent.succeeded',
      'charge.captured',
      'refund.created',
      'charge.refunded',
    ];
    const types = () =>
      received.map(
        (d) =>
          stripe.webhooks.constructEvent(
            d.body,
            String(d.headers['stripe-signature']),
            String(endpoint.secret),
          ).type,
      );
    await waitFor(() => expected.every((t) => (types() as string[]).includes(t)));
    const events = await stripe.events.list({ type: 'payment_intent.*' as Stripe.Event.Type, limit: 100 });
    expect(events.data.some((e) => (e.data.object as Stripe.PaymentIntent).id === pi.id)).toBe(true);
    await stripe.webhookEndpoints.del(endpoint.id);
  });

  it('keeps the API call working when the endpoint is down, retries, then gives up', async () => {
    const endpoint = await stripe.webhookEndpoints.create({
      url: 'http://127.0.0.1:9/down',
      enabled_events: ['payment_intent.succeeded'],
    });
    const pi = await authorize('pm_card_visa', { capture_method: 'automatic' });
    expect(pi.status).toBe('succeeded');
    const attempts = () => sandbox.webhookAttempts.filter((a) => a.endpointId === endpoint.id);
    await waitFor(() => attempts().length === 3);
    expect(attempts().every((a) => !a.delivered)).toBe(true);
    await new Promise((r) => setTimeout(r, 150));
    expect(attempts()).toHaveLength(3);
    const events = await stripe.events.list({ type: 'payment_intent.succeeded' });
    expect(events.data.some((e) => (e.data.object as Stripe.PaymentIntent).id === pi.id)).toBe(true);
    await stripe.webhookEndpoints.del(endpoint.id);
  });
});

describe('Stripe sandbox: OpenAPI conformance', () => {
  it('answered every request above with a body the official spec allows', () => {
    const api = sandbox.exchanges.filter((e) => e.route);
    expect(api.length).toBeGreaterThan(50);
    const problems = api.flatMap((e) => validator.validate(e));
    expect(problems).toEqual([]);
  });
});
