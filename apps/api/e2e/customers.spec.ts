import { DataSource } from 'typeorm';
import { SQUARE_SANDBOX_DEFAULTS } from '@payrail/sandbox/square';
import { dbLabel, describeDb } from './harness';
import { startSandboxedApi, type SandboxedApi } from './sandboxes';

let s: SandboxedApi;

beforeAll(async () => {
  s = await startSandboxedApi();
}, 90_000);

afterAll(async () => {
  await s?.close();
});

const call = (method: string, path: string, body?: unknown) => s.api.request(method, path, body);

/** What each gateway saves: a token its front end would give, or raw card details where it takes them. */
const GATEWAYS: { gateway: string; method: () => Record<string, unknown>; last4: string }[] = [
  { gateway: 'stripe', method: () => ({ token: 'tok_visa' }), last4: '4242' },
  { gateway: 'square', method: () => ({ token: s.square.issueNonce() }), last4: '1111' },
  {
    gateway: 'paypal',
    method: () => ({ card: { number: '4111111111111111', exp_month: 12, exp_year: 2035, cvc: '123' } }),
    last4: '1111',
  },
];

/** Whether the gateway itself still has the card saved, asked of the gateway (its sandbox). */
async function stillSaved(gateway: string, reference: string): Promise<boolean> {
  if (gateway === 'stripe') return Boolean(s.stripe.state.paymentMethods.get(reference)?.object['customer']);
  if (gateway === 'paypal') return s.paypal.store.vaultTokens.has(reference);
  const res = await fetch(`${s.square.url}/v2/cards/${encodeURIComponent(reference)}`, {
    headers: { authorization: `Bearer ${SQUARE_SANDBOX_DEFAULTS.accessToken}` },
  });
  return ((await res.json()) as { card?: { enabled?: boolean } }).card?.enabled === true;
}

