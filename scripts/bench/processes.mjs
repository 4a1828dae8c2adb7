// The processes the benchmark runs (sandboxes, API), and what it reads of them: CPU time from
// /proc/<pid>/stat, resident memory from /proc/<pid>/status, statement counts and event-loop
// delay from the API's /metrics.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import pg from 'pg';
import { apiEnv, apiNodeFlags, nodeFlags } from '../env.mjs';

export const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

export async function waitFor(url, timeoutMs = 90_000) {
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

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

/** User + system CPU time of a process, in milliseconds. */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** Current and peak resident memory, in MB. */
export function memoryMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1]);
    return { rss_mb: Math.round(kb('VmRSS') / 1024), peak_rss_mb: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return { rss_mb: null, peak_rss_mb: null };
  }
}

/** Reads the API's statement counts and the event-loop delay since the previous read (prom-client resets it). */
export async function scrape(apiUrl) {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const value = (pattern) => Number(pattern.exec(text)?.[1] ?? NaN);
  return {
    statements: value(/^payrail_db_statements\{kind="statement"\} (\S+)$/m),
    commits: value(/^payrail_db_statements\{kind="commit"\} (\S+)$/m),
    round_trips: value(/^payrail_db_statements\{kind="round_trip"\} (\S+)$/m),
    loop_max_ms: value(/^nodejs_eventloop_lag_max_seconds (\S+)$/m) * 1000,
    loop_p99_ms: value(/^nodejs_eventloop_lag_p99_seconds (\S+)$/m) * 1000,
  };
}

/** Waits until the API has gone quiet (background work such as webhook intake done), bounded. */
export async function settle(pid, { quietMs = 400, maxMs = 8_000 } = {}) {
  const deadline = Date.now() + maxMs;
  let last = cpuMs(pid);
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, quietMs));
    const now = cpuMs(pid);
    if (now - last <= 20) return;
    last = now;
  }
}

/**
 * Starts a built app; `dist/apps/api/main.js` gets the API's heap flags and environment. Its
 * standard output (the app's log) goes to `logFile` when given, so a failed operation's cause can
 * be read after the run.
 */
export function start(name, file, env, extraFlags = [], logFile = null) {
  const api = file === 'dist/apps/api/main.js';
  const log = logFile ? openSync(logFile, 'w') : 'ignore';
  const child = spawn(process.execPath, [...(api ? apiNodeFlags : nodeFlags), ...extraFlags, file], {
    env: api ? apiEnv(env) : env,
    stdio: ['ignore', log, 'inherit'],
  });
  if (typeof log === 'number') closeSync(log);
  child.on('exit', (code, signal) => {
    if (!child.stopping) process.stderr.write(`${name} exited (${signal ?? code}) during the benchmark\n`);
  });
  return child;
}

export function stop(child) {
  if (!child || child.exitCode !== null) return Promise.resolve();
  child.stopping = true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function createApiKey(env) {
  const cli = spawnSync(
    process.execPath,
    ['dist/apps/api/cli.js', 'api-key', 'create', '--merchant', 'default', '--mode', 'test'],
    { env, encoding: 'utf8' },
  );
  const key = cli.stdout.trim().split('\n').pop();
  if (!key?.startsWith('pr_test_')) throw new Error(`could not create an API key: ${cli.stderr}`);
  return key;
}

/** A fresh PostgreSQL database for one run, dropped afterwards. */
export async function scratchDatabase(serverUrl, name) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
