import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fromGatewayStatus, type FaultPoint } from '@payrail/payments';
import type { GatewayConnection, GatewayPaymentSnapshot, PaymentGateway } from '@payrail/plugin-sdk';
import { PAYPAL_DESCRIPTOR, PayPalGateway } from '@payrail/plugin-paypal';
import { SQUARE_DESCRIPTOR, SquareGateway } from '@payrail/plugin-square';
import { STRIPE_DESCRIPTOR, StripeGateway } from '@payrail/plugin-stripe';
import { startPayPalSandbox, type PayPalSandbox } from '@payrail/sandbox/paypal';
import { startSquareSandbox, type SquareSandbox } from '@payrail/sandbox/square';
import { startStripeSandbox, type StripeSandbox } from '@payrail/sandbox/stripe';
import {
  describeWithDatabase,
  provisionTestDatabase,
  testDatabaseKind,
  type TestDatabase,
} from '@payrail/testing';
import { freePort } from './sandboxes';

/**
 * The crash matrix: the built API, as a child process, is killed (SIGKILL, by the test-only
 * fault point) in each of the four money operations on each gateway, once after the attempt
 * was committed and before the gateway was called, once after the gateway answered and before
 * Payrail committed the answer. Restarted, its recovery must leave every payment as the
 * gateway holds it, or flagged for review: never `failed` while the gateway holds money.
 */
function workspaceRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) dir = dirname(dir);
  return dir;
}

type Gateway = 'stripe' | 'paypal' | 'square';
type Operation = 'authorize' | 'capture' | 'void' | 'refund';
type Point = 'before' | 'after';
interface Case {
  gateway: Gateway;
  operation: Operation;
  point: Point;
  label: string;
}

const GATEWAYS: Gateway[] = ['stripe', 'paypal', 'square'];
const OPERATIONS: Operation[] = ['authorize', 'capture', 'void', 'refund'];
const ALL: Case[] = GATEWAYS.flatMap((gateway) =>
  OPERATIONS.flatMap((operation) =>
    (['before', 'after'] as const).map((point) => ({
      gateway,
      operation,
      point,
      label: `${gateway} ${operation}, killed ${point} the gateway call`,
    })),
  ),
);
// On PostgreSQL each operation once, at one of the two points: the database-specific parts
// (row locks, the claim updates) are the same for every gateway, but all three run.
const POSTGRES_SUBSET = ['authorize_after', 'capture_before', 'void_after', 'refund_after'];

const caseId = (c: Case) => `${c.gateway}_${c.operation}_${c.point}`;

const root = workspaceRoot();
const postgres = testDatabaseKind() === 'postgres';
const cases = postgres ? ALL.filter((c) => POSTGRES_SUBSET.includes(`${c.operation}_${c.point}`)) : ALL;
/** One crash per operation and point: the three gateways' calls all wait at the point, then the process dies. */
const crashes = [...new Set(cases.map((c) => `${c.operation}_${c.point}`))].map((key) => ({
  key,
  cases: cases.filter((c) => `${c.operation}_${c.point}` === key),
}));

const PAYMENT_METHODS: Record<Gateway, Record<string, unknown>> = {
  stripe: { token: 'pm_card_visa' },
  paypal: { card: { number: '4111111111111111', exp_month: 12, exp_year: 2030, cvc: '123' } },
  square: { token: 'cnon:card-nonce-ok' },
};

let stripe: StripeSandbox;
let paypal: PayPalSandbox;
let square: SquareSandbox;
let database: TestDatabase | undefined;
let port: number;
let child: ChildProcess | null = null;
let apiKey = '';
/** The payment each case made, found again by its metadata when the crash swallowed the answer. */
const paymentOf = new Map<string, string>();

const baseEnv = () => ({
  ...process.env,
  NODE_ENV: 'test',
  PORT: String(port),
  HOST: '127.0.0.1',
  PAYRAIL_DATA_DIR: database!.dataDir,
  PAYRAIL_PLUGINS: 'stripe,paypal,square',
  PAYRAIL_SANDBOX: 'on',
  PAYRAIL_SANDBOX_HOST: '127.0.0.1',
  PAYRAIL_SANDBOX_STRIPE_PORT: new URL(stripe.url).port,
  PAYRAIL_SANDBOX_PAYPAL_PORT: new URL(paypal.url).port,
  PAYRAIL_SANDBOX_SQUARE_PORT: new URL(square.url).port,
  PAYRAIL_PUBLIC_URL: `http://127.0.0.1:${port}`,
  PAYRAIL_ADMIN_EMAIL: 'owner@example.com',
  PAYRAIL_ADMIN_PASSWORD: 'correct-horse-battery-staple',
  PAYRAIL_CONSOLE_DIR: 'off',
  // Roomy: a freshly started API's first calls (SDK clients, PayPal's token) can take over a
  // second on a busy machine, and a call that times out never reaches the fault point.
  PAYRAIL_GATEWAY_TIMEOUT_MS: '10000',
  PAYRAIL_RECOVERY_INTERVAL_MS: '500',
  PAYRAIL_JOB_POLL_MS: '100',
  LOG_LEVEL: 'warn',
  // PostgreSQL: a schema of its own, chosen by the URL's search_path, shared by every start.
  DATABASE_URL: database!.databaseUrl ?? '',
  REDIS_URL: '',
});

