import { Client } from 'pg';
import { startStripeSandbox, type StripeSandbox } from '@payrail/sandbox/stripe';
import { provisionTestDatabase, type TestDatabase } from '@payrail/testing';
import { startBalancer, type Balancer } from './support/balancer';
import { buildApi, cli, createApiKey, startServer, type ServerProcess } from './support/processes';
import { describePostgresAndRedis, redisTestUrl } from './support/services';

/**
 * A rolling restart under load: two `api` processes and a worker on PostgreSQL and Redis behind
 * a balancer that routes by readiness, a steady 20 requests/s of real payments (authorize, then
 * capture, each with an Idempotency-Key) for the whole run, while api1 and then api2 are
 * stopped with SIGTERM and started again. Clients see no 5xx and no reset, the stopped
 * instances exit 0 within their grace, and every payment ends captured, here and at the gateway.
 */
const REQUESTS_PER_SECOND = 20;
/** The balancer's readiness check interval; the drain delay (the default) is several of them. */
const HEALTH_INTERVAL_MS = 500;
const SHUTDOWN_DELAY_MS = 3000;
const SHUTDOWN_GRACE_MS = 15000;
jest.setTimeout(240_000);

interface Outcome {
  flow: number;
  step: 'authorize' | 'capture';
  /** The HTTP status, or the client's error code when no answer came (a reset). */
  status: number | string;
  at: number;
  ms: number;
  /** The instance that answered (the balancer says). */
  upstream?: string;
}

