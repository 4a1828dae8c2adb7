import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { PayrailConfig } from './config';
import { ProcessLifecycle } from './lifecycle';

export interface ShutdownOptions {
  /** After SIGTERM, how long the server still takes new requests while load balancers see readiness 503. */
  delayMs: number;
  /** The whole drain, delay included, is bounded by this. */
  graceMs: number;
  logger: Logger;
  exit?: (code: number) => void;
  /** Whether SIGTERM and SIGINT start the drain (true); the returned function starts it too. */
  listen?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * SIGTERM (an orchestrator) and SIGINT (Ctrl-C) drain the process: readiness turns 503 at once
 * and every answer carries `Connection: close`; on SIGTERM an instance that serves the API still
 * takes new requests for `delayMs` while load balancers notice; then the server stops accepting
 * connections and closes the idle ones (no balancer routes to it any more, so none is about to
 * be reused), requests in flight finish, the modules close (running jobs finish, the database
 * closes last) and the process exits 0. Past `graceMs` it exits 1 anyway: a request still in
 * flight is cut, a job cut short is retried by another worker once its lease lapses.
 */
export function drainOnSignals(
  app: INestApplication,
  config: PayrailConfig,
  options: ShutdownOptions,
): (signal: NodeJS.Signals) => Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const lifecycle = app.get(ProcessLifecycle);
  const server = app.getHttpServer() as Server;
  const drain = async (signal: NodeJS.Signals) => {
    if (lifecycle.isDraining) return;
    lifecycle.drain();
    const started = Date.now();
    const left = () => Math.max(0, options.graceMs - (Date.now() - started));
    options.logger.info(
      { signal, role: config.role, in_flight: lifecycle.requestsInFlight, grace_ms: options.graceMs },
      'draining: not ready, finishing the work in flight',
    );
    const overrun = () => {
      options.logger.warn(
        { in_flight: lifecycle.requestsInFlight },
        'the shutdown grace is over: exiting now',
      );
      exit(1);
    };
    // Every step below is bounded by what is left of the grace; this is the backstop.
    const forced = setTimeout(overrun, options.graceMs + 100);
    forced.unref();
    // Balancers need the delay to see readiness 503; a worker serves them nothing, so it goes on at once.
    if (signal === 'SIGTERM' && config.role !== 'worker') await sleep(Math.min(options.delayMs, left()));
    // No new connections; the idle ones close now (Node closes them with the listener), the
    // busy ones after their answer, which carries `Connection: close`.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const finished = await lifecycle.idle(left());
    server.closeIdleConnections?.();
    await Promise.race([closed, sleep(Math.min(1000, left()))]);
    // What is still open now is a request past the grace, or a client that ignored `Connection: close`.
    server.closeAllConnections?.();
    const modulesClosed = await Promise.race([
      app.close().then(
        () => true,
        (error: Error) => {
          options.logger.warn({ err: error }, 'closing the modules failed');
          return false;
        },
      ),
      sleep(left()).then(() => false),
    ]);
    clearTimeout(forced);
    if (!finished || !modulesClosed) return overrun();
    options.logger.info({ duration_ms: Date.now() - started }, 'stopped');
    exit(0);
  };
  if (options.listen !== false) {
    process.once('SIGTERM', () => void drain('SIGTERM'));
    process.once('SIGINT', () => void drain('SIGINT'));
  }
  return drain;
}
