#!/usr/bin/env node
// `npm run bench`: where the time of a payment goes. Each scenario runs twice, one after the
// other: the same gateway calls made straight to the sandbox with the official SDK, then through
// Payrail (HTTP API -> plugin -> sandbox), on SQLite and on PostgreSQL (BENCH_DATABASE_URL, else
// TEST_DATABASE_URL). It prints figures, never passes or fails on them. Loopback only, bounded.
// BENCH_QUICK=1 runs a small version of every scenario (a smoke test).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nxEnv } from './env.mjs';
import {
  cpuMs,
  createApiKey,
  freePort,
  memoryMb,
  scratchDatabase,
  scrape,
  settle,
  start,
  stop,
  waitFor,
} from './bench/processes.mjs';
import { reconcileScenarios, reconcileTable } from './bench/reconcile.mjs';
import { table } from './bench/report.mjs';
import { directClients, pairs, payrailClient, reads } from './bench/scenarios.mjs';
import { round, load } from './bench/stats.mjs';

const QUICK = process.env.BENCH_QUICK === '1';
// Operations per scenario; the quick run is a smoke test of every scenario, not a measurement.
const SIZES = QUICK
  ? {
      jit: [['stripe', 4]],
      pairs1: 8,
      pairs32: 32,
      gateway32: 32,
      gets: 160,
      lists: 32,
      warmup: 2,
      maxSeconds: 6,
      settleMs: 1_500,
    }
  : {
      jit: [
        ['stripe', 1500],
        ['paypal', 150],
        ['square', 150],
      ],
      pairs1: 150,
      pairs32: 640,
      gateway32: 320,
      gets: 3200,
      lists: 320,
      warmup: 20,
      maxSeconds: 120,
      settleMs: 8_000,
    };
const postgresUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined;
const root = join(import.meta.dirname, '..');
// The JSON of each run, and the API's log of the latest one per database (api-<database>.log).
const outDir = join(root, 'tmp', 'bench');
mkdirSync(outDir, { recursive: true });

const build = spawnSync(
  'npx',
  ['nx', 'run-many', '-t', 'build', '-p', 'api,sandbox', '--output-style=stream'],
  { stdio: ['ignore', 'ignore', 'inherit'], env: nxEnv, cwd: root },
);
if (build.status !== 0) process.exit(build.status ?? 1);

const children = new Set();
const begun = Date.now();
const elapsed = () => `[${Math.round((Date.now() - begun) / 1000)} s]`;
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));
// A run stopped from outside (the smoke test's time limit, ^C) takes its API and sandboxes with it.
for (const signal of ['SIGTERM', 'SIGINT'])
  process.on(signal, () => process.exit(128 + (signal === 'SIGTERM' ? 15 : 2)));

/** One side of a scenario, with what the API and the sandbox spent on it. */
async function phase(ctx, label, operation, count, concurrency) {
  await settle(ctx.api.pid, { maxMs: SIZES.settleMs });
  const before = { api: cpuMs(ctx.api.pid), sandbox: cpuMs(ctx.sandbox.pid), db: await scrape(ctx.apiUrl) };
  const result = await load({ label, count, concurrency, operation, maxSeconds: SIZES.maxSeconds });
  // Webhooks the sandbox sends back are part of the load: their intake is counted too.
  await settle(ctx.api.pid, { maxMs: SIZES.settleMs });
  const after = { api: cpuMs(ctx.api.pid), sandbox: cpuMs(ctx.sandbox.pid), db: await scrape(ctx.apiUrl) };
  const per = (a, b) => (result.operations ? round((b - a) / result.operations, 2) : null);
  return {
    ...result,
    api_cpu_ms_per_op: per(before.api, after.api),
    sandbox_cpu_ms_per_op: per(before.sandbox, after.sandbox),
    statements_per_op: per(before.db.statements, after.db.statements),
    commits_per_op: per(before.db.commits, after.db.commits),
    round_trips_per_op: per(before.db.round_trips, after.db.round_trips),
    loop_max_ms: round(after.db.loop_max_ms),
    loop_p99_ms: round(after.db.loop_p99_ms),
    ...memoryMb(ctx.api.pid),
  };
}

/**
 * Brings the API to the state it serves in once it has run a while, before anything is measured.
 * For its first thousand or so payments after a start, V8 is still compiling the payment path on
 * background threads: that work, about a third of the API's CPU per pair, would otherwise fall
 * into the first scenario's figures. What these pairs cost the API is kept as the cold figure.
 */
