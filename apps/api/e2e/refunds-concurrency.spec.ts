import { dbLabel, describeDb } from './harness';
import { startSandboxedApi, type SandboxedApi } from './sandboxes';

let env: SandboxedApi;

describeDb(`concurrent refunds of a payment captured in parts ${dbLabel}`, () => {
  beforeAll(async () => {
    env = await startSandboxedApi();
  }, 60_000);

  afterAll(async () => {
    await env?.close();
  });

  it('refunds per capture on PayPal: 40 racing refunds of 100 against ten captures of 100 end as ten refunds', async () => {
    const { api } = env;
    const created = await api.request('POST', '/v1/payments', {
      amount: 1000,
      currency: 'usd',
      capture_method: 'manual',
      gateway: 'paypal',
      payment_method: { card: { number: '4111111111111111', exp_month: 12, exp_year: 2030, cvc: '123' } },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    for (let i = 0; i < 10; i++) {
      const captured = await api.request('POST', `/v1/payments/${id}/capture`, {
        amount: 100,
        final: i === 9,
      });
      expect(captured.status).toBe(200);
    }
    expect((await api.request('GET', `/v1/payments/${id}`)).body).toMatchObject({
      status: 'captured',
      amount_captured: 1000,
    });

    const answers = await Promise.all(
      Array.from({ length: 40 }, () => api.request('POST', `/v1/payments/${id}/refunds`, { amount: 100 })),
    );
    const statuses = answers.map((a) => a.status);
    // The same as ten refunds one after another: ten made, the rest refused as nothing is left.
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    for (const refused of answers.filter((a) => a.status !== 201)) {
      expect([400, 409]).toContain(refused.status);
      expect(refused.body.error.code).not.toBe('internal_error');
    }
    const payment = (await api.request('GET', `/v1/payments/${id}`)).body;
    expect(payment).toMatchObject({ status: 'refunded', amount_refunded: 1000 });
    const refunds = (await api.request('GET', `/v1/payments/${id}/refunds`)).body.data as Array<{
      status: string;
      amount: number;
    }>;
    expect(refunds.filter((r) => r.status === 'succeeded')).toHaveLength(10);
    expect(refunds.every((r) => r.status === 'succeeded' || r.status === 'failed')).toBe(true);
  }, 90_000);
});