describeDb(`customers and saved payment methods ${dbLabel}`, () => {
  it('creates, reads, lists, updates and deletes a customer, naming what is wrong', async () => {
    const created = await call('POST', '/v1/customers', {
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      phone: '+15555550100',
      metadata: { crm: 'c-1' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ object: 'customer', email: 'ada@example.com', mode: 'test' });
    const id = created.body.id;
    expect((await call('GET', `/v1/customers/${id}`)).body.name).toBe('Ada Lovelace');
    const updated = await call('POST', `/v1/customers/${id}`, { phone: null, metadata: { tier: 'gold' } });
    expect(updated.body).toMatchObject({ phone: null, metadata: { crm: 'c-1', tier: 'gold' } });
    const listed = await call('GET', '/v1/customers?email=ada@example.com');
    expect(listed.body.data.map((c: { id: string }) => c.id)).toContain(id);
    const bad = await call('POST', '/v1/customers', { email: 'not-an-email', phone: 'call me' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/email/);
    expect((await call('DELETE', `/v1/customers/${id}`)).body).toEqual({
      id,
      object: 'customer',
      deleted: true,
    });
    expect((await call('GET', `/v1/customers/${id}`)).status).toBe(404);
  });

  describe.each(GATEWAYS)('on $gateway', ({ gateway, method, last4 }) => {
    it('saves a card, charges it twice (once off-session), deletes it, and it is gone at the gateway', async () => {
      const customer = (
        await call('POST', '/v1/customers', { email: `${gateway}@example.com`, name: 'Grace Hopper' })
      ).body;
      const saved = await call('POST', `/v1/customers/${customer.id}/payment_methods`, {
        gateway,
        payment_method: method(),
      });
      expect(saved.status).toBe(201);
      expect(saved.body).toMatchObject({
        object: 'saved_payment_method',
        gateway,
        status: 'active',
        card: { last4 },
      });
      const methodId = saved.body.id;
      const listed = await call('GET', `/v1/customers/${customer.id}/payment_methods`);
      expect(listed.body.data.map((m: { id: string }) => m.id)).toEqual([methodId]);

      const pay = (extra: Record<string, unknown>) =>
        call('POST', '/v1/payments', {
          amount: 2500,
          currency: 'usd',
          customer_id: customer.id,
          payment_method_id: methodId,
          ...extra,
        });
      const first = await pay({});
      const second = await pay({ off_session: true, capture_method: 'manual' });
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(first.body).toMatchObject({
        status: 'captured',
        gateway,
        customer_id: customer.id,
        saved_payment_method_id: methodId,
        payment_method: { last4 },
      });
      expect(second.body.status).toBe('authorized');

      const other = GATEWAYS.find((g) => g.gateway !== gateway)?.gateway;
      const elsewhere = await pay({ gateway: other });
      expect(elsewhere.status).toBe(400);
      expect(elsewhere.body.error).toMatchObject({
        param: 'payment_method_id',
        code: 'payment_method_connection_mismatch',
      });

      const gatewayReference = await referenceOf(methodId);
      expect(await stillSaved(gateway, gatewayReference)).toBe(true);
      const deleted = await call('DELETE', `/v1/customers/${customer.id}/payment_methods/${methodId}`);
      expect(deleted.body).toMatchObject({ id: methodId, deleted: true });
      expect((await call('GET', `/v1/customers/${customer.id}/payment_methods`)).body.data).toEqual([]);
      expect(await stillSaved(gateway, gatewayReference)).toBe(false);
      const after = await pay({});
      expect(after.status).toBe(400);
      expect(after.body.error.param).toBe('payment_method_id');
    }, 60_000);
  });

  it('deleting a customer deletes it at the gateway with its cards', async () => {
    const customer = (await call('POST', '/v1/customers', { name: 'Erase Me' })).body;
    const saved = await call('POST', `/v1/customers/${customer.id}/payment_methods`, {
      gateway: 'stripe',
      payment_method: { token: 'tok_mastercard' },
    });
    const reference = await referenceOf(saved.body.id);
    const stripeCustomer = s.stripe.state.paymentMethods.get(reference)?.object['customer'] as string;
    expect(stripeCustomer).toMatch(/^cus_/);
    expect((await call('DELETE', `/v1/customers/${customer.id}`)).status).toBe(200);
    expect(s.stripe.state.deletedCustomers.has(stripeCustomer)).toBe(true);
    expect(s.stripe.state.paymentMethods.get(reference)?.object['customer']).toBeNull();
  });

  it('refuses off_session without a saved card, and a saved card of another customer', async () => {
    const a = (await call('POST', '/v1/customers', { name: 'A' })).body;
    const b = (await call('POST', '/v1/customers', { name: 'B' })).body;
    const saved = (
      await call('POST', `/v1/customers/${a.id}/payment_methods`, {
        gateway: 'stripe',
        payment_method: { token: 'tok_visa' },
      })
    ).body;
    const off = await call('POST', '/v1/payments', {
      amount: 100,
      currency: 'usd',
      payment_method: { token: 'pm_card_visa' },
      off_session: true,
    });
    expect(off.body.error.param).toBe('off_session');
    const stranger = await call('POST', '/v1/payments', {
      amount: 100,
      currency: 'usd',
      customer_id: b.id,
      payment_method_id: saved.id,
    });
    expect(stranger.status).toBe(400);
    expect(stranger.body.error.param).toBe('payment_method_id');
    const half = await call('POST', '/v1/payments', {
      amount: 100,
      currency: 'usd',
      payment_method_id: saved.id,
    });
    expect(half.body.error.param).toBe('customer_id');
  });
});

/** The gateway's reference for a saved method, as Payrail stored it. */
async function referenceOf(methodId: string): Promise<string> {
  const row = await s.api.app
    .get(DataSource)
    .createQueryBuilder()
    .select('m.gateway_reference', 'reference')
    .from('saved_payment_methods', 'm')
    .where('m.id = :id', { id: methodId })
    .getRawOne<{ reference: string }>();
  return row?.reference ?? '';
}
