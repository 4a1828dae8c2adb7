import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startStripeSandbox, STRIPE_SANDBOX_DEFAULTS, type StripeSandbox } from '@payrail/sandbox/stripe';
import {
  describeWithDatabase,
  provisionTestDatabase,
  testDatabaseKind,
  type TestDatabase,
} from '@payrail/testing';
import { freePort } from './sandboxes';

/**
 * The crash test: the built API, as a child process on this run's database, is killed
 * (SIGKILL, by the test-only fault point) after Stripe's sandbox accepted a capture and before
 * Payrail committed it. Restarted, its recovery job must settle the payment with no second capture.
 */
function workspaceRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) dir = dirname(dir);
  return dir;
}

const root = workspaceRoot();
let sandbox: StripeSandbox;
let database: TestDatabase | undefined;
let port: number;
let child: ChildProcess | null = null;
let apiKey = '';

const baseEnv = () => ({
  ...process.env,
  NODE_ENV: 'test',
  PORT: String(port),
  HOST: '127.0.0.1',
  PAYRAIL_DATA_DIR: database!.dataDir,
  PAYRAIL_PLUGINS: 'stripe',
  PAYRAIL_SANDBOX: 'on',
  PAYRAIL_SANDBOX_HOST: '127.0.0.1',
  PAYRAIL_SANDBOX_STRIPE_PORT: new URL(sandbox.url).port,
  PAYRAIL_PUBLIC_URL: `http://127.0.0.1:${port}`,
  PAYRAIL_ADMIN_EMAIL: 'owner@example.com',
  PAYRAIL_ADMIN_PASSWORD: 'correct-horse-battery-staple',
  PAYRAIL_CONSOLE_DIR: 'off',
  PAYRAIL_GATEWAY_TIMEOUT_MS: '1000',
  PAYRAIL_RECOVERY_INTERVAL_MS: '500',
  PAYRAIL_JOB_POLL_MS: '100',
  LOG_LEVEL: 'warn',
  // PostgreSQL: a schema of its own, chosen by the URL's search_path, shared by both starts.
  DATABASE_URL: database!.databaseUrl ?? '',
  REDIS_URL: '',
});

function startApi(extra: Record<string, string> = {}): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [join(root, 'dist/apps/api/main.js')], {
    cwd: root,
    env: { ...baseEnv(), ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout?.on('data', (d) => (output += d));
  proc.stderr?.on('data', (d) => (output += d));
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 30_000;
    const poll = async () => {
      if (proc.exitCode !== null)
        return reject(new Error(`the API exited (${proc.exitCode}): ${output.slice(-2000)}`));
      try {
        const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
        if (ready.ok) return resolve(proc);
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        return reject(new Error(`the API did not become ready: ${output.slice(-2000)}`));
      }
      setTimeout(poll, 200);
    };
    void poll();
  });
}

const api = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as any };
};

const stripe = async (path: string) => {
  const response = await fetch(`${sandbox.url}${path}`, {
    headers: { authorization: `Bearer ${STRIPE_SANDBOX_DEFAULTS.secretKey}` },
  });
  return (await response.json()) as any;
};

beforeAll(async () => {
  const build = spawnSync('npx', ['nx', 'build', 'api'], {
    cwd: root,
    env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NX_TUI: 'false' },
    encoding: 'utf8',
  });
  if (build.status !== 0)
    throw new Error(`nx build api failed: ${build.stdout.slice(-3000)}${build.stderr.slice(-3000)}`);
  sandbox = await startStripeSandbox({ port: 0 });
  database = await provisionTestDatabase();
  port = await freePort();
  const created = spawnSync(
    process.execPath,
    [join(root, 'dist/apps/api/cli.js'), 'api-key', 'create', '--merchant', 'default', '--mode', 'test'],
    { cwd: root, env: baseEnv(), encoding: 'utf8' },
  );
  if (created.status !== 0) throw new Error(`api-key create failed: ${created.stderr}`);
  apiKey = created.stdout.trim().split('\n').at(-1)!.trim();
}, 180_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  await sandbox?.close();
  await database?.drop();
});

describeWithDatabase()(
  `recovery after the API is killed mid-capture (${testDatabaseKind()}, built API)`,
  () => {
    it('settles the payment after a restart, and the gateway shows exactly one capture', async () => {
      child = await startApi({ PAYRAIL_FAULT_INJECTION: 'after_gateway_capture' });
      const created = await api('POST', '/v1/payments', {
        amount: 4321,
        currency: 'usd',
        capture_method: 'manual',
        payment_method: { token: 'pm_card_visa' },
      });
      expect(created.status).toBe(201);
      expect(created.body.status).toBe('authorized');
      const paymentId = created.body.id as string;
      const intent = created.body.gateway_reference as string;

      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child!.once('exit', (_code, signal) => resolve(signal)),
      );
      await expect(api('POST', `/v1/payments/${paymentId}/capture`, {})).rejects.toThrow();
      expect(await exited).toBe('SIGKILL');
      // Stripe captured; Payrail never committed it.
      expect((await stripe(`/v1/payment_intents/${intent}`)).status).toBe('succeeded');

      child = await startApi();
      const deadline = Date.now() + 30_000;
      let payment: any;
      while (Date.now() < deadline) {
        payment = (await api('GET', `/v1/payments/${paymentId}`)).body;
        const timeline = (await api('GET', `/v1/payments/${paymentId}/events`)).body.data as Array<{
          type: string;
        }>;
        if (payment.status === 'captured' && timeline.some((e) => e.type === 'recovery')) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(payment).toMatchObject({ status: 'captured', amount_captured: 4321 });
      const timeline = (await api('GET', `/v1/payments/${paymentId}/events`)).body.data as Array<{
        type: string;
        operation: string | null;
        outcome: string | null;
      }>;
      expect(timeline.some((e) => e.type === 'recovery' && e.operation === 'capture')).toBe(true);

      const charges = (await stripe(`/v1/charges?payment_intent=${intent}`)).data as Array<{
        amount_captured: number;
        captured: boolean;
      }>;
      expect(charges).toHaveLength(1);
      expect(charges[0]).toMatchObject({ captured: true, amount_captured: 4321 });
      const captureEvents = (
        (await stripe('/v1/events?limit=100')).data as Array<{
          type: string;
          data: { object: { payment_intent?: string } };
        }>
      ).filter((e) => e.type === 'charge.captured' && e.data.object.payment_intent === intent);
      expect(captureEvents.length).toBeLessThanOrEqual(1);
    }, 90_000);
  },
);
