import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { Request, Response } from 'express';
import pino from 'pino';
import { loadConfig } from './config';
import { ProcessLifecycle } from './lifecycle';
import { drainOnSignals } from './shutdown';

/**
 * The drain on a real HTTP server with keep-alive clients: what a balancer's pooled connection
 * sees in each step, and the exit code within and past the grace.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  connection: string | undefined;
  body: string;
}

function get(port: number, path: string, agent: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res: IncomingMessage) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('draining on SIGTERM', () => {
  let server: Server;
  let port: number;
  let lifecycle: ProcessLifecycle;
  let agent: Agent;
  let modulesClosed: boolean;
  let exits: Array<{ code: number; at: number }>;
  const sockets = new Set<Socket>();

  beforeEach(async () => {
    lifecycle = new ProcessLifecycle();
    lifecycle.markStarted();
    modulesClosed = false;
    exits = [];
    server = createServer((req, res) =>
      lifecycle.track(req as Request, res as unknown as Response, () => {
        const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? 0);
        const timer = setTimeout(() => res.end(lifecycle.isDraining ? 'draining' : 'ok'), ms);
        res.once('close', () => clearTimeout(timer));
      }),
    );
    server.keepAliveTimeout = 65_000;
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    agent = new Agent({ keepAlive: true });
  });

  afterEach(async () => {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const start = (env: Record<string, string>) => {
    const app = {
      get: () => lifecycle,
      getHttpServer: () => server,
      close: async () => {
        modulesClosed = true;
      },
    } as unknown as INestApplication;
    const config = loadConfig(env);
    return drainOnSignals(app, config, {
      delayMs: config.shutdownDelayMs,
      graceMs: config.shutdownGraceMs,
      logger: pino({ level: 'silent' }),
      exit: (code) => exits.push({ code, at: Date.now() }),
      listen: false,
    });
  };

  it('serves through the delay with Connection: close, then closes the listener and idle connections, finishes the request in flight and exits 0', async () => {
    // Client and server share this process: on a loaded machine its turns come late, so each step
    // has a second or more of room (a delay of 1 s, a request in flight for 2.5 s, a grace of 10 s).
    const drain = start({ PAYRAIL_SHUTDOWN_DELAY_MS: '1000', PAYRAIL_SHUTDOWN_GRACE_MS: '10000' });
    // A pooled connection, idle by the time of the signal.
    expect(await get(port, '/', agent)).toMatchObject({ status: 200, connection: 'keep-alive' });
    expect(sockets.size).toBe(1);
    const inFlight = get(port, '/?ms=2500', new Agent({ keepAlive: true }));
    await sleep(50);
    const signalled = Date.now();
    const drained = drain('SIGTERM');

    // Within the delay: still served, on a new connection too, each told to close.
    const during = await get(port, '/', new Agent({ keepAlive: true }));
    expect(during).toEqual({ status: 200, connection: 'close', body: 'draining' });
    await sleep(1100);
    // After it: nothing listens, the idle pooled connection is gone, the request in flight is not.
    await expect(get(port, '/', new Agent())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(sockets.size).toBe(1);
    expect(await inFlight).toEqual({ status: 200, connection: 'close', body: 'draining' });
    await drained;
    expect(modulesClosed).toBe(true);
    expect(exits).toEqual([{ code: 0, at: expect.any(Number) }]);
    // Once the request in flight ends, not at the end of the grace.
    expect(exits[0].at - signalled).toBeLessThan(5000);
    await sleep(50); // a closed socket says so on the next turn
    expect(sockets.size).toBe(0);
  });

  it('a worker goes on at once: no delay, exit 0', async () => {
    const drain = start({
      PAYRAIL_ROLE: 'worker',
      DATABASE_URL: 'postgres://127.0.0.1/none',
      PAYRAIL_SHUTDOWN_DELAY_MS: '3000',
    });
    const signalled = Date.now();
    await drain('SIGTERM');
    expect(exits.map((e) => e.code)).toEqual([0]);
    // Sooner than the 3 s delay an api instance would wait.
    expect(exits[0].at - signalled).toBeLessThan(3000);
  });

  it('past the grace exits 1, cutting the request still in flight', async () => {
    const drain = start({ PAYRAIL_SHUTDOWN_DELAY_MS: '0', PAYRAIL_SHUTDOWN_GRACE_MS: '600' });
    const stuck = get(port, '/?ms=5000', agent).catch((error: NodeJS.ErrnoException) => error.code);
    await sleep(50);
    const signalled = Date.now();
    // The drain ends with the exit; waiting for it, not for a fixed pause, reads the exit code.
    await drain('SIGTERM');
    expect(exits.map((e) => e.code)).toEqual([1]);
    expect(exits[0].at - signalled).toBeGreaterThanOrEqual(550);
    expect(await stuck).toBe('ECONNRESET');
  });
});
