#!/usr/bin/env node
// `npm test`: lint (module boundaries included), then every spec on SQLite, then the database
// specs again on PostgreSQL (TEST_DATABASE_URL, else Testcontainers where Docker answers). A
// suite whose database or Redis cannot be had is reported as skipped (jest's skip), with the
// reason printed once here. Each step and the run end with "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { nxEnv } from './env.mjs';
import { probePostgres, probeRedis, verdictEnv } from '../libs/testing/probe-services.mjs';

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

/** A step that is one check: it counts as one passed or one failed, and says so like a jest step. */
function check(name, command, args, env = {}) {
  const ok = step(name, command, args, env);
  totals[ok ? 'passed' : 'failed'] += 1;
  process.stdout.write(`${name}: ${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed, 0 skipped\n`);
  return ok;
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
  const skipped = report.numPendingTests + report.numTodoTests;
  totals.skipped += skipped;
  process.stdout.write(
    `${name}: ${report.numPassedTests} passed, ${report.numFailedTests + report.numRuntimeErrorTestSuites} failed, ${skipped} skipped\n`,
  );
}

const only = process.argv.slice(2);
const wants = (name) => only.length === 0 || only.includes(name);

if (wants('lint')) {
  check('lint', 'npx', ['nx', 'run-many', '-t', 'lint', '--output-style=stream']);
  check('format', 'npx', ['prettier', '--check', '.', '--log-level', 'warn']);
  check('module boundaries refuse a violation', process.execPath, ['scripts/check-boundaries.mjs']);
}

if (wants('security')) {
  // npm audit of production dependencies (said plainly when the registry cannot answer), the SBOM;
  // the leak scan runs last, below, over what the specs leave.
  if (check('security checks self-test', process.execPath, ['scripts/security.mjs', '--self-test']))
    check('security checks (npm audit, SBOM)', process.execPath, [
      'scripts/security.mjs',
      '--skip-leak-scan',
    ]);
}

const postgresUrl = process.env.TEST_DATABASE_URL;
// Probed once for the whole run and said once here; the specs read the verdicts from the
// environment instead of probing per file (see libs/testing/src/lib/availability.ts).
let verdicts = {};
if (wants('sqlite') || wants('postgres') || wants('deploy')) {
  const [postgres, redis] = await Promise.all([probePostgres(postgresUrl), probeRedis()]);
  for (const [what, verdict] of [
    ['the PostgreSQL pass', postgres],
    ['the BullMQ (Redis) specs', redis],
  ])
    if (!verdict.available) process.stdout.write(`\n${what}: skipped, ${verdict.reason}\n`);
  verdicts = verdictEnv(postgres, redis);
}
if (wants('sqlite')) {
  // TEST_DATABASE_URL is withheld here so the database specs run on SQLite; PostgreSQL has its own pass below.
  jest('specs on SQLite', ['--maxWorkers=2', '--ignoreProjects', 'console'], {
    ...verdicts,
    // Suites that only run on PostgreSQL are skipped here and run in the PostgreSQL pass.
    PAYRAIL_PROBED_POSTGRES: 'PostgreSQL-only suites run in the PostgreSQL pass',
    PAYRAIL_TEST_DB: 'sqlite',
    TEST_DATABASE_URL: '',
    PAYRAIL_TEST_ARTIFACTS: artifacts,
  });
}
if (wants('postgres')) {
  jest(
    'database specs on PostgreSQL',
    ['--maxWorkers=2', '--selectProjects', 'api', 'audit', 'secrets', 'jobs', 'database', 'reconciliation'],
    {
      ...verdicts,
      PAYRAIL_TEST_DB: 'postgres',
      TEST_DATABASE_URL: postgresUrl ?? '',
      PAYRAIL_TEST_ARTIFACTS: artifacts,
    },
  );
}

if (wants('deploy')) {
  // Built API processes side by side (roles, drains, outages through cuttable proxies, many
  // instances on PostgreSQL and Redis, a rolling restart under load) and the Docker image where an engine answers: one worker,
  // after the database passes, so their builds and processes have the machine to themselves.
  jest('deployment specs', ['-c', 'apps/api/deploy/jest.config.ts'], {
    ...verdicts,
    PAYRAIL_TEST_DB: 'postgres',
    TEST_DATABASE_URL: postgresUrl ?? '',
  });
}

if (wants('clone')) {
  // A fresh clone of HEAD with nothing beside it runs the sandbox and gateway suites green: the
  // repository carries every file its specs read.
  check('a fresh clone passes on its own', process.execPath, ['scripts/check-clean-clone.mjs']);
}

if (wants('console')) {
  // The console: its unit specs in jsdom, then the browser suite in Chromium against the built console.
  jest('console unit specs', ['-c', 'apps/console/jest.config.ts', '--maxWorkers=2']);
  if (check('build the console', 'npx', ['nx', 'build', 'console', '--output-style=stream'])) {
    jest('console in Chromium', ['-c', 'apps/console-e2e/browser.jest.config.ts'], {
      PAYRAIL_TEST_DB: 'sqlite',
      TEST_DATABASE_URL: '',
    });
  }
}

if (wants('bench')) {
  // A small run of every benchmark scenario: it must complete and print its table (speed is not judged).
  const env = postgresUrl ? { BENCH_DATABASE_URL: process.env.BENCH_DATABASE_URL || postgresUrl } : {};
  check('benchmark smoke test', process.execPath, ['scripts/bench/smoke.mjs'], env);
}

if (wants('sqlite') || wants('postgres')) {
  // Last: no card number, CVC, gateway secret or token, or Payrail key in any test database or log.
  if (check('leak scan self-test', process.execPath, ['scripts/leak-scan.mjs', '--self-test']))
    check('leak scan of test databases and logs', process.execPath, ['scripts/leak-scan.mjs', artifacts]);
}

const securityReport = join(root, 'tmp', 'security', 'report.json');
if (wants('security') && existsSync(securityReport)) {
  const { audit } = JSON.parse(readFileSync(securityReport, 'utf8'));
  if (audit.status === 'unavailable')
    process.stdout.write(
      `\nnote: npm audit did not run (${audit.reason}): dependencies were not checked for known vulnerabilities\n`,
    );
}
process.stdout.write(`\n${failures.length ? `failed steps: ${failures.join(', ')}` : 'all steps passed'}\n`);
process.stdout.write(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(failures.length ? 1 : 0);
