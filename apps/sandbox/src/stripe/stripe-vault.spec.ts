import Stripe from 'stripe';
import { loadStripeOpenApi, startStripeSandbox, STRIPE_SANDBOX_DEFAULTS, type StripeSandbox } from './index';

const validator = loadStripeOpenApi();
let sandbox: StripeSandbox;
let stripe: Stripe;

async function stripeError(call: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

// Up to 10 s: what the sandbox does beside its answers (webhooks) can lag on a loaded machine.
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the sandbox did not get there in time');
}

const charge = (payment_method: string, extra: Partial<Stripe.PaymentIntentCreateParams> = {}) =>
  stripe.paymentIntents.create({
    amount: 2500,
    currency: 'usd',
    confirm: true,
    payment_method,
    allowed_payment_method_types: ['card'],
    ...extra,
  });

beforeAll(async () => {
  sandbox = await startStripeSandbox({ port: 0, record: true, disputeDelayMs: 20 });
  stripe = new Stripe(STRIPE_SANDBOX_DEFAULTS.secretKey, {
    ...sandbox.clientOptions,
    maxNetworkRetries: 0,
    telemetry: false,
  });
});

afterAll(async () => {
  await sandbox?.close();
});

describe('Stripe sandbox: updates and search', () => {
  it('updates a PaymentIntent before confirmation, and only its metadata after', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      metadata: { order: 'a' },
    });
    const updated = await stripe.paymentIntents.update(pi.id, {
      amount: 1500,
      description: 'two mugs',
      metadata: { order: '', cart: 'c-1' },
    });
    expect(updated).toMatchObject({ amount: 1500, description: 'two mugs', metadata: { cart: 'c-1' } });
    await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' });
    const error = await stripeError(stripe.paymentIntents.update(pi.id, { amount: 2000 }));
    expect(error).toMatchObject({
      statusCode: 400,
      code: 'payment_intent_unexpected_state',
      param: 'amount',
    });
    const after = await stripe.paymentIntents.update(pi.id, { metadata: { shipped: 'yes' } });
    expect(after.metadata).toEqual({ cart: 'c-1', shipped: 'yes' });
  });

  it('updates a refund’s metadata', async () => {
    const pi = await charge('pm_card_visa');
    const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 500 });
    const updated = await stripe.refunds.update(refund.id, { metadata: { ticket: 'T-9' } });
    expect(updated.metadata).toEqual({ ticket: 'T-9' });
    expect((await stripeError(stripe.refunds.update(refund.id, { amount: 1 } as never))).code).toBe(
      'parameter_unknown',
    );
  });

  it('searches PaymentIntents and charges by metadata, status and created', async () => {
    const tag = `s${Date.now()}`;
    const first = await charge('pm_card_visa', { metadata: { search: tag } });
    await charge('pm_card_mastercard', { metadata: { search: tag }, capture_method: 'manual' });
    const found = await stripe.paymentIntents.search({
      query: `metadata['search']:'${tag}' AND status:'succeeded'`,
    });
    expect(found.data.map((p) => p.id)).toEqual([first.id]);
    const recent = await stripe.paymentIntents.search({
      query: `metadata["search"]:"${tag}" AND created>${first.created - 1}`,
      limit: 1,
    });
    expect(recent).toMatchObject({ object: 'search_result', has_more: true });
    const next = await stripe.paymentIntents.search({
      query: `metadata["search"]:"${tag}" AND created>${first.created - 1}`,
      page: recent.next_page ?? '',
    });
    expect(next.data.map((p) => p.id)).toEqual([first.id]);
    const charges = await stripe.charges.search({ query: `metadata['search']:'${tag}'` });
    expect(charges.data).toHaveLength(2);
    const bad = await stripeError(stripe.paymentIntents.search({ query: `colour:'red'` }));
    expect(bad).toMatchObject({ statusCode: 400, param: 'query' });
    expect(bad.message).toContain("Field 'colour'");
  });

  it('gives a token a Card object, and list sub-objects a total_count only when included', async () => {
    const token = await stripe.tokens.create({
      card: { number: '4242424242424242', exp_month: '12', exp_year: String(new Date().getFullYear() + 2) },
    } as Stripe.TokenCreateParams);
    expect(token.card).toMatchObject({
      object: 'card',
      brand: 'Visa',
      last4: '4242',
      address_zip_check: null,
    });
    const pi = await charge('pm_card_visa');
    await stripe.refunds.create({ payment_intent: pi.id, amount: 100 });
    const plain = await stripe.charges.retrieve(String(pi.latest_charge));
    expect(plain.refunds).not.toHaveProperty('total_count');
    const counted = await stripe.charges.retrieve(String(pi.latest_charge), {
      include: ['total_count'],
    } as Stripe.ChargeRetrieveParams);
    expect((counted.refunds as { total_count?: number } | undefined)?.total_count).toBe(1);
  });
});