describePostgresAndRedis('a rolling restart of both APIs under a steady load', () => {
  let database: TestDatabase;
  let stripe: StripeSandbox;
  let balancer: Balancer;
  let db: Client;
  let env: Record<string, string>;
  let key = '';
  const apis: ServerProcess[] = [];
  let worker: ServerProcess;
  const prefix = `deploy-rolling-${process.pid}-${Date.now()}`;
  const timeline: Array<[number, string]> = [];

  beforeAll(() => buildApi(), 400_000);

  beforeAll(async () => {
    database = await provisionTestDatabase('postgres');
    stripe = await startStripeSandbox({ port: 0 });
    balancer = await startBalancer([], { healthIntervalMs: HEALTH_INTERVAL_MS });
    env = {
      PAYRAIL_DATA_DIR: database.dataDir,
      DATABASE_URL: database.databaseUrl!,
      REDIS_URL: redisTestUrl(),
      PAYRAIL_QUEUE_PREFIX: prefix,
      PAYRAIL_SANDBOX: 'on',
      PAYRAIL_PLUGINS: 'stripe',
      PAYRAIL_SANDBOX_STRIPE_PORT: String(stripe.port),
      // The sandbox's webhooks come back through the balancer too: more clients of the restart.
      PAYRAIL_PUBLIC_URL: balancer.url,
      PAYRAIL_API_KEY_RATE_LIMIT: 'off',
      PAYRAIL_SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS),
      PAYRAIL_SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS),
    };
    expect(cli(['migrate'], env).status).toBe(0);
    // The first seeds the sandbox connection and registers its webhook; then the others, together.
    apis.push(await startServer('api1', { ...env, PAYRAIL_ROLE: 'api' }));
    const [api2, started] = await Promise.all([
      startServer('api2', { ...env, PAYRAIL_ROLE: 'api' }),
      startServer('worker', { ...env, PAYRAIL_ROLE: 'worker' }),
    ]);
    apis.push(api2);
    worker = started;
    apis.forEach((api, i) => balancer.setBackend(i, api.url));
    key = createApiKey(env);
    db = new Client({ connectionString: database.databaseUrl });
    await db.connect();
  }, 400_000);

  afterAll(async () => {
    for (const server of [...apis, worker])
      if (server && server.child.exitCode === null && server.child.signalCode === null)
        server.child.kill('SIGKILL');
    await db?.end();
    await balancer?.close();
    await stripe?.close();
    await database?.drop();
  });

  const post = async (path: string, body: unknown, idempotencyKey: string) => {
    const response = await fetch(`${balancer.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'idempotency-key': idempotencyKey,
      },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      upstream: response.headers.get('x-upstream') ?? undefined,
      body: (await response.json()) as { id?: string; status?: string },
    };
  };

  /** Authorize, then capture: two requests, each recorded with its status or the client's error. */
  const flow = async (n: number, outcomes: Outcome[]) => {
    let sent = Date.now();
    const record = (step: Outcome['step'], status: Outcome['status'], upstream?: string) => {
      outcomes.push({ flow: n, step, status, at: sent, ms: Date.now() - sent, upstream });
    };
    let paymentId: string | undefined;
    try {
      const authorized = await post(
        '/v1/payments',
        {
          amount: 2000 + n,
          currency: 'usd',
          gateway: 'stripe',
          capture_method: 'manual',
          payment_method: { token: 'pm_card_visa' },
          metadata: { run: prefix, n: String(n) },
        },
        `${prefix}-${n}-authorize`,
      );
      record('authorize', authorized.status, authorized.upstream);
      paymentId = authorized.body.id;
    } catch (error) {
      return record('authorize', clientError(error));
    }
    if (!paymentId) return;
    sent = Date.now();
    try {
      const captured = await post(`/v1/payments/${paymentId}/capture`, {}, `${prefix}-${n}-capture`);
      record('capture', captured.status, captured.upstream);
    } catch (error) {
      record('capture', clientError(error));
    }
  };

  /** SIGTERM, the exit, then the same instance started again on its port and back in the pool. */
  const restart = async (index: number) => {
    const old = apis[index];
    const signalled = Date.now();
    timeline.push([signalled, `${old.name} SIGTERM`]);
    old.child.kill('SIGTERM');
    // The balancer sees readiness 503 and stops routing before the listener closes.
    while (balancer.isRouting(old.url)) await new Promise((resolve) => setTimeout(resolve, 25));
    const outOfPoolMs = Date.now() - signalled;
    timeline.push([Date.now(), `${old.name} out of the pool`]);
    const code = await old.exited;
    const drainMs = Date.now() - signalled;
    timeline.push([Date.now(), `${old.name} exited ${code}`]);
    const fresh = await startServer(old.name, { ...env, PAYRAIL_ROLE: 'api' }, { port: old.port });
    timeline.push([Date.now(), `${old.name} ready again`]);
    apis[index] = fresh;
    while (!balancer.isRouting(fresh.url)) await new Promise((resolve) => setTimeout(resolve, 25));
    timeline.push([Date.now(), `${old.name} back in the pool`]);
    return { name: old.name, code, outOfPoolMs, drainMs, output: old.output() };
  };

  it('answers no 5xx and resets no connection, the stopped APIs exit 0 within the grace, every payment ends captured', async () => {
    const outcomes: Outcome[] = [];
    const flows: Promise<void>[] = [];
    // Open loop: a new payment every 100 ms whatever the answers take, two requests each.
    const everyMs = 2000 / REQUESTS_PER_SECOND;
    const loadStarted = Date.now();
    const load = setInterval(() => flows.push(flow(flows.length, outcomes)), everyMs);
    try {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const restarts = [];
      for (const index of [0, 1]) {
        restarts.push(await restart(index));
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
      for (const r of restarts) {
        expect([r.name, r.code]).toEqual([r.name, 0]);
        expect(r.drainMs).toBeLessThan(SHUTDOWN_GRACE_MS);
        // Out of the pool within the delay, before the listener closed: the rule the docs give.
        expect(r.outOfPoolMs).toBeLessThan(SHUTDOWN_DELAY_MS);
        expect(r.output).not.toContain('the shutdown grace is over');
      }
    } finally {
      clearInterval(load);
    }
    const loadMs = Date.now() - loadStarted;
    await Promise.all(flows);
    // What happened when, for whoever reads a failure: the restarts against the slowest answers.
    const times = outcomes.map((o) => o.ms).sort((a, b) => a - b);
    const t0 = loadStarted;
    process.stdout.write(
      `[rolling] ${outcomes.length} requests in ${loadMs} ms, median ${times[times.length >> 1]} ms, ` +
        `slowest ${times.at(-1)} ms; webhook attempts given up by the sandbox: ` +
        `${stripe.webhookAttempts.filter((a) => !a.status).length}\n` +
        timeline.map(([at, what]) => `[rolling] +${at - t0} ms ${what}\n`).join('') +
        balancer.resets.map((r) => `[rolling] +${r.at - t0} ms reset ${JSON.stringify(r)}\n`).join(''),
    );

    // What the clients saw: every authorization 201, every capture 200.
    const failures = outcomes.filter((o) => typeof o.status !== 'number' || o.status >= 500);
    expect(failures).toEqual([]);
    expect(balancer.stats).toMatchObject({ resets: 0, noBackend: 0 });
    const byStep = (step: Outcome['step']) =>
      outcomes
        .filter((o) => o.step === step)
        .reduce<Record<string, number>>(
          (seen, o) => ({ ...seen, [o.status]: (seen[o.status] ?? 0) + 1 }),
          {},
        );
    expect(byStep('authorize')).toEqual({ 201: flows.length });
    expect(byStep('capture')).toEqual({ 200: flows.length });
    // The load was steady: close to 20 requests/s for the whole run.
    expect(flows.length * 2).toBeGreaterThan((loadMs / 1000) * REQUESTS_PER_SECOND * 0.8);
    // The restarted instances took traffic again.
    for (const api of apis) expect(balancer.answered.get(api.url) ?? 0).toBeGreaterThan(0);

    // Every payment is captured once, in full, here and at the gateway.
    const rows = (
      await db.query(
        `SELECT status, amount, amount_captured, gateway_reference FROM payments WHERE mode = 'test'`,
      )
    ).rows as Array<{ status: string; amount: string; amount_captured: string; gateway_reference: string }>;
    expect(rows.length).toBe(flows.length);
    expect(
      rows.filter((r) => r.status !== 'captured' || Number(r.amount_captured) !== Number(r.amount)),
    ).toEqual([]);
    const intents = new Map(stripe.state.listPaymentIntents().map((intent) => [intent.id, intent]));
    expect(intents.size).toBe(flows.length);
    for (const row of rows)
      expect([row.gateway_reference, intents.get(row.gateway_reference)?.status]).toEqual([
        row.gateway_reference,
        'succeeded',
      ]);
    // The sandbox's webhooks are clients of the restart too: none answered 5xx or reset. (On a
    // loaded machine one may outlast the sandbox's 5 s timeout: it gives up and retries, as Stripe does.)
    expect(
      stripe.webhookAttempts.filter((a) => (a.status ? a.status >= 500 : !/aborted/.test(a.error ?? ''))),
    ).toEqual([]);

    // And the rest stop cleanly too.
    const running = [...apis, worker];
    for (const server of running) server.child.kill('SIGTERM');
    expect(await Promise.all(running.map((s) => s.exited))).toEqual([0, 0, 0]);
  });
});

function clientError(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as Error).message;
}
