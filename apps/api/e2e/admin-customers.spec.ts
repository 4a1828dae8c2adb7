import { dbLabel, describeDb } from './harness';
import { ConsoleClient, controlClock, OWNER } from './identity-support';
import { startSandboxedApi, type SandboxedApi } from './sandboxes';

let s: SandboxedApi;
let owner: ConsoleClient;
let outsider: ConsoleClient;
const seeded: { customer: string; method: string; payment: string; disputed: string } = {
  customer: '',
  method: '',
  payment: '',
  disputed: '',
};

const call = (method: string, path: string, body?: unknown) => s.api.request(method, path, body);

/** Polls the payment until the gateway's dispute webhook has reached Payrail. */
async function waitForDispute(paymentId: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if ((await call('GET', `/v1/payments/${paymentId}`)).body.dispute) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`payment ${paymentId} was never disputed`);
}

beforeAll(async () => {
  s = await startSandboxedApi();
  const clock = controlClock(s.api.app);
  owner = new ConsoleClient(s.api);
  await owner.login(OWNER.email, OWNER.password);
  await owner.enrolMfa(clock);
  const foreign = await owner.request('POST', '/admin/merchants', { name: 'Elsewhere Ltd' });
  await owner.request('POST', '/admin/users', {
    email: 'support-elsewhere@example.com',
    password: 'support password elsewhere',
    roles: [{ role: 'support', merchant_id: foreign.body.id }],
  });
  outsider = new ConsoleClient(s.api);
  await outsider.login('support-elsewhere@example.com', 'support password elsewhere');

  const customer = await call('POST', '/v1/customers', { email: 'grace@example.com', name: 'Grace Hopper' });
  const saved = await call('POST', `/v1/customers/${customer.body.id}/payment_methods`, {
    gateway: 'stripe',
    payment_method: { token: 'tok_visa' },
  });
  const paid = await call('POST', '/v1/payments', {
    amount: 4200,
    currency: 'usd',
    customer_id: customer.body.id,
    payment_method_id: saved.body.id,
  });
  const disputed = await call('POST', '/v1/payments', {
    amount: 3100,
    currency: 'usd',
    gateway: 'stripe',
    payment_method: { token: 'pm_card_createDispute' },
  });
  Object.assign(seeded, {
    customer: customer.body.id,
    method: saved.body.id,
    payment: paid.body.id,
    disputed: disputed.body.id,
  });
  await waitForDispute(disputed.body.id);
}, 90_000);

afterAll(async () => {
  await s?.close();
});

describeDb(`the console's customers and disputes ${dbLabel}`, () => {
  it('lists customers by email, name or id, and shows one with its saved card and payments', async () => {
    for (const q of ['GRACE@', 'hopper', seeded.customer]) {
      const found = await owner.request('GET', `/admin/customers?q=${encodeURIComponent(q)}&mode=test`);
      expect(found.status).toBe(200);
      expect(found.body.data.map((c: { id: string }) => c.id)).toEqual([seeded.customer]);
      expect(found.body.data[0]).toMatchObject({ merchant_id: s.api.merchantId, email: 'grace@example.com' });
    }
    const live = await owner.request('GET', '/admin/customers?mode=live');
    expect(live.body.data).toEqual([]);

    const detail = await owner.request('GET', `/admin/customers/${seeded.customer}`);
    expect(detail.status).toBe(200);
    expect(detail.body.customer).toMatchObject({ id: seeded.customer, name: 'Grace Hopper' });
    expect(detail.body.payment_methods).toEqual([
      expect.objectContaining({
        id: seeded.method,
        gateway: 'stripe',
        status: 'active',
        card: expect.objectContaining({ brand: 'visa', last4: '4242', exp_month: expect.any(Number) }),
      }),
    ]);
    expect(detail.body.payments).toEqual([
      expect.objectContaining({ id: seeded.payment, amount: 4200, status: 'captured' }),
    ]);
  });

  it('pages customers and names a bad filter', async () => {
    const second = await call('POST', '/v1/customers', { email: 'alan@example.com' });
    const first = await owner.request('GET', '/admin/customers?limit=1');
    expect(first.body).toMatchObject({ has_more: true, data: [{ id: second.body.id }] });
    const next = await owner.request('GET', `/admin/customers?limit=1&starting_after=${second.body.id}`);
    expect(next.body.data.map((c: { id: string }) => c.id)).toEqual([seeded.customer]);
    const bad = await owner.request('GET', '/admin/customers?limit=500');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('limit must be an integer from 1 to 100');
    const mode = await owner.request('GET', '/admin/disputes?mode=staging');
    expect(mode.status).toBe(400);
    const status = await owner.request('GET', '/admin/disputes?status=open');
    expect(JSON.stringify(status.body)).toContain('status must be one of');
  });

  it('lists disputes with amount, reason, status, evidence deadline and payment', async () => {
    const listed = await owner.request('GET', '/admin/disputes?status=needs_response');
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([
      expect.objectContaining({
        payment_id: seeded.disputed,
        merchant_id: s.api.merchantId,
        amount: 3100,
        currency: 'usd',
        reason: 'fraudulent',
        status: 'needs_response',
        evidence_due_by: expect.any(String),
      }),
    ]);
    expect(new Date(listed.body.data[0].evidence_due_by).getTime()).toBeGreaterThan(Date.now());
    const won = await owner.request('GET', `/admin/disputes?status=won&merchant_id=${s.api.merchantId}`);
    expect(won.body.data).toEqual([]);
  });

  it("keeps another merchant's customers and disputes out of sight", async () => {
    expect((await outsider.request('GET', '/admin/customers')).body.data).toEqual([]);
    expect((await outsider.request('GET', '/admin/disputes')).body.data).toEqual([]);
    const hidden = await outsider.request('GET', `/admin/customers/${seeded.customer}`);
    expect(hidden.status).toBe(404);
    expect(JSON.stringify(hidden.body)).not.toContain('merchant_id');
    const asked = await outsider.request('GET', `/admin/customers?merchant_id=${s.api.merchantId}`);
    expect(asked.status).toBe(404);
  });
});
