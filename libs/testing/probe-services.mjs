// Whether the services the database and BullMQ specs need answer. One implementation for both
// callers: `scripts/test.mjs` imports it and probes once per run; `libs/testing` runs it as
// `node probe-services.mjs <postgres|redis>` (a child process, so its answer is synchronous
// while jest collects a spec file) and reads one JSON verdict from stdout.
import { connect } from 'node:net';
import { get } from 'node:http';
import { pathToFileURL } from 'node:url';
import pg from 'pg';

const LIMIT_MS = 4000;

/** Where a URL points, without its credentials, for a reason a person reads. */
function where(raw) {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return 'the given URL';
  }
}

async function postgresAnswers(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: LIMIT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return error?.message || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function dockerAnswers() {
  const host = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  let target;
  if (host.startsWith('unix://')) target = { socketPath: host.slice('unix://'.length) };
  else {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    target = { host: url.hostname, port: url.port };
  }
  return new Promise((resolve) => {
    const request = get({ ...target, path: '/_ping', timeout: LIMIT_MS }, (response) => {
      response.resume();
      resolve(response.statusCode === 200 ? null : `the engine answered ${response.statusCode}`);
    });
    request.on('timeout', () => {
      request.destroy();
      resolve(`no answer within ${LIMIT_MS / 1000} s`);
    });
    request.on('error', (error) => resolve(error.message));
  });
}

function redisAnswers(raw) {
  const url = new URL(raw);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port || 6379), url.hostname || '127.0.0.1');
    const done = (problem) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(LIMIT_MS, () => done(`no answer within ${LIMIT_MS / 1000} s`));
    socket.on('error', (error) => done(error.message));
    socket.on('connect', () => {
      const user = url.username ? `${decodeURIComponent(url.username)} ` : '';
      const auth = url.password ? `AUTH ${user}${decodeURIComponent(url.password)}\r\n` : '';
      socket.write(`${auth}PING\r\n`);
    });
    let seen = '';
    socket.on('data', (chunk) => {
      seen += chunk;
      if (seen.includes('+PONG')) done(null);
      else if (seen.startsWith('-')) done(seen.trim());
    });
  });
}

/** PostgreSQL: TEST_DATABASE_URL answering, else a Docker engine for Testcontainers. */
export async function probePostgres(url = process.env.TEST_DATABASE_URL) {
  if (url) {
    const problem = await postgresAnswers(url);
    return problem
      ? { available: false, reason: `PostgreSQL at ${where(url)} did not answer (${problem})` }
      : { available: true };
  }
  const problem = await dockerAnswers();
  return problem
    ? {
        available: false,
        reason: `TEST_DATABASE_URL is not set and no Docker engine answered for Testcontainers (${problem})`,
      }
    : { available: true };
}

/** Redis for the BullMQ specs: REDIS_URL_TEST answering PING. */
export async function probeRedis(url = process.env.REDIS_URL_TEST) {
  if (!url) return { available: false, reason: 'REDIS_URL_TEST is not set (e.g. redis://127.0.0.1:6379)' };
  const problem = await redisAnswers(url);
  return problem
    ? { available: false, reason: `Redis at ${where(url)} did not answer (${problem})` }
    : { available: true };
}

/** The environment that hands both verdicts to the specs, so they need not probe again. */
export function verdictEnv(postgres, redis) {
  const value = (v) => (v.available ? 'available' : v.reason);
  return {
    PAYRAIL_PROBED_POSTGRES: value(postgres),
    PAYRAIL_PROBED_REDIS: value(redis),
    PAYRAIL_PROBES_ANNOUNCED: '1',
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const which = process.argv[2];
  const verdict =
    which === 'postgres' ? await probePostgres() : which === 'redis' ? await probeRedis() : null;
  if (!verdict) {
    process.stderr.write('usage: node probe-services.mjs <postgres|redis>\n');
    process.exit(64);
  }
  process.stdout.write(`${JSON.stringify(verdict)}\n`);
}
