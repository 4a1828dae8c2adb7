import { DataSource } from 'typeorm';
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

/** The row as stored, read without listing the customer's cards (listing asks the gateway too). */
async function storedStatus(methodId: string): Promise<string | undefined> {
  const [row] = (await s.api.app
    .get(DataSource)
    .query(
      `SELECT status FROM saved_payment_methods WHERE id = ${s.api.database.kind === 'postgres' ? '$1' : '?'}`,
      [methodId],
    )) as { status: string }[];
  return row?.status;
}

describeDb(`a Stripe card saved while 3-D Secure is pending ${dbLabel}`, () => {
  it('becomes active on setup_intent.succeeded, before anyone lists the cards, and then charges off-session', async () => {
    const customer = (await call('POST', '/v1/customers', { email: 'three.ds@example.com' })).body;
    const saved = await call('POST', `/v1/customers/${customer.id}/payment_methods`, {
      gateway: 'stripe',
      payment_method: { token: 'pm_card_authenticationRequiredOnSetup' },
    });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ status: 'requires_action', next_action: { type: 'redirect_to_url' } });
    const refused = await call('POST', '/v1/payments', {
      amount: 1200,
      currency: 'usd',
      customer_id: customer.id,
      payment_method_id: saved.body.id,
      off_session: true,
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);

    const setup = [...s.stripe.state.setupIntents.values()].find(
      (si) => si.object['status'] === 'requires_action',
    );
    s.stripe.authenticate(String(setup?.object.id), 'succeed');
    let status: string | undefined;
    for (let i = 0; i < 100 && status !== 'active'; i++) {
      status = await storedStatus(saved.body.id);
      if (status !== 'active') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe('active');

    const charged = await call('POST', '/v1/payments', {
      amount: 1200,
      currency: 'usd',
      customer_id: customer.id,
      payment_method_id: saved.body.id,
      off_session: true,
    });
    expect(charged).toMatchObject({ status: 201, body: { status: 'captured', gateway: 'stripe' } });
  }, 60_000);
});
