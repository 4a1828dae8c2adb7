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
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * SIGTERM (an orchestrator) and SIGINT (Ctrl-C) drain the process: readiness turns 503 at once;
 * on SIGTERM new requests are still served for `delayMs` while load balancers notice; then the
 * server stops accepting connections, requests in flight finish, the modules close (running
 * jobs finish, the database closes last) and the process exits. Past `graceMs` it exits anyway:
 * a job cut short is retried by another worker once its lease lapses.
 */
export function drainOnSignals(app: INestApplication, config: PayrailConfig, options: ShutdownOptions): void {
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
    const forced = setTimeout(() => {
      options.logger.warn(
        { in_flight: lifecycle.requestsInFlight },
        'the shutdown grace is over: exiting now',
      );
      exit(1);
    }, options.graceMs);
    forced.unref();
    if (signal === 'SIGTERM') await sleep(Math.min(options.delayMs, left()));
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await lifecycle.idle(left());
    server.closeIdleConnections?.();
    await Promise.race([closed, sleep(Math.min(1000, left()))]);
    server.closeAllConnections?.();
    await Promise.race([app.close(), sleep(left())]);
    clearTimeout(forced);
    options.logger.info({ duration_ms: Date.now() - started }, 'stopped');
    exit(0);
  };
  process.once('SIGTERM', () => void drain('SIGTERM'));
  process.once('SIGINT', () => void drain('SIGINT'));
}
