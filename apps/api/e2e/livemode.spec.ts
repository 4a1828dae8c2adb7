import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiKeyService } from '@payrail/identity';
import { ConnectionService } from '@payrail/gateways';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { OutboxService } from '@payrail/webhooks';
import { LivemodeSeparation1770600000000 } from '../src/migrations/1770600000000-livemode-separation';
import { adminSession, type AdminRequest } from './admin-session';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

/** A loopback receiver that keeps the event types it was sent, per path. */
async function startReceiver() {
  const received: Array<{ path: string; body: any }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(body) });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const until = async <T>(probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
};

// Assembled at run time, so no literal in the repository looks like a live credential.
const liveMemoryKey = () => ['mem', 'live', 'SpecOnlyConnection01'].join('_');

const manual = (extra: Record<string, unknown> = {}) => ({
  amount: 5000,
  currency: 'usd',
  capture_method: 'manual',
  payment_method: { token: 'tok_ok' },
  ...extra,
});

let api: TestApi;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let liveSecret: string;
let admin: AdminRequest;

beforeAll(async () => {
  receiver = await startReceiver();
  api = await startTestApi({
    memory: true,
    env: { PAYRAIL_JOB_POLL_MS: '50', PAYRAIL_WEBHOOK_ALLOW_HTTP_LOOPBACK: 'on' },
  });
  liveSecret = (await api.app.get(ApiKeyService).create({ merchantId: api.merchantId, mode: 'live' })).secret;
  admin = (await adminSession(api, [{ role: 'owner', merchantId: null }])).request;
}, 60_000);

afterAll(async () => {
  await api?.close();
  await receiver.close();
});

const test = (name: string, fn: (api: TestApi) => Promise<void>) => it(name, async () => fn(api), 40_000);

