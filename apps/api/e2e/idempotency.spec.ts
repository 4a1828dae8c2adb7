import { RecoveryService } from '@payrail/payments';
import { IN_MEMORY_TIMEOUT_TOKEN } from '@payrail/plugin-sdk/testing';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ memory: true });
}, 60_000);

afterAll(async () => {
  await api?.close();
});

const body = (amount = 5000) => ({
  amount,
  currency: 'usd',
  capture_method: 'manual',
  payment_method: { token: 'tok_ok' },
});

describeDb(`Idempotency-Key and recovery ${dbLabel}`, () => {
  it('replays the first response for the same key and body, without a second gateway call', async () => {
    const memory = api.memory!;
    const before = memory.performed['authorize'] ?? 0;
    const first = await api.request('POST', '/v1/payments', body(), { 'idempotency-key': 'order-1001' });
    const second = await api.request('POST', '/v1/payments', body(), { 'idempotency-key': 'order-1001' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect((memory.performed['authorize'] ?? 0) - before).toBe(1);
  });

  it('answers 422 idempotency_mismatch for the same key with another body or path, with no gateway call', async () => {
    const memory = api.memory!;
    await api.request('POST', '/v1/payments', body(), { 'idempotency-key': 'order-1002' });
    const calls = memory.received['authorize'];
    const other = await api.request('POST', '/v1/payments', body(5001), { 'idempotency-key': 'order-1002' });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_mismatch');
    const otherPath = await api.request('POST', '/v1/payments/pay_x/void', undefined, {
      'idempotency-key': 'order-1002',
    });
    expect(otherPath.status).toBe(422);
    expect(memory.received['authorize']).toBe(calls);
  });

  it('sends 50 concurrent identical requests to the gateway exactly once', async () => {
    const memory = api.memory!;
    memory.latencyMs = 150;
    const before = memory.received['authorize'] ?? 0;
    try {
      const responses = await Promise.all(
        Array.from({ length: 50 }, () =>
          api!.request('POST', '/v1/payments', body(777), { 'idempotency-key': 'order-concurrent' }),
        ),
      );
      const ok = responses.filter((r) => r.status === 201);
      for (const r of responses) expect([201, 409]).toContain(r.status);
      expect(ok.length).toBeGreaterThan(0);
      expect(new Set(ok.map((r) => r.body.id)).size).toBe(1);
      expect((memory.received['authorize'] ?? 0) - before).toBe(1);
    } finally {
      memory.latencyMs = 0;
    }
  }, 60_000);

  it('keeps keys per merchant, and forgets a key whose request failed validation', async () => {
    const invalid = await api.request(
      'POST',
      '/v1/payments',
      { ...body(), amount: 0 },
      { 'idempotency-key': 'order-1003' },
    );
    expect(invalid.status).toBe(400);
    const valid = await api.request('POST', '/v1/payments', body(), { 'idempotency-key': 'order-1003' });
    expect(valid.status).toBe(201);
  });

  it('never refunds more than was captured under 20 concurrent partial refunds', async () => {
    const memory = api.memory!;
    const { body: payment } = await api.request('POST', '/v1/payments', {
      ...body(10000),
      capture_method: 'automatic',
    });
    expect(payment.status).toBe('captured');
    memory.latencyMs = 30;
    try {
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          api!.request('POST', `/v1/payments/${payment.id}/refunds`, { amount: 1500 }),
        ),
      );
      const succeeded = responses.filter((r) => r.status === 201);
      expect(succeeded).toHaveLength(6);
      for (const r of responses.filter((r) => r.status !== 201)) expect([400, 409]).toContain(r.status);
    } finally {
      memory.latencyMs = 0;
    }
    const after = await api.request('GET', `/v1/payments/${payment.id}`);
    expect(after.body.amount_refunded).toBe(9000);
    const gatewayView = memory.payments.get(after.body.gateway_reference)!;
    expect(gatewayView.amountRefunded).toBe(9000);
  }, 60_000);

  it('leaves a timed-out authorization unknown, then recovery settles it from the gateway with no second charge', async () => {
    const memory = api.memory!;
    const before = memory.performed['authorize'] ?? 0;
    const created = await api.request('POST', '/v1/payments', {
      ...body(4200),
      payment_method: { token: IN_MEMORY_TIMEOUT_TOKEN },
    });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('unknown');
    const report = await api.app.get(RecoveryService).sweep({ force: true, paymentId: created.body.id });
    expect(report.settled).toBe(1);
    const settled = await api.request('GET', `/v1/payments/${created.body.id}`);
    expect(settled.body.status).toBe('authorized');
    expect(settled.body.amount_capturable).toBe(4200);
    expect((memory.performed['authorize'] ?? 0) - before).toBe(1);
    const events = await api.request('GET', `/v1/payments/${created.body.id}/events`);
    expect(events.body.data.map((e: { type: string }) => e.type)).toContain('recovery');
  });
});
