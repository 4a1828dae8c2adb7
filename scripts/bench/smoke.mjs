#!/usr/bin/env node
// The benchmark's smoke test (`npm test` runs it): `BENCH_QUICK=1 npm run bench` must finish,
// print the table with every scenario, and write its JSON. It never looks at the figures.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const SCENARIOS = [
  ['stripe authorize+capture', 1],
  ['stripe authorize+capture', 32],
  ['paypal authorize+capture', 32],
  ['square authorize+capture', 32],
  ['GET /v1/payments/{id}', 32],
  ['GET /v1/payments?limit=100', 32],
];

const run = spawnSync(process.execPath, [join(root, 'scripts', 'bench.mjs')], {
  cwd: root,
  env: { ...process.env, BENCH_QUICK: '1' },
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
  timeout: 240_000,
});
process.stdout.write(run.stdout ?? '');
const problems = [];
if (run.status !== 0) problems.push(`the quick benchmark exited with ${run.status ?? run.signal}`);
const out = run.stdout ?? '';
if (!/^\| database \| scenario/m.test(out)) problems.push('it printed no table');
const json = /^JSON: (.+)$/m.exec(out)?.[1];
const result = json ? JSON.parse(readFileSync(json, 'utf8')) : null;
if (!result) problems.push('it wrote no JSON');
const databases = [...new Set(result?.scenarios.map((s) => s.database) ?? [])];
for (const database of databases)
  for (const scenario of ['reconcile', 'export'])
    if (!result.reconciliation?.some((r) => r.database === database && r.scenario === scenario))
      problems.push(`${database}: no ${scenario} row`);
if (!databases.includes('sqlite')) problems.push('SQLite was not measured');
for (const database of databases)
  if (!result.warm_up?.some((w) => w.database === database && w.pairs > 0))
    problems.push(`${database}: the API was not warmed up before the scenarios`);
for (const database of databases)
  for (const [name, concurrency] of SCENARIOS) {
    const row = result.scenarios.find(
      (s) => s.database === database && s.scenario === name && s.concurrency === concurrency,
    );
    if (!row) problems.push(`${database}: no row for ${name} at ${concurrency}`);
    else if (!row.payrail.operations || !row.direct.operations)
      problems.push(`${database}: ${name} at ${concurrency} completed no operation on one path`);
    else if (row.payrail.failures || row.direct.failures)
      problems.push(`${database}: ${name} at ${concurrency} had failed operations`);
    else if (!out.includes(`| ${database.padEnd(8)} | ${name}`))
      problems.push(`the table lacks ${database} ${name}`);
  }
if (problems.length) {
  process.stderr.write(`bench smoke test failed:\n- ${problems.join('\n- ')}\n`);
  process.exit(1);
}
process.stdout.write(`bench smoke test: ${databases.join(' and ')}, every scenario completed\n`);
