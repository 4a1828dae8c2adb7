import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStripeSandbox, type StripeSandbox } from '@payrail/sandbox/stripe';
import { provisionTestDatabase, type TestDatabase } from '@payrail/testing';
import {
  buildApi,
  cli,
  createApiKey,
  readyStatus,
  startProxy,
  startServer,
  waitUntil,
  type ServerProcess,
} from './support/processes';
import { describePostgresAndRedis, redisTestUrl } from './support/services';

/**
 * The process lifecycle, on the built API as a child process: one server per SQLite folder, the
 * split roles, a SIGTERM that drains without failing a request in flight, and readiness that
 * follows PostgreSQL, Redis and the schema.
 */
jest.setTimeout(120_000);
beforeAll(() => buildApi(), 240_000);

const running: ServerProcess[] = [];
afterEach(() => {
  for (const server of running.splice(0)) if (server.child.exitCode === null) server.child.kill('SIGKILL');
});

describe('one server per SQLite data folder', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'payrail-lock-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses a second server on the folder, saying why, while the CLI still works beside the first', async () => {
    const first = await startServer('first', { PAYRAIL_DATA_DIR: dataDir });
    running.push(first);
    const second = await startServer('second', { PAYRAIL_DATA_DIR: dataDir }, { waitReady: false });
    running.push(second);
    expect(await second.exited).toBe(75);
    expect(second.output()).toContain(
      `another Payrail server is already running on the data folder ${dataDir}`,
    );
    expect(second.output()).toContain('use PostgreSQL (DATABASE_URL)');
    // The one-off commands open the database beside the running server.
    expect(cli(['migrate'], { PAYRAIL_DATA_DIR: dataDir }).status).toBe(0);
    expect(createApiKey({ PAYRAIL_DATA_DIR: dataDir })).toMatch(/^pr_test_/);
    expect(await readyStatus(first.url)).toBe(200);
    // The lock goes with the process, however it ends.
    first.child.kill('SIGKILL');
    await first.exited;
    const third = await startServer('third', { PAYRAIL_DATA_DIR: dataDir });
    running.push(third);
    expect(await readyStatus(third.url)).toBe(200);
  });

  it('a worker answers its probes and metrics only', async () => {
    expect(cli(['migrate'], { PAYRAIL_DATA_DIR: dataDir }).status).toBe(0);
    const worker = await startServer('worker', { PAYRAIL_DATA_DIR: dataDir, PAYRAIL_ROLE: 'worker' });
    running.push(worker);
    const ready = await fetch(`${worker.url}/health/ready`);
    expect(await ready.json()).toMatchObject({ status: 'ok', role: 'worker' });
    expect((await fetch(`${worker.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${worker.url}/metrics`)).status).toBe(200);
    for (const path of ['/v1/payments', '/docs', '/admin/me', '/'])
      expect([path, (await fetch(`${worker.url}${path}`)).status]).toEqual([path, 404]);
  });
});

