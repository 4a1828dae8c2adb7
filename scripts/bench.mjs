#!/usr/bin/env node
// `npm run bench`: authorize + capture through Payrail (HTTP API -> Stripe plugin -> Stripe
// sandbox) against the same two calls made straight to the sandbox with the official SDK, same
// load, one run. Prints JSON figures; it is not a pass/fail test. Loopback only, bounded.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { nxEnv } from './env.mjs';

const OPERATIONS = Number(process.env.BENCH_OPERATIONS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const WARMUP = 30;
const STRIPE_KEY = 'sk_test_PayrailSandbox000000000000000000000000';

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function waitFor(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

function rssMb(pid) {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return null;
  }
}

async function run(label, count, operation) {
  const latencies = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        try {
          await operation(i);
          latencies.push(performance.now() - t0);
        } catch (error) {
          failures++;
          if (failures <= 3) process.stderr.write(`${label} operation failed: ${error.message}\n`);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] * 10) / 10;
  return {
    operations: latencies.length,
    failures,
    seconds: Math.round(seconds * 100) / 100,
    ops_per_s: Math.round((latencies.length / seconds) * 10) / 10,
    median_ms: pct(50),
    p99_ms: pct(99),
  };
}

const build = spawnSync(
  'npx',
  ['nx', 'run-many', '-t', 'build', '-p', 'api,sandbox', '--output-style=stream'],
  { stdio: ['ignore', 'ignore', 'inherit'], env: nxEnv },
);
if (build.status !== 0) process.exit(build.status ?? 1);

const [apiPort, stripePort, paypalPort, squarePort] = await Promise.all([
  freePort(),
  freePort(),
  freePort(),
  freePort(),
]);
const dataDir = mkdtempSync(join(tmpdir(), 'payrail-bench-'));
const env = {
  ...process.env,
  PORT: String(apiPort),
  HOST: '127.0.0.1',
  PAYRAIL_DATA_DIR: dataDir,
  PAYRAIL_SANDBOX: 'on',
  PAYRAIL_SANDBOX_STRIPE_PORT: String(stripePort),
  PAYRAIL_SANDBOX_PAYPAL_PORT: String(paypalPort),
  PAYRAIL_SANDBOX_SQUARE_PORT: String(squarePort),
  PAYRAIL_PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
  LOG_LEVEL: 'warn',
};
delete env.DATABASE_URL;
const children = [];
const stopAll = () => children.forEach((c) => c.kill('SIGTERM'));
process.on('exit', stopAll);
try {
  children.push(spawn(process.execPath, ['dist/apps/sandbox/main.js'], { env, stdio: 'ignore' }));
  await waitFor(`http://127.0.0.1:${stripePort}/v1/charges`);
  const api = spawn(process.execPath, ['dist/apps/api/main.js'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(api);
  await waitFor(`http://127.0.0.1:${apiPort}/health/ready`);
  const cli = spawnSync(
    process.execPath,
    ['dist/apps/api/cli.js', 'api-key', 'create', '--merchant', 'default', '--mode', 'test'],
    { env, encoding: 'utf8' },
  );
  const apiKey = cli.stdout.trim().split('\n').pop();
  if (!apiKey?.startsWith('pr_test_')) throw new Error(`could not create an API key: ${cli.stderr}`);

  const post = async (path, body, key) => {
    const response = await fetch(`http://127.0.0.1:${apiPort}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify(body),
    });
    const json = await response.json();
    if (response.status >= 300) throw new Error(`${path} answered ${response.status}: ${json.error?.code}`);
    return json;
  };
  const viaPayrail = async (i) => {
    const payment = await post(
      '/v1/payments',
      {
        amount: 1000 + (i % 100),
        currency: 'usd',
        gateway: 'stripe',
        capture_method: 'manual',
        payment_method: { token: 'pm_card_visa' },
      },
      `bench-auth-${i}-${apiPort}`,
    );
    const captured = await post(`/v1/payments/${payment.id}/capture`, {}, `bench-cap-${i}-${apiPort}`);
    if (captured.status !== 'captured') throw new Error(`payment ended ${captured.status}`);
  };
  const stripe = new Stripe(STRIPE_KEY, {
    host: '127.0.0.1',
    port: stripePort,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
  const direct = async (i) => {
    const intent = await stripe.paymentIntents.create(
      {
        amount: 1000 + (i % 100),
        currency: 'usd',
        capture_method: 'manual',
        payment_method: 'pm_card_visa',
        confirm: true,
      },
      { idempotencyKey: `direct-auth-${i}-${stripePort}` },
    );
    const captured = await stripe.paymentIntents.capture(
      intent.id,
      {},
      { idempotencyKey: `direct-cap-${i}-${stripePort}` },
    );
    if (captured.status !== 'succeeded') throw new Error(`intent ended ${captured.status}`);
  };

  await run('warm-up direct', WARMUP, (i) => direct(1_000_000 + i));
  await run('warm-up payrail', WARMUP, (i) => viaPayrail(1_000_000 + i));
  const directResult = await run('direct', OPERATIONS, direct);
  const payrailResult = await run('payrail', OPERATIONS, viaPayrail);
  const result = {
    benchmark: 'authorize + capture, Stripe sandbox',
    load: {
      operations: OPERATIONS,
      concurrency: CONCURRENCY,
      database: 'sqlite (embedded default)',
      node: process.version,
    },
    direct_sdk: directResult,
    through_payrail: { ...payrailResult, api_rss_mb: rssMb(api.pid) },
    ratio_ops_per_s: Math.round((payrailResult.ops_per_s / directResult.ops_per_s) * 1000) / 1000,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  stopAll();
  rmSync(dataDir, { recursive: true, force: true });
}
