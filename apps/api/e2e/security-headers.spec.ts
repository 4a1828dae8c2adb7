import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminSession, type AdminRequest } from './admin-session';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

// Built at run time, so nothing here looks like a stored credential.
const METRICS_TOKEN = `metrics-${'7'.repeat(24)}`;

let api: TestApi;
let admin: AdminRequest;
let consoleDir: string;

beforeAll(async () => {
  consoleDir = mkdtempSync(join(tmpdir(), 'payrail-console-'));
  writeFileSync(
    join(consoleDir, 'index.html'),
    '<!doctype html><title>console</title><script src="main.js"></script>',
  );
  writeFileSync(join(consoleDir, 'main.js'), 'void 0;');
  api = await startTestApi({
    memory: true,
    env: { PAYRAIL_CONSOLE_DIR: consoleDir, PAYRAIL_METRICS_TOKEN: METRICS_TOKEN },
  });
  admin = (await adminSession(api, [{ role: 'owner', merchantId: null }])).request;
}, 60_000);

afterAll(async () => {
  await api?.close();
  rmSync(consoleDir, { recursive: true, force: true });
});

const test = (name: string, fn: (api: TestApi) => Promise<void>) => it(name, async () => fn(api), 40_000);

const directive = (headers: Headers, name: string) =>
  (headers.get('content-security-policy') ?? '')
    .split('; ')
    .find((d) => d.startsWith(`${name} `))
    ?.split(' ')
    .slice(1);

function expectHardened(path: string, headers: Headers): void {
  expect([path, headers.get('x-content-type-options')]).toEqual([path, 'nosniff']);
  expect([path, headers.get('referrer-policy')]).toEqual([path, 'no-referrer']);
  expect([path, headers.get('x-frame-options')]).toEqual([path, 'DENY']);
  expect([path, directive(headers, 'frame-ancestors')]).toEqual([path, ["'none'"]]);
}

describeDb(`security headers on every answer ${dbLabel}`, () => {
  test('every /v1 and /admin answer, success or error, is hardened and never stored by a cache', async (api) => {
    const answers: Array<[string, Headers]> = [];
    const merchant = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
      answers.push([`${method} ${path}`, (await api.request(method, path, body, headers)).headers]);
    await merchant('GET', '/v1/payments');
    await merchant('POST', '/v1/payments', { amount: -1 });
    await merchant('POST', '/v1/payments', '{bad');
    await merchant('GET', '/v1/payments/pay_missing');
    await merchant('GET', '/v1/payments', undefined, { authorization: 'Bearer nope' });
    await merchant('POST', '/v1/webhook_endpoints', { url: 'http://127.0.0.1:9/x', event_types: ['*'] });
    await merchant('GET', '/v1/nothing-here');
    const created = await admin('POST', '/admin/api-keys', {
      merchant_id: api.merchantId,
      name: 'headers spec',
      mode: 'test',
    });
    expect(created.body.secret).toMatch(/^pr_test_/);
    answers.push(['POST /admin/api-keys', created.headers]);
    answers.push(['GET /admin/me', (await admin('GET', '/admin/me')).headers]);
    answers.push(['GET /admin/me (signed out)', (await fetch(`${api.url}/admin/me`)).headers]);
    const login = await fetch(`${api.url}/admin/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'null',
    });
    answers.push(['POST /admin/auth/login', login.headers]);
    for (const [path, headers] of answers) {
      expectHardened(path, headers);
      expect([path, headers.get('cache-control')]).toEqual([path, 'no-store']);
      expect([path, directive(headers, 'default-src')]).toEqual([path, ["'none'"]]);
    }
  });

  test("the console's pages may run their own scripts, never inline ones, and may not be framed", async (api) => {
    for (const path of ['/', '/payments/pay_123', '/main.js']) {
      const page = await fetch(`${api.url}${path}`, { headers: { accept: 'text/html' } });
      expect([path, page.status]).toEqual([path, 200]);
      expectHardened(path, page.headers);
      expect([path, directive(page.headers, 'script-src')]).toEqual([path, ["'self'"]]);
      expect([path, directive(page.headers, 'object-src')]).toEqual([path, ["'none'"]]);
    }
    const docs = await fetch(`${api.url}/docs`);
    expect(directive(docs.headers, 'script-src')).toEqual(["'self'"]);
    expectHardened('/docs', docs.headers);
  });

  test('/metrics answers only its bearer token when PAYRAIL_METRICS_TOKEN is set', async (api) => {
    const none = await fetch(`${api.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(((await none.json()) as any).error).toMatchObject({
      code: 'unauthenticated',
      request_id: expect.stringMatching(/^req_/),
    });
    for (const authorization of [
      `Bearer ${METRICS_TOKEN}x`,
      `Bearer ${METRICS_TOKEN.slice(1)}`,
      METRICS_TOKEN,
      `Basic ${METRICS_TOKEN}`,
    ])
      expect((await fetch(`${api.url}/metrics`, { headers: { authorization } })).status).toBe(401);
    const scraped = await fetch(`${api.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/^# HELP /m);
    expectHardened('/metrics', scraped.headers);
  });
});