describe('Stripe sandbox: customers and saved cards', () => {
  it('creates, reads, lists, updates and deletes a customer', async () => {
    const customer = await stripe.customers.create({
      email: 'ada@example.test',
      name: 'Ada',
      metadata: { ref: 'r1' },
    });
    expect(customer).toMatchObject({ object: 'customer', email: 'ada@example.test', name: 'Ada' });
    const updated = await stripe.customers.update(customer.id, {
      phone: '+15555550100',
      metadata: { tier: 'gold' },
    });
    expect(updated).toMatchObject({ phone: '+15555550100', metadata: { ref: 'r1', tier: 'gold' } });
    const listed = await stripe.customers.list({ email: 'ada@example.test' });
    expect(listed.data.map((c) => c.id)).toContain(customer.id);
    expect((await stripeError(stripe.customers.create({ email: 'not-an-email' }))).param).toBe('email');
    const deleted = await stripe.customers.del(customer.id);
    expect(deleted).toEqual({ id: customer.id, object: 'customer', deleted: true });
    expect(await stripe.customers.retrieve(customer.id)).toMatchObject({ deleted: true });
    expect((await stripeError(stripe.customers.update(customer.id, { name: 'x' }))).statusCode).toBe(404);
  });

  it('attaches a card, charges it twice (once off-session), detaches it for good', async () => {
    const customer = await stripe.customers.create({ email: 'grace@example.test' });
    const pm = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
    const attached = await stripe.paymentMethods.attach(pm.id, { customer: customer.id });
    expect(attached.customer).toBe(customer.id);
    const listed = await stripe.customers.listPaymentMethods(customer.id, { type: 'card' });
    expect(listed.data.map((p) => p.id)).toEqual([pm.id]);
    expect((await stripe.paymentMethods.list({ customer: customer.id, type: 'card' })).data).toHaveLength(1);
    const first = await charge(pm.id, { customer: customer.id });
    const second = await charge(pm.id, { customer: customer.id, off_session: true });
    expect([first.status, second.status]).toEqual(['succeeded', 'succeeded']);
    const charged = await stripe.charges.retrieve(String(second.latest_charge));
    expect(charged.customer).toBe(customer.id);
    const mismatch = await stripeError(charge(pm.id));
    expect(mismatch).toMatchObject({ statusCode: 400, param: 'payment_method' });
    await stripe.paymentMethods.detach(pm.id);
    expect((await stripe.customers.listPaymentMethods(customer.id)).data).toHaveLength(0);
    const reuse = await stripeError(charge(pm.id, { customer: customer.id }));
    expect(reuse.message).toContain('may not be used again');
    const again = await stripeError(stripe.paymentMethods.detach(pm.id));
    expect(again.message).toContain('not attached');
  });

  it('saves a card needing authentication through a SetupIntent, then charges it off-session', async () => {
    const customer = await stripe.customers.create({ name: 'Off Session' });
    const si = await stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_authenticationRequiredOnSetup',
      confirm: true,
      usage: 'off_session',
    });
    expect(si.status).toBe('requires_action');
    expect(si.next_action?.type).toBe('use_stripe_sdk');
    const done = sandbox.authenticate(si.id, 'succeed');
    expect(done).toMatchObject({ status: 'succeeded', customer: customer.id });
    const pmId = String(done['payment_method']);
    expect((await stripe.setupIntents.retrieve(si.id)).status).toBe('succeeded');
    const offSession = await charge(pmId, { customer: customer.id, off_session: true });
    expect(offSession.status).toBe('succeeded');
    const declined = await stripeError(
      stripe.setupIntents.create({
        customer: customer.id,
        payment_method: 'pm_card_chargeDeclined',
        confirm: true,
      }),
    );
    expect(declined).toMatchObject({ statusCode: 402, code: 'card_declined' });
    const canceled = await stripe.setupIntents.cancel(
      (await stripe.setupIntents.create({ customer: customer.id })).id,
    );
    expect(canceled.status).toBe('canceled');
  });
});