// Every API process a case starts, so none outlives the suite when a case fails before its crash.
const started = new Set<ChildProcess>();

function startApi(extra: Record<string, string> = {}): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [join(root, 'dist/apps/api/main.js')], {
    cwd: root,
    env: { ...baseEnv(), ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(proc);
  proc.once('exit', () => started.delete(proc));
  let output = '';
  proc.stdout?.on('data', (d) => (output += d));
  proc.stderr?.on('data', (d) => (output += d));
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 30_000;
    const poll = async () => {
      if (proc.exitCode !== null || proc.signalCode !== null)
        return reject(
          new Error(`the API exited (${proc.exitCode ?? proc.signalCode}): ${output.slice(-2000)}`),
        );
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
      setTimeout(poll, 100);
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

/** The gateway's own view of a payment, read through its plugin straight from the sandbox. */
function gatewayView(code: Gateway, reference: string): Promise<GatewayPaymentSnapshot> {
  const [gateway, values, url]: [PaymentGateway, Record<string, string>, string] =
    code === 'stripe'
      ? [new StripeGateway(), { ...STRIPE_DESCRIPTOR.sandbox.connectionValues }, stripe.url]
      : code === 'paypal'
        ? [new PayPalGateway(), { ...PAYPAL_DESCRIPTOR.sandbox.connectionValues }, paypal.url]
        : [new SquareGateway(), { ...SQUARE_DESCRIPTOR.sandbox.connectionValues }, square.url];
  const connection: GatewayConnection = {
    id: `check_${code}`,
    mode: 'test',
    values,
    baseUrl: url,
    timeoutMs: 5000,
  };
  return gateway.sync(connection, { reference }).then((outcome) => {
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  });
}

function creation(c: Case) {
  return {
    amount: 1000,
    currency: 'usd',
    capture_method: c.operation === 'refund' ? 'automatic' : 'manual',
    gateway: c.gateway,
    payment_method: PAYMENT_METHODS[c.gateway],
    // What a resent authorization must carry exactly as the first one did.
    customer: { email: 'ada@example.com', name: 'Ada Buyer' },
    description: `kill -9 ${c.label}`,
    metadata: { kill9_case: caseId(c), order: `ord_${caseId(c)}` },
  };
}

/**
 * Starts the API with the crash's fault point, sets up a payment per gateway, then sends the
 * three operations at once: they all reach the point and wait there, and the third kills it.
 */
async function crash(group: { key: string; cases: Case[] }): Promise<void> {
  child = await startApi({
    PAYRAIL_FAULT_INJECTION:
      `${group.cases[0].point}_gateway_${group.cases[0].operation}` satisfies FaultPoint,
    PAYRAIL_FAULT_INJECTION_HITS: String(group.cases.length),
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child!.once('exit', (_code, signal) => resolve(signal)),
  );
  const operation = group.cases[0].operation;
  if (operation !== 'authorize') {
    await Promise.all(
      group.cases.map(async (c) => {
        const created = await api('POST', '/v1/payments', creation(c));
        expect(created.status).toBe(201);
        expect(created.body.status).toBe(operation === 'refund' ? 'captured' : 'authorized');
        paymentOf.set(c.label, created.body.id);
      }),
    );
  }
  const answers = await Promise.allSettled(
    group.cases.map((c) => {
      if (operation === 'authorize') return api('POST', '/v1/payments', creation(c));
      const id = paymentOf.get(c.label);
      return operation === 'refund'
        ? api('POST', `/v1/payments/${id}/refunds`, { amount: 400 })
        : api('POST', `/v1/payments/${id}/${operation}`, {});
    }),
  );
  // No answer came back: each call was cut off by the crash.
  expect(answers.map((a) => a.status)).toEqual(group.cases.map(() => 'rejected'));
  expect(await exited).toBe('SIGKILL');
  child = null;
}

const settled = (p: any, refunds: Array<{ status: string }>) =>
  p.needs_review ||
  (!['requires_payment_method', 'authorizing', 'capturing', 'unknown'].includes(p.status) &&
    refunds.every((r) => r.status === 'succeeded' || r.status === 'failed'));

describeWithDatabase()(`kill -9 of the built API mid-operation (${testDatabaseKind()})`, () => {
  beforeAll(async () => {
    const build = spawnSync('npx', ['nx', 'build', 'api'], {
      cwd: root,
      env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NX_TUI: 'false' },
      encoding: 'utf8',
    });
    if (build.status !== 0)
      throw new Error(`nx build api failed: ${build.stdout.slice(-3000)}${build.stderr.slice(-3000)}`);
    [stripe, paypal, square] = await Promise.all([
      startStripeSandbox({ port: 0 }),
      startPayPalSandbox({ port: 0 }),
      startSquareSandbox({ port: 0 }),
    ]);
    database = await provisionTestDatabase();
    port = await freePort();
    const created = spawnSync(
      process.execPath,
      [join(root, 'dist/apps/api/cli.js'), 'api-key', 'create', '--merchant', 'default', '--mode', 'test'],
      { cwd: root, env: baseEnv(), encoding: 'utf8' },
    );
    if (created.status !== 0) throw new Error(`api-key create failed: ${created.stderr}`);
    apiKey = created.stdout.trim().split('\n').at(-1)!.trim();
  }, 240_000);

  afterAll(async () => {
    for (const proc of started) proc.kill('SIGKILL');
    await Promise.all([stripe?.close(), paypal?.close(), square?.close()]);
    await database?.drop();
  });

  describe('the crash', () => {
    it.each(crashes)(
      '$key on every gateway: the API dies with all three calls at the fault point',
      crash,
      90_000,
    );
  });

  describe('after a restart', () => {
    let payments: Map<string, any>;
    let refundsOf: Map<string, Array<{ status: string; amount: number }>>;
    let timelines: Map<string, Array<{ type: string; message: string | null }>>;

    beforeAll(async () => {
      child = await startApi();
      // The payments whose creation the crash cut off are found by the case named in their metadata.
      const listed = (await api('GET', '/v1/payments?limit=100')).body.data as any[];
      for (const c of cases) {
        const found = listed.find((p) => p.metadata?.kill9_case === caseId(c));
        if (found && !paymentOf.has(c.label)) paymentOf.set(c.label, found.id);
      }
      const deadline = Date.now() + 60_000;
      for (;;) {
        payments = new Map();
        refundsOf = new Map();
        timelines = new Map();
        for (const [label, id] of paymentOf) {
          payments.set(label, (await api('GET', `/v1/payments/${id}`)).body);
          refundsOf.set(label, (await api('GET', `/v1/payments/${id}/refunds`)).body.data);
          timelines.set(label, (await api('GET', `/v1/payments/${id}/events`)).body.data);
        }
        const done = [...paymentOf.keys()].every((l) => settled(payments.get(l), refundsOf.get(l)!));
        if (done || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 300));
      }
    }, 120_000);

    it.each(cases)('$label: ends as the gateway holds it, or flagged for review', async (c) => {
      const payment = payments.get(c.label);
      expect(payment).toBeDefined();
      const refunds = refundsOf.get(c.label)!;
      const timeline = timelines.get(c.label)!;
      expect(settled(payment, refunds)).toBe(true);
      // Recovery looked at it after the restart.
      expect(timeline.some((e) => e.type === 'recovery')).toBe(true);
      if (payment.needs_review) {
        expect(
          timeline.some((e) => e.type === 'recovery' && /flagged for review/.test(e.message ?? '')),
        ).toBe(true);
        expect(payment.status).not.toBe('failed');
        return;
      }
      if (!payment.gateway_reference) {
        // Only a PayPal card authorization that never reached PayPal ends without a reference:
        // its card lived in the killed process; PayPal holds no authorization for the payment.
        expect(c).toMatchObject({ gateway: 'paypal', operation: 'authorize', point: 'before' });
        expect(payment.status).toBe('failed');
        const orders = [...paypal.store.orders.values()].filter((o) => o.unit.reference_id === payment.id);
        expect(orders.every((o) => o.authorizationIds.length === 0 && !o.source)).toBe(true);
        return;
      }
      const view = await gatewayView(c.gateway, payment.gateway_reference);
      expect(payment.status).toBe(fromGatewayStatus(view.status));
      expect(payment.amount_captured).toBe(view.amountCaptured);
      expect(payment.amount_refunded).toBe(view.amountRefunded);
      expect(refunds.filter((r) => r.status === 'succeeded').reduce((s, r) => s + r.amount, 0)).toBe(
        view.amountRefunded,
      );
      // Exactly one gateway object for each money movement, whatever recovery sent again.
      expect(view.captures.length).toBeLessThanOrEqual(1);
      expect(view.refunds.filter((r) => r.status !== 'failed').length).toBe(c.operation === 'refund' ? 1 : 0);
      const expected: Record<Operation, string> = {
        authorize: 'authorized',
        capture: 'captured',
        void: 'voided',
        refund: 'partially_refunded',
      };
      expect(payment.status).toBe(expected[c.operation]);
    });
  });
});
