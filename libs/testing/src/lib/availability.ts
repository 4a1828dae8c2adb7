import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

/**
 * Whether the services a suite needs can be had, decided synchronously while jest collects the
 * file: a suite that cannot get its database must be reported as skipped, which only
 * `describe.skip` decided at collection time achieves (a test that returns early counts as
 * passed). `npm test` probes once and hands the verdict down in the environment; a plain
 * `npx jest` probes here, once per test file.
 */
export type Availability = { available: true } | { available: false; reason: string };

/** Which database this run's integration specs use: `PAYRAIL_TEST_DB=postgres`, else SQLite. */
export function testDatabaseKind(): 'sqlite' | 'postgres' {
  return process.env['PAYRAIL_TEST_DB'] === 'postgres' ? 'postgres' : 'sqlite';
}

/** Env names `scripts/test.mjs` sets after probing: `available`, or the reason a service is missing. */
export const PROBE_ENV = { postgres: 'PAYRAIL_PROBED_POSTGRES', redis: 'PAYRAIL_PROBED_REDIS' } as const;

/** The one probe implementation, shared with `scripts/test.mjs`. */
const PROBE_SCRIPT = join(__dirname, '..', '..', 'probe-services.mjs');

/** Runs the probe in a child process: the only way to get its answer synchronously. */
function probe(service: 'postgres' | 'redis'): Availability {
  const result = spawnSync(process.execPath, [PROBE_SCRIPT, service], { encoding: 'utf8', timeout: 15_000 });
  try {
    return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as Availability;
  } catch {
    const detail = (result.stderr || result.error?.message || `exit ${result.status}`).trim().split('\n')[0];
    return { available: false, reason: `the ${service} probe failed (${detail})` };
  }
}

const cache = new Map<string, Availability>();

function probed(service: 'postgres' | 'redis'): Availability {
  const cached = cache.get(service);
  if (cached) return cached;
  const handed = process.env[PROBE_ENV[service]];
  const verdict: Availability =
    handed === undefined || handed === ''
      ? probe(service)
      : handed === 'available'
        ? { available: true }
        : { available: false, reason: handed };
  cache.set(service, verdict);
  return verdict;
}

/** PostgreSQL for this run: TEST_DATABASE_URL answering, else a Docker engine for Testcontainers. */
export function postgresAvailability(): Availability {
  return probed('postgres');
}

/** Redis for the BullMQ specs: REDIS_URL_TEST answering PING. */
export function redisAvailability(): Availability {
  return probed('redis');
}

/** The database this run asked for: SQLite is always there; PostgreSQL when it answers. */
export function testDatabaseAvailability(): Availability {
  return testDatabaseKind() === 'sqlite' ? { available: true } : postgresAvailability();
}

/**
 * Prints why suites are skipped, once per jest run (the marker is per parent process, so the
 * workers of one run share it) and not at all when `npm test` already said it.
 */
function announce(what: string, reason: string): void {
  if (process.env['PAYRAIL_PROBES_ANNOUNCED'] === '1') return;
  const run = process.env['JEST_WORKER_ID'] ? process.ppid : process.pid;
  const marker = join(
    tmpdir(),
    `payrail-skip-${run}-${createHash('sha256').update(`${what}\n${reason}`).digest('hex').slice(0, 12)}`,
  );
  if (existsSync(marker)) return;
  try {
    writeFileSync(marker, reason, { flag: 'wx' });
  } catch {
    return; // another worker of this run got there first
  }
  process.stdout.write(`${what} skipped: ${reason}\n`);
}

type Describe = typeof describe;

function describeWhen(what: string, verdict: Availability): Describe {
  if (verdict.available) return describe;
  announce(what, verdict.reason);
  // The reason goes into the suite's name too, so a report lists why each suite did not run.
  const skip = ((name: string, fn: () => void) =>
    describe.skip(`${name} [skipped: ${verdict.reason}]`, fn)) as unknown as Describe;
  return Object.assign(skip, { skip: describe.skip, each: describe.skip.each });
}

/** `describe` when this run's database (see `testDatabaseKind`) can be had, else a jest skip. */
export function describeWithDatabase(): Describe {
  return describeWhen(`${testDatabaseKind()} database specs`, testDatabaseAvailability());
}

/** `describe` when PostgreSQL can be had, else a jest skip (for suites that only run there). */
export function describeWithPostgres(): Describe {
  return describeWhen('PostgreSQL specs', postgresAvailability());
}

/** `describe` when REDIS_URL_TEST answers, else a jest skip. */
export function describeWithRedis(): Describe {
  return describeWhen('Redis (BullMQ) specs', redisAvailability());
}

/** `describe` when both this run's database and Redis can be had (the API on BullMQ). */
export function describeWithDatabaseAndRedis(): Describe {
  const database = testDatabaseAvailability();
  if (!database.available) return describeWhen(`${testDatabaseKind()} database specs`, database);
  return describeWhen('Redis (BullMQ) specs', redisAvailability());
}