describe('Stripe sandbox: disputes', () => {
  it('opens a dispute after a dispute test card is charged, withdraws the money, and wins on evidence', async () => {
    const pi = await charge('pm_card_createDispute');
    const [dispute] = (
      await until(
        () => stripe.disputes.list({ payment_intent: pi.id }),
        (l) => l.data.length > 0,
      )
    ).data;
    expect(dispute).toMatchObject({ status: 'needs_response', reason: 'fraudulent', amount: 2500 });
    expect(dispute.evidence_details.due_by).toBeGreaterThan(dispute.created);
    expect((await stripe.charges.retrieve(String(pi.latest_charge))).disputed).toBe(true);
    const withdrawn = await stripe.balanceTransactions.list({ source: dispute.id } as never);
    expect(withdrawn.data[0]).toMatchObject({ amount: -2500, fee: 1500, reporting_category: 'dispute' });
    const submitted = await stripe.disputes.update(dispute.id, {
      evidence: { uncategorized_text: 'winning_evidence', customer_name: 'Ada' },
    });
    expect(submitted).toMatchObject({ status: 'under_review', evidence_details: { submission_count: 1 } });
    const won = await until(
      () => stripe.disputes.retrieve(dispute.id),
      (d) => d.status !== 'under_review',
    );
    expect(won.status).toBe('won');
    expect(won.balance_transactions.map((t) => t.amount)).toEqual([-2500, 2500]);
    const types = (await stripe.events.list({ limit: 100 })).data
      .filter((e) => (e.data.object as { id?: string }).id === dispute.id)
      .map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'charge.dispute.created',
        'charge.dispute.funds_withdrawn',
        'charge.dispute.updated',
        'charge.dispute.funds_reinstated',
        'charge.dispute.closed',
      ]),
    );
  });

  it('loses a dispute that is accepted, and keeps an inquiry free of money movement', async () => {
    const pi = await charge('pm_card_createDisputeProductNotReceived');
    const dispute = (
      await until(
        () => stripe.disputes.list({ payment_intent: pi.id }),
        (l) => l.data.length > 0,
      )
    ).data[0];
    expect(dispute.reason).toBe('product_not_received');
    const lost = await stripe.disputes.close(dispute.id);
    expect(lost.status).toBe('lost');
    expect(
      (await stripeError(stripe.disputes.update(dispute.id, { evidence: { receipt: 'x' } }))).statusCode,
    ).toBe(400);
    const inquiryPi = await charge('pm_card_createDisputeInquiry');
    const inquiry = (
      await until(
        () => stripe.disputes.list({ payment_intent: inquiryPi.id }),
        (l) => l.data.length > 0,
      )
    ).data[0];
    expect(inquiry.status).toBe('warning_needs_response');
    expect(inquiry.balance_transactions).toEqual([]);
  });

  it('opens and decides a dispute on any captured charge through the test controls', async () => {
    const pi = await charge('pm_card_visa');
    const opened = await fetch(`${sandbox.url}/_sandbox/disputes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ charge: pi.latest_charge, reason: 'general' }),
    });
    const dispute = (await opened.json()) as { id: string; status: string };
    expect(dispute.status).toBe('needs_response');
    const closed = await fetch(`${sandbox.url}/_sandbox/disputes/${dispute.id}/close`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'lost' }),
    });
    expect(((await closed.json()) as { status: string }).status).toBe('lost');
  });
});

describe('Stripe sandbox: OpenAPI conformance of the new resources', () => {
  it('answered every request above with a body the official spec allows', () => {
    expect(sandbox.exchanges.length).toBeGreaterThan(40);
    const problems = sandbox.exchanges.flatMap((exchange) => validator.validate(exchange));
    expect(problems).toEqual([]);
  });
});
