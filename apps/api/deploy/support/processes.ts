import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';

/** The workspace root, where `dist/apps/api` is built. */
export function workspaceRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) dir = dirname(dir);
  return dir;
}

export const root = workspaceRoot();

/** Builds the API once per spec file (Nx's cache makes a second build of the same sources instant). */
export function buildApi(): void {
  const build = spawnSync('npx', ['nx', 'build', 'api', '--output-style=stream'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
  });
  if (build.status !== 0)
    throw new Error(`nx build api failed: ${build.stdout.slice(-3000)}${build.stderr.slice(-3000)}`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The environment every spawned server shares: quiet, no console, the test admin. */
export function serverEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PAYRAIL_SANDBOX: 'off',
    PAYRAIL_CONSOLE_DIR: 'off',
    PAYRAIL_ADMIN_EMAIL: 'owner@example.com',
    PAYRAIL_ADMIN_PASSWORD: 'correct-horse-battery-staple',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

export interface ServerProcess {
  name: string;
  port: number;
  url: string;
  child: ChildProcess;
  /** Everything it printed. */
  output(): string;
  /** Resolves with the exit code (or signal) once it has exited. */
  exited: Promise<number | string>;
}

/** Starts `dist/apps/api/main.js` with this environment (PORT chosen here). */
export async function startServer(
  name: string,
  env: Record<string, string>,
  options: { waitReady?: boolean; port?: number } = {},
): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [join(root, 'dist/apps/api/main.js')], {
    cwd: root,
    env: serverEnv({ PORT: String(port), PAYRAIL_PUBLIC_URL: `http://127.0.0.1:${port}`, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const server: ServerProcess = {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    exited,
  };
  if (options.waitReady !== false) await waitUntil(server, (status) => status === 200, 60_000);
  return server;
}

/** Polls `/health/ready` until `accept(status)`; throws with the process's output past the deadline. */
export async function waitUntil(
  server: ServerProcess,
  accept: (status: number | null) => boolean,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (server.child.exitCode !== null || server.child.signalCode !== null)
      throw new Error(`${server.name} exited: ${server.output().slice(-3000)}`);
    const status = await readyStatus(server.url);
    if (accept(status)) return Date.now() - started;
    if (Date.now() - started > timeoutMs)
      throw new Error(
        `${server.name}: readiness still ${status} after ${timeoutMs} ms: ${server.output().slice(-3000)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function readyStatus(url: string): Promise<number | null> {
  try {
    const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(4000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return null;
  }
}

/** Runs `dist/apps/api/cli.js`; stdout, stderr and the exit status. */
export function cli(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [join(root, 'dist/apps/api/cli.js'), ...args], {
    cwd: root,
    env: serverEnv(env),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A merchant test key from `payrail api-key create` (the last line it prints). */
export function createApiKey(env: Record<string, string>): string {
  const created = cli(['api-key', 'create', '--merchant', 'default', '--mode', 'test'], env);
  if (created.status !== 0) throw new Error(`api-key create failed: ${created.stderr}`);
  return created.stdout.trim().split('\n').at(-1)!.trim();
}

/**
 * A TCP proxy in front of PostgreSQL or Redis that a test can cut (every connection reset, new
 * ones refused) and restore, so an outage is simulated without touching the shared servers.
 */
export interface CuttableProxy {
  port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startProxy(targetHost: string, targetPort: number): Promise<CuttableProxy> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = connect(targetPort, targetHost);
        sockets.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });
  await listen();
  return {
    get port() {
      return port;
    },
    cut: stop,
    restore: listen,
    close: stop,
  };
}