async function warmUp(ctx, api, sdk) {
  await settle(ctx.api.pid, { maxMs: SIZES.settleMs });
  const cpuBefore = cpuMs(ctx.api.pid);
  const began = performance.now();
  const concurrency = 4;
  let operations = 0;
  let failures = 0;
  for (const [gateway, count] of SIZES.jit) {
    const paths = pairs(gateway, api, sdk, `${ctx.database}jit${gateway}`);
    const result = await load({
      label: `${gateway} warm-up`,
      count,
      concurrency,
      operation: paths.payrail,
      maxSeconds: SIZES.maxSeconds,
    });
    operations += result.operations;
    failures += result.failures;
  }
  await settle(ctx.api.pid, { maxMs: SIZES.settleMs });
  return {
    database: ctx.database,
    concurrency,
    pairs: operations,
    failures,
    seconds: round((performance.now() - began) / 1000, 1),
    api_cpu_ms_per_pair: operations ? round((cpuMs(ctx.api.pid) - cpuBefore) / operations, 2) : null,
  };
}

async function scenario(ctx, rows, { name, concurrency, count, paths, collect }) {
  process.stderr.write(
    `${elapsed()} ${ctx.database}: ${name} at concurrency ${concurrency} (${count} operations)\n`,
  );
  const ids = { direct: [], payrail: [] };
  const keep = (side) => async (i, timed) => {
    const id = await paths[side](i, timed);
    if (collect) ids[side].push(id);
  };
  const warm = Math.min(SIZES.warmup, count);
  await load({
    label: `${name} warm-up`,
    count: warm,
    concurrency,
    operation: (i, t) => keep('direct')(1e6 + i, t),
  });
  await load({
    label: `${name} warm-up`,
    count: warm,
    concurrency,
    operation: (i, t) => keep('payrail')(1e6 + i, t),
  });
  const direct = await phase(ctx, `${name} direct`, keep('direct'), count, concurrency);
  const payrail = await phase(ctx, `${name} payrail`, keep('payrail'), count, concurrency);
  rows.push({
    database: ctx.database,
    scenario: name,
    concurrency,
    direct,
    payrail,
    ratio: direct.ops_per_s ? round(payrail.ops_per_s / direct.ops_per_s, 3) : null,
    added_per_request: {
      median_ms: round(payrail.request.median_ms - direct.request.median_ms),
      p99_ms: round(payrail.request.p99_ms - direct.request.p99_ms),
    },
  });
  return ids;
}

