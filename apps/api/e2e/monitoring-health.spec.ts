import { randomUUID } from 'node:crypto';
import { adminSession, type AdminRequest } from './admin-session';
import { dbLabel, describeDb } from './harness';
import { startSandboxedApi, type SandboxedApi } from './sandboxes';
import { GatewayHealthService } from '../src/monitoring/gateway-health.service';

let env: SandboxedApi;
let admin: AdminRequest;

beforeAll(async () => {
  env = await startSandboxedApi({ PAYRAIL_HEALTH_CHECK_INTERVAL_MS: '3600000' });
  admin = (await adminSession(env.api, [{ role: 'owner', merchantId: null }])).request;
}, 60_000);

afterAll(async () => {
  await env?.close();
});

describeDb(`gateway health ${dbLabel}`, () => {
  it('checks every connection, combines checks with live calls, and marks a failing gateway down', async () => {
    const health = env.api.app.get(GatewayHealthService);
    await health.checkAll();
    for (let i = 0; i < 3; i++)
      await env.api.request(
        'POST',
        '/v1/payments',
        {
          amount: 1000,
          currency: 'usd',
          capture_method: 'manual',
          gateway: 'stripe',
          payment_method: { token: i ? 'pm_card_visa' : 'pm_card_chargeDeclined' },
        },
        { 'idempotency-key': randomUUID() },
      );
    const list = await admin('GET', '/admin/monitoring/gateways');
    expect(list.status).toBe(200);
    const stripe = list.body.data.find((c: { gateway: string }) => c.gateway === 'stripe');
    expect(stripe).toMatchObject({
      status: 'healthy',
      calls: 3,
      declines: 1,
      success_rate: 1,
      error_rate: 0,
      circuit: { state: 'closed' },
    });
    expect(stripe.latency_ms.p50).toEqual(expect.any(Number));
    expect(stripe.last_check.healthy).toBe(true);
    expect(list.body.data.map((c: { gateway: string }) => c.gateway).sort()).toEqual([
      'paypal',
      'square',
      'stripe',
    ]);

    await fetch(`${env.stripe.url}/_sandbox/unavailable`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ratio: 1 }),
    });
    await health.checkAll();
    let detail = await admin('GET', `/admin/monitoring/gateways/${stripe.connection_id}?window=24h`);
    expect(detail.body).toMatchObject({ status: 'degraded', status_reason: 'the last health check failed' });
    await health.checkAll();
    await health.checkAll();
    detail = await admin('GET', `/admin/monitoring/gateways/${stripe.connection_id}?window=24h`);
    expect(detail.body).toMatchObject({
      status: 'down',
      status_reason: 'the last three health checks failed',
      window: '24h',
    });
    // Hourly buckets over the day, aligned to the hour (the first may be partial).
    expect([24, 25]).toContain(detail.body.series.length);
    expect(detail.body.series.reduce((n: number, b: { calls: number }) => n + b.calls, 0)).toBe(3);
    expect(detail.body.health_checks.slice(0, 3).every((c: { healthy: boolean }) => !c.healthy)).toBe(true);
    // The bucket with the calls carries what the console's charts draw: volume, declines, rates, percentiles.
    const busy = detail.body.series.filter((b: { calls: number }) => b.calls > 0);
    expect(busy.reduce((n: number, b: { declines: number }) => n + b.declines, 0)).toBe(1);
    for (const bucket of busy) {
      expect(bucket).toMatchObject({ success_rate: 1, error_rate: 0 });
      expect(bucket.p50_ms).toEqual(expect.any(Number));
      expect(bucket.p50_ms).toBeLessThanOrEqual(bucket.p95_ms);
      expect(bucket.p95_ms).toBeLessThanOrEqual(bucket.p99_ms);
    }
    const week = await admin('GET', `/admin/monitoring/gateways/${stripe.connection_id}?window=7d`);
    // Six-hour buckets over the week.
    expect([28, 29]).toContain(week.body.series.length);
    expect(week.body.series.reduce((n: number, b: { calls: number }) => n + b.calls, 0)).toBe(3);
    const empty = week.body.series.find((b: { calls: number }) => b.calls === 0);
    expect(empty).toMatchObject({ success_rate: null, error_rate: null, p50_ms: null, p99_ms: null });

    expect((await admin('GET', `/admin/monitoring/gateways/${stripe.connection_id}?window=2d`)).status).toBe(
      400,
    );
    expect((await admin('GET', '/admin/monitoring/gateways/conn_missing')).status).toBe(404);
  }, 60_000);
});
