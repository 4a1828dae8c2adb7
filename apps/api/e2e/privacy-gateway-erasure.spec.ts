import { DataSource } from 'typeorm';
import { SQUARE_SANDBOX_DEFAULTS } from '@payrail/sandbox/square';
import { adminSession, type AdminRequest } from './admin-session';
import { dbLabel, describeDb } from './harness';
import { startSandboxedApi, type SandboxedApi } from './sandboxes';

let s: SandboxedApi;
let owner: AdminRequest;

beforeAll(async () => {
  s = await startSandboxedApi({ PAYRAIL_JOB_POLL_MS: '20' });
  owner = (await adminSession(s.api, [{ role: 'owner', merchantId: null }])).request;
}, 90_000);

afterAll(async () => {
  await s?.close();
});

const call = (method: string, path: string, body?: unknown) => s.api.request(method, path, body);

describeDb(`erasure deletes the subject's customers at the gateways ${dbLabel}`, () => {
  it('deletes the Stripe and Square customers once, and lists the manual step for PayPal', async () => {
    const email = 'grace.erasure@example.org';
    const customer = (await call('POST', '/v1/customers', { email, name: 'Grace Erasure' })).body;
    const methods = [
      { gateway: 'stripe', payment_method: { token: 'tok_visa' } },
      { gateway: 'square', payment_method: { token: s.square.issueNonce() } },
      {
        gateway: 'paypal',
        payment_method: { card: { number: '4111111111111111', exp_month: 12, exp_year: 2035, cvc: '123' } },
      },
    ];
    for (const method of methods)
      expect((await call('POST', `/v1/customers/${customer.id}/payment_methods`, method)).status).toBe(201);
    const profiles: Array<{ gateway: string; ref: string }> = await s.api.app
      .get(DataSource)
      .query('SELECT gateway, gateway_customer_reference AS ref FROM customer_gateway_profiles');
    expect(profiles.map((p) => p.gateway).sort()).toEqual(['paypal', 'square', 'stripe']);
    const created = await owner('POST', '/admin/privacy/requests', {
      type: 'erasure',
      regime: 'gdpr',
      subject: { email },
      merchant_id: s.api.merchantId,
    });
    expect(created.status).toBe(201);
    const deadline = Date.now() + 30_000;
    let request = created.body;
    while (request.status !== 'completed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      request = (await owner('GET', `/admin/privacy/requests/${created.body.id}`)).body;
    }
    expect(request.status).toBe('completed');
    const byGateway = Object.fromEntries(
      request.gateway_erasure.map((g: { gateway: string; status: string; tries: number }) => [g.gateway, g]),
    );
    expect(byGateway.stripe).toMatchObject({ status: 'erased', tries: 1 });
    expect(byGateway.square).toMatchObject({ status: 'erased', tries: 1 });
    expect(byGateway.paypal).toMatchObject({ status: 'manual', tries: 1 });
    expect(byGateway.paypal.detail).toMatch(/no API to erase the payer's own PayPal account/);
    expect(s.stripe.state.deletedCustomers.size).toBe(1);
    for (const profile of profiles.filter((p) => p.gateway === 'square')) {
      const res = await fetch(`${s.square.url}/v2/customers/${encodeURIComponent(profile.ref)}`, {
        headers: { authorization: `Bearer ${SQUARE_SANDBOX_DEFAULTS.accessToken}` },
      });
      expect(res.status).toBe(404);
    }
    expect((await call('GET', `/v1/customers/${customer.id}`)).status).toBe(404);
  }, 90_000);
});