describe('SIGTERM drains', () => {
  let stripe: StripeSandbox;
  let dataDir: string;
  beforeAll(async () => {
    stripe = await startStripeSandbox({ port: 0 });
    dataDir = mkdtempSync(join(tmpdir(), 'payrail-drain-'));
  });
  afterAll(async () => {
    await stripe?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('turns readiness 503 at once, finishes the request in flight, then exits', async () => {
    const server = await startServer('api', {
      PAYRAIL_DATA_DIR: dataDir,
      PAYRAIL_SANDBOX: 'on',
      PAYRAIL_PLUGINS: 'stripe',
      PAYRAIL_SANDBOX_STRIPE_PORT: String(stripe.port),
      PAYRAIL_SHUTDOWN_DELAY_MS: '1000',
      PAYRAIL_SHUTDOWN_GRACE_MS: '15000',
    });
    running.push(server);
    const key = createApiKey({ PAYRAIL_DATA_DIR: dataDir });
    // The gateway takes 2.5 s to answer, so the payment is in flight for the whole delay.
    stripe.setLatency(2500);
    const payment = fetch(`${server.url}/v1/payments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'idempotency-key': 'drain-1',
      },
      body: JSON.stringify({
        amount: 1234,
        currency: 'usd',
        gateway: 'stripe',
        capture_method: 'automatic',
        payment_method: { token: 'pm_card_visa' },
      }),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    // Readiness turns 503 when the process handles the signal, which a loaded machine can put off
    // past any fixed pause; the listener then stays open for the 1 s delay, so polling catches it.
    const deadline = Date.now() + 2000;
    let during = await fetch(`${server.url}/health/ready`);
    while (during.status !== 503 && Date.now() < deadline) {
      await during.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 25));
      during = await fetch(`${server.url}/health/ready`);
    }
    expect(during.status).toBe(503);
    expect(await during.json()).toMatchObject({ status: 'unavailable', reason: 'shutting down' });
    expect(during.headers.get('connection')).toBe('close');
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
    const answered = await payment;
    expect(answered.status).toBe(201);
    expect(await answered.json()).toMatchObject({ status: 'captured', amount: 1234 });
    expect(await server.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(15_000);
    stripe.setLatency(0);
  });
});

describePostgresAndRedis('readiness follows PostgreSQL, Redis and the schema', () => {
  let database: TestDatabase;
  beforeAll(async () => (database = await provisionTestDatabase('postgres')));
  afterAll(async () => database?.drop());

  it('is 503 within 10 s of PostgreSQL or Redis going away, recovers when they return, and stays live', async () => {
    const pgUrl = new URL(database.databaseUrl!);
    const redisUrl = new URL(redisTestUrl());
    const pg = await startProxy(pgUrl.hostname, Number(pgUrl.port || 5432));
    const redis = await startProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
    try {
      pgUrl.hostname = '127.0.0.1';
      pgUrl.port = String(pg.port);
      redisUrl.hostname = '127.0.0.1';
      redisUrl.port = String(redis.port);
      const server = await startServer('api', {
        PAYRAIL_DATA_DIR: database.dataDir,
        DATABASE_URL: pgUrl.toString(),
        REDIS_URL: redisUrl.toString(),
        PAYRAIL_QUEUE_PREFIX: `deploy-ready-${process.pid}`,
      });
      running.push(server);
      for (const [name, proxy] of [
        ['PostgreSQL', pg],
        ['Redis', redis],
      ] as const) {
        await proxy.cut();
        const down = await waitUntil(server, (s) => s === 503, 10_000);
        expect([name, down]).toEqual([name, expect.any(Number)]);
        expect(down).toBeLessThan(10_000);
        expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
        const report = (await (await fetch(`${server.url}/health/ready`)).json()) as { reason: string };
        expect(report.reason).toContain(name === 'PostgreSQL' ? 'database' : 'Redis');
        await proxy.restore();
        await waitUntil(server, (s) => s === 200, 20_000);
      }
    } finally {
      await pg.close();
      await redis.close();
    }
  });

  it('an api instance on a schema that is behind is not ready until `payrail migrate` has run', async () => {
    const env = {
      PAYRAIL_DATA_DIR: database.dataDir,
      DATABASE_URL: database.databaseUrl!,
      REDIS_URL: redisTestUrl(),
      PAYRAIL_QUEUE_PREFIX: `deploy-schema-${process.pid}`,
    };
    const fresh = await provisionTestDatabase('postgres');
    try {
      const behind = { ...env, DATABASE_URL: fresh.databaseUrl!, PAYRAIL_ROLE: 'api' };
      const server = await startServer('api', behind, { waitReady: false });
      running.push(server);
      await waitUntil(server, (s) => s === 503, 30_000);
      const report = (await (await fetch(`${server.url}/health/ready`)).json()) as { reason: string };
      expect(report.reason).toContain('schema is behind');
      const migrated = cli(['migrate'], behind);
      expect(migrated.stdout).toMatch(/migrations are up to date \(\d+ ran now\)/);
      await waitUntil(server, (s) => s === 200, 15_000);
    } finally {
      await fresh.drop();
    }
  });
});
