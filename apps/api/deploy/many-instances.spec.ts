import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { startStripeSandbox, type StripeSandbox } from '@payrail/sandbox/stripe';
import { provisionTestDatabase, type TestDatabase } from '@payrail/testing';
import { startBalancer, type Balancer } from './support/balancer';
import { buildApi, cli, createApiKey, startServer, type ServerProcess } from './support/processes';
import { describePostgresAndRedis, redisTestUrl } from './support/services';

/**
 * Many instances, one truth: two `api` and two `worker` processes on one PostgreSQL schema and
 * one Redis prefix, behind a load balancer that is also where the Stripe sandbox sends its
 * webhooks. 1,000 payments, a worker killed with SIGKILL in the middle.
 */
const PAYMENTS = 1000;
const CONCURRENCY = 12;
const RECOVERY_INTERVAL_MS = 2000;
jest.setTimeout(600_000);

describePostgresAndRedis('many instances on PostgreSQL and Redis', () => {
  let database: TestDatabase;
  let stripe: StripeSandbox;
  let balancer: Balancer;
  let receiver: Server;
  const received: Array<{ id: string; type: string }> = [];
  const apis: ServerProcess[] = [];
  const workers: ServerProcess[] = [];
  const prefix = `deploy-many-${process.pid}-${Date.now()}`;
  let env: Record<string, string>;
  let key = '';
  let db: Client;

  const start = (name: string, role: 'api' | 'worker', port?: number) =>
    startServer(name, { ...env, PAYRAIL_ROLE: role }, { port });

  beforeAll(() => buildApi(), 400_000);

  beforeAll(async () => {
    database = await provisionTestDatabase('postgres');
    stripe = await startStripeSandbox({ port: 0 });
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const event = JSON.parse(body) as { id: string; type: string };
        received.push({ id: event.id, type: event.type });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    // The balancer's address is known before the instances: it is the public URL they register.
    balancer = await startBalancer([]);
    env = {
      PAYRAIL_DATA_DIR: database.dataDir,
      DATABASE_URL: database.databaseUrl!,
      REDIS_URL: redisTestUrl(),
      PAYRAIL_QUEUE_PREFIX: prefix,
      PAYRAIL_SANDBOX: 'on',
      PAYRAIL_PLUGINS: 'stripe',
      PAYRAIL_SANDBOX_STRIPE_PORT: String(stripe.port),
      PAYRAIL_PUBLIC_URL: balancer.url,
      PAYRAIL_WEBHOOK_ALLOW_HTTP_LOOPBACK: 'on',
      PAYRAIL_WEBHOOK_RETRY_SCHEDULE_MS: '500,1000',
      PAYRAIL_RECOVERY_INTERVAL_MS: String(RECOVERY_INTERVAL_MS),
      PAYRAIL_API_KEY_RATE_LIMIT: 'off',
      // Longer than the balancer needs to see readiness 503 on this shared, loaded machine.
      PAYRAIL_SHUTDOWN_DELAY_MS: '3000',
      PAYRAIL_SHUTDOWN_GRACE_MS: '15000',
    };
    expect(cli(['migrate'], env).status).toBe(0);
    // One after the other: the first seeds the sandbox connection and registers its webhook.
    for (const name of ['api1', 'api2']) apis.push(await start(name, 'api'));
    apis.forEach((api, i) => balancer.setBackend(i, api.url));
    workers.push(...(await Promise.all([start('worker1', 'worker'), start('worker2', 'worker')])));
    key = createApiKey(env);
    db = new Client({ connectionString: database.databaseUrl });
    await db.connect();
  }, 400_000);

  afterAll(async () => {
    for (const server of [...apis, ...workers])
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await db?.end();
    await balancer?.close();
    await stripe?.close();
    await new Promise((resolve) => receiver?.close(resolve));
    await database?.drop();
  });

  const call = async (method: string, path: string, body?: unknown, idempotencyKey?: string) => {
    const response = await fetch(`${balancer.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await db.query(sql, params)).rows[0].count);

  it('1,000 payments across both APIs, a worker killed mid-run: every webhook applied once, every event delivered, nothing lost', async () => {
    const endpoint = await call('POST', '/v1/webhook_endpoints', {
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      event_types: ['*'],
    });
    expect(endpoint.status).toBe(201);
    const sweepStarted = Date.now();
    const statuses = new Map<number, number>();
    let sent = 0;
    let killedAt = 0;
    const run = async () => {
      while (sent < PAYMENTS) {
        const n = sent++;
        if (n === Math.floor(PAYMENTS * 0.4) && !killedAt) {
          killedAt = Date.now();
          workers[0].child.kill('SIGKILL');
        }
        const answer = await call(
          'POST',
          '/v1/payments',
          {
            amount: 1000 + n,
            currency: 'usd',
            gateway: 'stripe',
            capture_method: 'automatic',
            payment_method: { token: 'pm_card_visa' },
            metadata: { run: prefix, n: String(n) },
          },
          `${prefix}-${n}`,
        );
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, run));
    expect(Object.fromEntries(statuses)).toEqual({ 201: PAYMENTS });
    expect(await workers[0].exited).toBe('SIGKILL');
    expect(apis.map((a) => a.child.exitCode)).toEqual([null, null]);

    // Everything settles on the surviving worker.
    const payments = await count(`SELECT COUNT(*) FROM payments WHERE status = 'captured'`);
    expect(payments).toBe(PAYMENTS);
    const settled = async () => {
      const open = await count(`SELECT COUNT(*) FROM webhook_deliveries WHERE state <> 'succeeded'`);
      const inbox = await count(`SELECT COUNT(*) FROM webhook_inbox WHERE state = 'received'`);
      const relayed = await count(`SELECT COUNT(*) FROM webhook_outbox WHERE dispatched_at IS NULL`);
      return open + inbox + relayed === 0;
    };
    const deadline = Date.now() + 180_000;
    while (!(await settled()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1000));
    expect(await settled()).toBe(true);

    // Inbound: every event the sandbox delivered is in the inbox once, applied once.
    const delivered = new Set(
      stripe.webhookAttempts.filter((a) => a.status && a.status < 300).map((a) => a.eventId),
    );
    expect(delivered.size).toBeGreaterThanOrEqual(PAYMENTS);
    const inbox = (await db.query(`SELECT gateway_event_id, state, replays FROM webhook_inbox`)).rows;
    expect(new Set(inbox.map((r) => r.gateway_event_id))).toEqual(delivered);
    expect(inbox.length).toBe(delivered.size);
    expect(inbox.filter((r) => !['applied', 'ignored'].includes(r.state))).toEqual([]);
    expect(inbox.filter((r) => r.replays !== 0)).toEqual([]);

    // Outbound: one delivery per event and endpoint, succeeded; the endpoint saw every event. A
    // delivery the killed worker was sending may have reached the endpoint before it died and be
    // sent again (at least once): at most its concurrency (4) arrive twice.
    const events = await count(`SELECT COUNT(*) FROM webhook_outbox`);
    const deliveries = (await db.query(`SELECT event_id, state FROM webhook_deliveries`)).rows;
    expect(deliveries.length).toBe(events);
    expect(new Set(deliveries.map((d) => d.event_id)).size).toBe(events);
    const ids = received.map((r) => r.id);
    expect(new Set(ids).size).toBe(events);
    expect(ids.length - new Set(ids).size).toBeLessThanOrEqual(4);

    // No job lost or dead on any queue.
    const queueNames = ['webhooks.deliver', 'payments.recovery'];
    for (const name of queueNames) {
      const queue = new Queue(name, { connection: { url: redisTestUrl() } as never, prefix });
      try {
        // The surviving worker still offers the recovery sweep every interval: read past a sweep
        // that is just queued or running. Jobs the killed worker held stay active until their lock
        // (a delivery's 60 s lease) lapses and BullMQ's stall check (every 30 s) hands them to the
        // survivor; one that is lost stays and fails this.
        const quietBy = Date.now() + 120_000;
        let counts = await queue.getJobCounts('failed', 'waiting', 'active');
        while (counts['waiting'] + counts['active'] > 0 && Date.now() < quietBy) {
          await new Promise((r) => setTimeout(r, 250));
          counts = await queue.getJobCounts('failed', 'waiting', 'active');
        }
        expect([name, counts]).toEqual([name, { failed: 0, waiting: 0, active: 0 }]);
        if (name === 'payments.recovery') {
          // The sweep: once per interval however many workers offered it.
          const sweeps = await queue.getJobs(['completed'], 0, -1);
          const buckets = sweeps.map((j) => j.id);
          expect(new Set(buckets).size).toBe(buckets.length);
          const intervals = Math.ceil((Date.now() - sweepStarted) / RECOVERY_INTERVAL_MS) + 2;
          expect(sweeps.length).toBeLessThanOrEqual(intervals);
          expect(sweeps.length).toBeGreaterThanOrEqual(Math.floor(intervals / 3));
        }
      } finally {
        await queue.close();
      }
    }
  });
});
