#!/usr/bin/env node
// `npm test`: lint (module boundaries included), then every spec on SQLite, then the database
// specs again on PostgreSQL (TEST_DATABASE_URL, else Testcontainers where Docker answers, else
// skipped with the reason printed). Ends with one line: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { nxEnv } from './env.mjs';

const root = join(import.meta.dirname, '..');
const out = join(root, 'tmp', 'test-results');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
// The API specs leave their databases (as JSON lines) and logs here for the leak scan at the end.
const artifacts = join(root, 'tmp', 'test-artifacts');
rmSync(artifacts, { recursive: true, force: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function step(name, command, args, env = {}) {
  process.stdout.write(`\n=== ${name}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, env: { ...nxEnv, ...env } });
  process.stdout.write(
    `=== ${name}: ${result.status === 0 ? 'ok' : `failed (exit ${result.status ?? result.signal})`} in ${Math.round((Date.now() - started) / 1000)} s\n`,
  );
  if (result.status !== 0) failures.push(name);
  return result.status === 0;
}

function jest(name, args, env = {}) {
  const file = join(out, `${name.replace(/\W+/g, '-')}.json`);
  step(name, 'npx', ['jest', '--ci', '--json', `--outputFile=${file}`, ...args], env);
  if (!existsSync(file)) {
    totals.failed += 1;
    return;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
  totals.skipped += report.numPendingTests + report.numTodoTests;
  process.stdout.write(`${name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed\n`);
}

const only = process.argv.slice(2);
const wants = (name) => only.length === 0 || only.includes(name);

if (wants('lint')) {
  if (!step('lint', 'npx', ['nx', 'run-many', '-t', 'lint', '--output-style=stream'])) totals.failed += 1;
  else totals.passed += 1;
  if (!step('format', 'npx', ['prettier', '--check', '.', '--log-level', 'warn'])) totals.failed += 1;
  else totals.passed += 1;
  if (!step('module boundaries refuse a violation', process.execPath, ['scripts/check-boundaries.mjs']))
    totals.failed += 1;
  else totals.passed += 1;
}

const postgresUrl = process.env.TEST_DATABASE_URL;
if (wants('sqlite')) {
  // TEST_DATABASE_URL is withheld here so the database specs run on SQLite; PostgreSQL has its own pass below.
  jest('specs on SQLite', ['--maxWorkers=2', '--ignoreProjects', 'console'], {
    PAYRAIL_TEST_DB: 'sqlite',
    TEST_DATABASE_URL: '',
    PAYRAIL_TEST_ARTIFACTS: artifacts,
  });
}
if (wants('postgres')) {
  if (!postgresUrl)
    process.stdout.write(
      '\nTEST_DATABASE_URL is not set: the PostgreSQL pass tries Testcontainers and is skipped, with the reason, where no Docker engine answers.\n',
    );
  jest(
    'database specs on PostgreSQL',
    ['--maxWorkers=2', '--selectProjects', 'api', 'audit', 'secrets', 'jobs'],
    { PAYRAIL_TEST_DB: 'postgres', TEST_DATABASE_URL: postgresUrl ?? '', PAYRAIL_TEST_ARTIFACTS: artifacts },
  );
}

if (wants('console')) {
  // The console: its unit specs in jsdom, then the browser suite in Chromium against the built console.
  jest('console unit specs', ['-c', 'apps/console/jest.config.ts', '--maxWorkers=2']);
  if (step('build the console', 'npx', ['nx', 'build', 'console', '--output-style=stream'])) {
    jest('console in Chromium', ['-c', 'apps/console-e2e/browser.jest.config.ts'], {
      PAYRAIL_TEST_DB: 'sqlite',
      TEST_DATABASE_URL: '',
    });
  } else totals.failed += 1;
}

if (wants('bench')) {
  // A small run of every benchmark scenario: it must complete and print its table (speed is not judged).
  const env = postgresUrl ? { BENCH_DATABASE_URL: process.env.BENCH_DATABASE_URL || postgresUrl } : {};
  totals[
    step('benchmark smoke test', process.execPath, ['scripts/bench/smoke.mjs'], env) ? 'passed' : 'failed'
  ] += 1;
}

if (wants('sqlite') || wants('postgres')) {
  // Last: no card number, CVC, gateway secret or token, or Payrail key in any test database or log.
  const scanned =
    step('leak scan self-test', process.execPath, ['scripts/leak-scan.mjs', '--self-test']) &&
    step('leak scan of test databases and logs', process.execPath, ['scripts/leak-scan.mjs', artifacts]);
  totals[scanned ? 'passed' : 'failed'] += 1;
}

process.stdout.write(`\n${failures.length ? `failed steps: ${failures.join(', ')}` : 'all steps passed'}\n`);
process.stdout.write(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(failures.length ? 1 : 0);