/** A request with the merchant's live-mode key. */
const live = (
  api: TestApi,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => api.request(method, path, body, { authorization: `Bearer ${liveSecret}`, ...headers });

describeDb(`test and live data never mix ${dbLabel}`, () => {
  let liveConnectionId: string;
  let testPaymentId: string;
  let livePaymentId: string;
  const endpointIds = { test: '', live: '' };

  test('a live key gets 403 livemode_mismatch for a connection or gateway that exists only in test mode', async (api) => {
    const byId = await live(api, 'POST', '/v1/payments', manual({ connection_id: api.memoryConnectionId }));
    expect(byId.status).toBe(403);
    expect(byId.body.error).toMatchObject({
      type: 'permission_error',
      code: 'livemode_mismatch',
      param: 'connection_id',
    });
    const byGateway = await live(api, 'POST', '/v1/payments', manual({ gateway: 'memory' }));
    expect(byGateway.status).toBe(403);
    expect(byGateway.body.error).toMatchObject({ code: 'livemode_mismatch', param: 'gateway' });
    const byDefault = await live(api, 'POST', '/v1/payments', manual());
    expect(byDefault.status).toBe(403);
    expect(byDefault.body.error.code).toBe('livemode_mismatch');
    // Nothing reached the gateway and nothing was stored.
    expect(api.memory?.performed['authorize'] ?? 0).toBe(0);
    expect((await live(api, 'GET', '/v1/payments')).body.data).toEqual([]);
  });

  test('each mode pays on its own connection, and its default stays its own', async (api) => {
    const connection = await api.app.get(ConnectionService).create({
      merchantId: api.merchantId,
      gateway: 'memory',
      mode: 'live',
      values: { apiKey: liveMemoryKey() },
      isDefault: true,
    });
    liveConnectionId = connection.id;
    const livePayment = await live(api, 'POST', '/v1/payments', manual());
    expect(livePayment.status).toBe(201);
    expect(livePayment.body).toMatchObject({ mode: 'live', connection_id: liveConnectionId });
    livePaymentId = livePayment.body.id;
    // The live default did not take the test default away.
    const testPayment = await api.request('POST', '/v1/payments', manual());
    expect(testPayment.status).toBe(201);
    expect(testPayment.body).toMatchObject({ mode: 'test', connection_id: api.memoryConnectionId });
    testPaymentId = testPayment.body.id;
    // Naming a gateway picks that mode's connection of it.
    const byGateway = await live(api, 'POST', '/v1/payments', manual({ gateway: 'memory' }));
    expect(byGateway.body).toMatchObject({ mode: 'live', connection_id: liveConnectionId });
  });

  test("a key naming the other mode's connection gets 403, both ways", async (api) => {
    const testOnLive = await api.request('POST', '/v1/payments', manual({ connection_id: liveConnectionId }));
    expect(testOnLive.status).toBe(403);
    expect(testOnLive.body.error.code).toBe('livemode_mismatch');
    const liveOnTest = await live(
      api,
      'POST',
      '/v1/payments',
      manual({ connection_id: api.memoryConnectionId }),
    );
    expect(liveOnTest.status).toBe(403);
    expect(liveOnTest.body.error.code).toBe('livemode_mismatch');
  });

  test('lists show only the key’s mode', async (api) => {
    const testList = await api.request('GET', '/v1/payments?limit=100');
    expect(testList.body.data.length).toBeGreaterThan(0);
    expect(testList.body.data.every((p: { mode: string }) => p.mode === 'test')).toBe(true);
    expect(testList.body.data.map((p: { id: string }) => p.id)).not.toContain(livePaymentId);
    const liveList = await live(api, 'GET', '/v1/payments?limit=100');
    expect(liveList.body.data.length).toBeGreaterThan(0);
    expect(liveList.body.data.every((p: { mode: string }) => p.mode === 'live')).toBe(true);
    expect(liveList.body.data.map((p: { id: string }) => p.id)).not.toContain(testPaymentId);
  });

  for (const [method, suffix] of [
    ['GET', ''],
    ['GET', '/events'],
    ['GET', '/refunds'],
    ['POST', '/capture'],
    ['POST', '/void'],
    ['POST', '/refunds'],
  ]) {
    test(`${method} /v1/payments/{id}${suffix} of the other mode's payment answers 404`, async (api) => {
      const body = method === 'POST' ? {} : undefined;
      const liveReadsTest = await live(api, method, `/v1/payments/${testPaymentId}${suffix}`, body);
      expect(liveReadsTest.status).toBe(404);
      expect(liveReadsTest.body.error.code).toBe('resource_missing');
      const testReadsLive = await api.request(method, `/v1/payments/${livePaymentId}${suffix}`, body);
      expect(testReadsLive.status).toBe(404);
      expect(testReadsLive.body.error.code).toBe('resource_missing');
    });
  }

  test('the payments are untouched by the refused commands of the other mode', async (api) => {
    expect((await api.request('GET', `/v1/payments/${testPaymentId}`)).body.status).toBe('authorized');
    expect((await live(api, 'GET', `/v1/payments/${livePaymentId}`)).body.status).toBe('authorized');
  });

  test('an Idempotency-Key used by a test key never replays its answer to a live key', async (api) => {
    const key = { 'idempotency-key': `mode-${Date.now()}` };
    const first = await api.request('POST', '/v1/payments', manual(), key);
    expect(first.status).toBe(201);
    const other = await live(api, 'POST', '/v1/payments', manual(), key);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(other.body.id).not.toBe(first.body.id);
    expect(JSON.stringify(other.body)).not.toContain(first.body.id);
  });

  test('test events reach test endpoints only, live events live endpoints only', async (api) => {
    const testEndpoint = await api.request('POST', '/v1/webhook_endpoints', {
      url: `${receiver.url}/test`,
      event_types: ['payment.captured'],
    });
    expect(testEndpoint.body.mode).toBe('test');
    const liveEndpoint = await live(api, 'POST', '/v1/webhook_endpoints', {
      url: `${receiver.url}/live`,
      event_types: ['payment.captured'],
    });
    expect(liveEndpoint.status).toBe(201);
    expect(liveEndpoint.body.mode).toBe('live');
    endpointIds.test = testEndpoint.body.id;
    endpointIds.live = liveEndpoint.body.id;

    // Each key sees its own mode's endpoints only; the other's is not found.
    const testEndpoints = await api.request('GET', '/v1/webhook_endpoints');
    expect(testEndpoints.body.data.map((e: { id: string }) => e.id)).toEqual([testEndpoint.body.id]);
    const liveEndpoints = await live(api, 'GET', '/v1/webhook_endpoints');
    expect(liveEndpoints.body.data.map((e: { id: string }) => e.id)).toEqual([liveEndpoint.body.id]);
    expect((await api.request('GET', `/v1/webhook_endpoints/${liveEndpoint.body.id}`)).status).toBe(404);
    expect((await live(api, 'GET', `/v1/webhook_endpoints/${testEndpoint.body.id}/deliveries`)).status).toBe(
      404,
    );
    expect((await live(api, 'DELETE', `/v1/webhook_endpoints/${testEndpoint.body.id}`)).status).toBe(404);
    const patched = await api.request('PATCH', `/v1/webhook_endpoints/${liveEndpoint.body.id}`, {
      enabled: false,
    });
    expect(patched.status).toBe(404);

    const testCaptured = await api.request('POST', `/v1/payments/${testPaymentId}/capture`, {});
    expect(testCaptured.body.status).toBe('captured');
    const liveCaptured = await live(api, 'POST', `/v1/payments/${livePaymentId}/capture`, {});
    expect(liveCaptured.body.status).toBe('captured');
    await until(async () => receiver.received.length >= 2);
    // Let the relay run a few more passes: a wrong delivery would show up here.
    await new Promise((r) => setTimeout(r, 1500));
    const byPath = (path: string) => receiver.received.filter((r) => r.path === path).map((r) => r.body);
    expect(byPath('/test').map((e) => e.data.object.id)).toEqual([testPaymentId]);
    expect(byPath('/test')[0]).toMatchObject({ livemode: false });
    expect(byPath('/live').map((e) => e.data.object.id)).toEqual([livePaymentId]);
    expect(byPath('/live')[0]).toMatchObject({ livemode: true });
    const deliveries = await api.app
      .get(OutboxService)
      .listDeliveries({ merchantIds: 'all', endpointId: liveEndpoint.body.id, limit: 50 });
    expect(deliveries).toHaveLength(1);
  });

  test('the console filters payments by mode', async () => {
    const liveOnly = await admin('GET', '/admin/payments?mode=live&page_size=100');
    expect(liveOnly.status).toBe(200);
    expect(liveOnly.body.data.length).toBeGreaterThan(0);
    expect(liveOnly.body.data.every((p: { mode: string }) => p.mode === 'live')).toBe(true);
    const testOnly = await admin('GET', '/admin/payments?mode=test&page_size=100');
    expect(testOnly.body.data.every((p: { mode: string }) => p.mode === 'test')).toBe(true);
    expect(testOnly.body.total + liveOnly.body.total).toBe(
      (await admin('GET', '/admin/payments?page_size=1')).body.total,
    );
    const bad = await admin('GET', '/admin/payments?mode=sandbox');
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('mode');
  });

  test("the dashboard shows one mode's payments at a time, never test and live summed", async () => {
    const count = async (mode: string) =>
      (await admin('GET', `/admin/payments?mode=${mode}&page_size=1`)).body.total as number;
    const attempts = (dashboard: { gateways: Array<{ attempts: number }> }) =>
      dashboard.gateways.reduce((sum, g) => sum + g.attempts, 0);
    const liveDashboard = await admin('GET', '/admin/dashboard?mode=live');
    expect(liveDashboard.status).toBe(200);
    expect(liveDashboard.body.mode).toBe('live');
    expect(attempts(liveDashboard.body)).toBe(await count('live'));
    const testDashboard = await admin('GET', '/admin/dashboard');
    expect(testDashboard.body.mode).toBe('test');
    expect(attempts(testDashboard.body)).toBe(await count('test'));
    expect(await count('live')).toBeGreaterThan(0);
    const bad = await admin('GET', '/admin/dashboard?mode=both');
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('mode');
  });

  test('the migration gives existing endpoints and events the mode of what made them', async (api) => {
    const refund = await live(api, 'POST', `/v1/payments/${livePaymentId}/refunds`, { amount: 100 });
    expect(refund.status).toBe(201);
    const dataSource = api.app.get<DataSource>(getDataSourceToken());
    // Back to the schema before the migration (no mode anywhere), with this data in it, and forward again.
    const runner = dataSource.createQueryRunner();
    try {
      const migration = new LivemodeSeparation1770600000000();
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    const endpoints: Array<{ id: string; mode: string }> = await dataSource.query(
      'SELECT id, mode FROM webhook_endpoints',
    );
    expect(Object.fromEntries(endpoints.map((e) => [e.id, e.mode]))).toEqual({
      [endpointIds.test]: 'test',
      [endpointIds.live]: 'live',
    });
    const events: Array<{ resource_id: string; mode: string }> = await dataSource.query(
      'SELECT resource_id, mode FROM webhook_outbox',
    );
    const modeOf = (resourceId: string) => [
      ...new Set(events.filter((e) => e.resource_id === resourceId).map((e) => e.mode)),
    ];
    expect(modeOf(testPaymentId)).toEqual(['test']);
    expect(modeOf(livePaymentId)).toEqual(['live']);
    expect(modeOf(refund.body.id)).toEqual(['live']);
  });
});