async function runOn(database, databaseUrl, rows) {
  const [apiPort, stripe, paypal, square] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const dataDir = mkdtempSync(join(tmpdir(), 'payrail-bench-'));
  const scratch = databaseUrl ? await scratchDatabase(databaseUrl, `payrail_bench_${process.pid}`) : null;
  const env = {
    ...process.env,
    PORT: String(apiPort),
    HOST: '127.0.0.1',
    PAYRAIL_DATA_DIR: dataDir,
    PAYRAIL_SANDBOX: 'on',
    PAYRAIL_SANDBOX_STRIPE_PORT: String(stripe),
    PAYRAIL_SANDBOX_PAYPAL_PORT: String(paypal),
    PAYRAIL_SANDBOX_SQUARE_PORT: String(square),
    PAYRAIL_PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
    PAYRAIL_CONSOLE_DIR: 'off',
    PAYRAIL_COUNT_STATEMENTS: 'on',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    DATABASE_URL: scratch?.url ?? '',
  };
  delete env.REDIS_URL;
  const ctx = { database, apiUrl: `http://127.0.0.1:${apiPort}` };
  try {
    ctx.sandbox = start('the sandboxes', 'dist/apps/sandbox/main.js', env);
    children.add(ctx.sandbox);
    await waitFor(`http://127.0.0.1:${stripe}/v1/charges`);
    ctx.api = start(
      'the API',
      'dist/apps/api/main.js',
      env,
      process.env.BENCH_API_FLAGS?.split(' ') ?? [],
      join(outDir, `api-${database}.log`),
    );
    children.add(ctx.api);
    await waitFor(`${ctx.apiUrl}/health/ready`);
    // Resident memory once start-up work is done, before any load: what the scenarios add is the rest.
    await settle(ctx.api.pid, { maxMs: SIZES.settleMs });
    const ready = memoryMb(ctx.api.pid);
    afterStart.push({ database, ...ready });
    process.stderr.write(
      `${elapsed()} ${database}: the API is ready (${ready.rss_mb} MB resident, ${ready.peak_rss_mb} MB peak)\n`,
    );
    const api = payrailClient(ctx.apiUrl, createApiKey(env));
    const sdk = directClients({ stripe, paypal, square });
    process.stderr.write(
      `${elapsed()} ${database}: warming the API up (${SIZES.jit.map(([g, n]) => `${n} ${g}`).join(', ')} pairs)\n`,
    );
    const warm = await warmUp(ctx, api, sdk);
    warmUps.push(warm);
    process.stderr.write(
      `${elapsed()} ${database}: warm-up done, ${warm.pairs} pairs in ${warm.seconds} s, API CPU ${warm.api_cpu_ms_per_pair} ms a pair\n`,
    );
    const stripePairs = pairs('stripe', api, sdk, `${database}1`);
    await scenario(ctx, rows, {
      name: 'stripe authorize+capture',
      concurrency: 1,
      count: SIZES.pairs1,
      paths: stripePairs,
    });
    const ids = await scenario(ctx, rows, {
      name: 'stripe authorize+capture',
      concurrency: 32,
      count: SIZES.pairs32,
      paths: pairs('stripe', api, sdk, `${database}32`),
      collect: true,
    });
    for (const gateway of ['paypal', 'square'])
      await scenario(ctx, rows, {
        name: `${gateway} authorize+capture`,
        concurrency: 32,
        count: SIZES.gateway32,
        paths: pairs(gateway, api, sdk, `${database}${gateway}`),
      });
    const read = reads(api, sdk, ids);
    await scenario(ctx, rows, {
      name: 'GET /v1/payments/{id}',
      concurrency: 32,
      count: SIZES.gets,
      paths: read.get,
    });
    await scenario(ctx, rows, {
      name: 'GET /v1/payments?limit=100',
      concurrency: 32,
      count: SIZES.lists,
      paths: read.list,
    });
  } finally {
    await Promise.all([ctx.api, ctx.sandbox].map(stop));
    [ctx.api, ctx.sandbox].forEach((child) => children.delete(child));
    await scratch
      ?.drop()
      .catch((error) => process.stderr.write(`could not drop the bench database: ${error.message}\n`));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// BENCH_SCENARIOS=reconcile runs only the reconciliation and export scenarios; payments, only the payment path.
const only = process.env.BENCH_SCENARIOS;
const rows = [];
const reconcileRows = [];
// The API's memory right after start, per database.
const afterStart = [];
// What the warm-up pairs cost the API right after its start, per database (the cold figure).
const warmUps = [];
const started = Date.now();
const RECORDS = QUICK ? 10_000 : Number(process.env.BENCH_RECORDS || 1_000_000);
for (const [database, url] of [['sqlite', undefined], ...(postgresUrl ? [['postgres', postgresUrl]] : [])]) {
  if (only !== 'reconcile') await runOn(database, url, rows);
  if (only !== 'payments') {
    process.stderr.write(
      `${elapsed()} ${database}: reconcile and export over ${RECORDS} generated records\n`,
    );
    reconcileRows.push(...(await reconcileScenarios(database, url, RECORDS)));
  }
}
if (!postgresUrl)
  process.stderr.write('PostgreSQL skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL to include it\n');

const result = {
  benchmark: 'Payrail against the same calls made straight to the sandboxes with the official SDKs',
  quick: QUICK,
  node: process.version,
  started_at: new Date(started).toISOString(),
  seconds: Math.round((Date.now() - started) / 1000),
  notes: [
    'ops: authorize+capture pairs, or single reads; a request is one HTTP call through Payrail or one SDK step direct',
    'added/req: Payrail request latency minus the direct request latency, at the same percentile',
    "commits/op, stmts/op and trips/op (texts sent to the database; a transaction's start and queued inserts go as one): counted by the API (PAYRAIL_COUNT_STATEMENTS=on), webhook intake included",
    'API CPU ms/op (direct): what the API spent meanwhile on the webhooks the sandbox sent for the direct calls',
    'warm_up: pairs run through the API right after its start, before any scenario, so that the scenarios measure the API once V8 has compiled its payment path; their CPU is the cold figure',
  ],
  api_memory_after_start: afterStart,
  warm_up: warmUps,
  scenarios: rows,
  reconciliation: reconcileRows,
};
const file = join(
  outDir,
  `bench-${new Date(started).toISOString().replace(/[:.]/g, '-')}${QUICK ? '-quick' : ''}.json`,
);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(
  `\n${afterStart.map((m) => `${m.database}: API after start ${m.rss_mb} MB resident (${m.peak_rss_mb} MB peak)\n`).join('')}${warmUps.map((w) => `${w.database}: warm-up right after start, ${w.pairs} pairs at concurrency ${w.concurrency}: API CPU ${w.api_cpu_ms_per_pair} ms a pair\n`).join('')}${rows.length ? table(rows) : ''}\n\n${reconcileRows.length ? reconcileTable(reconcileRows) : ''}\n\nJSON: ${file}\nAPI logs: ${join(outDir, 'api-<database>.log')}\n`,
);
