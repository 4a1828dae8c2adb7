import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * Where this process is in its life: starting (waiting for its schema), serving, or draining
 * after SIGTERM. Readiness reads it; the HTTP edge counts the requests in flight so a drain can
 * wait for them.
 */
@Injectable()
export class ProcessLifecycle {
  private started = false;
  private draining = false;
  private inFlight = 0;
  /** The answers not finished yet, so a drain can ask each of their clients to close. */
  private readonly open = new Set<Response>();
  private idleWaiters: Array<() => void> = [];
  /** Why the process is not serving yet, while it starts. */
  private waitingFor = 'starting';

  get isStarted(): boolean {
    return this.started;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  get startingReason(): string {
    return this.waitingFor;
  }

  waitFor(reason: string): void {
    this.waitingFor = reason;
  }

  markStarted(): void {
    this.started = true;
  }

  /** From now on readiness answers 503 and every answer asks its client to close the connection. */
  drain(): void {
    this.draining = true;
    for (const res of this.open) if (!res.headersSent) res.setHeader('Connection', 'close');
  }

  /** Resolves once no request is in flight, or after `timeoutMs`; true when it got idle. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(done);
    });
  }

  /** Express middleware: counts a request from its arrival until its response is finished or aborted. */
  readonly track = (req: Request, res: Response, next: NextFunction): void => {
    this.inFlight += 1;
    this.open.add(res);
    let counted = true;
    const finish = () => {
      if (!counted) return;
      counted = false;
      this.inFlight -= 1;
      this.open.delete(res);
      if (this.inFlight === 0) for (const waiter of this.idleWaiters.splice(0)) waiter();
    };
    res.once('finish', finish);
    res.once('close', finish);
    // A keep-alive client moves to another instance for its next request (and so does the
    // client of a request in flight at the signal: see drain()).
    if (this.draining) res.setHeader('Connection', 'close');
    next();
  };
}

/** What a `worker` process answers over HTTP: its probes and metrics, nothing else. */
export const WORKER_PATHS = /^\/(health\/[a-z]+|metrics)\/?$/;

export function workerRoutesOnly(req: Request, res: Response, next: NextFunction): void {
  if (WORKER_PATHS.test(req.path)) return next();
  res.status(404).json({
    error: {
      type: 'invalid_request_error',
      code: 'resource_missing',
      message: 'this is a Payrail worker: it serves /health/live, /health/ready and /metrics only',
    },
  });
}
