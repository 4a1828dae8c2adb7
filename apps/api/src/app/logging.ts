import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerService } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import pino, { type Logger } from 'pino';
import { redact, redactText } from '@payrail/plugin-sdk';
import { randomHex } from '@payrail/database';

// Only with `LOG_REQUEST_IDS=all`: while any async-local store is in use, Node 20 hands it on at
// every promise and asynchronous step the process makes (decision 0063).
const requestScope = new AsyncLocalStorage<{ requestId: string }>();

function currentRequestId(): string | undefined {
  return requestScope.getStore()?.requestId;
}

/** One JSON logger for the process: nothing secret, and the request id on the lines `requestContext` says. */
export function createRootLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'payrail-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { request_id: requestId } : {};
      },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? redactText(a) : redact(a))) as Parameters<typeof method>,
          );
        },
      },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** How long a log line may wait for others to be written with: a busy API writes a block, not a line, at a time. */
export const LOG_FLUSH_MS = 100;

/**
 * A destination written asynchronously, in blocks: lines gather until there are 4 kB of them or
 * `LOG_FLUSH_MS` has passed, then go out in one write, so a busy API neither waits on its log
 * nor pays a write for each request's line. What is still gathered is written when the process
 * exits; a kill -9 loses at most the last `LOG_FLUSH_MS` of lines.
 */
export function bufferedDestination(dest: 1 | 2 | string): pino.DestinationStream {
  return pino.destination({
    dest,
    sync: false,
    minLength: 4096,
    periodicFlush: LOG_FLUSH_MS,
    ...(typeof dest === 'string' ? { append: true, mkdir: true } : {}),
  });
}

/** Stdout, and the log file as well when one is configured (`PAYRAIL_LOG_FILE`). */
export function logDestination(logFile?: string): pino.DestinationStream {
  const stdout = bufferedDestination(1);
  if (!logFile) return stdout;
  return pino.multistream([{ stream: stdout }, { stream: bufferedDestination(logFile) }]);
}

/** Nest's logger interface on top of pino. */
export class JsonLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}

const INCOMING_ID = /^[A-Za-z0-9._:-]{8,100}$/;

/**
 * Gives each request an id (or keeps a well-formed one the caller sent), returns it in
 * `Request-Id`, and logs the request once it ends, with its id. With `everyLine`
 * (`LOG_REQUEST_IDS=all`) every line written while the request runs carries that id too.
 */
export function requestContext(logger: Logger, { everyLine = false }: { everyLine?: boolean } = {}) {
  return (req: Request & { requestId?: string }, res: Response, next: NextFunction) => {
    const incoming = req.header('request-id') ?? req.header('x-request-id');
    const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : `req_${randomHex(12)}`;
    req.requestId = requestId;
    res.setHeader('Request-Id', requestId);
    const started = performance.now();
    res.on('finish', () => {
      logger.info(
        {
          request_id: requestId,
          method: req.method,
          path: req.originalUrl.split('?')[0],
          status: res.statusCode,
          duration_ms: Math.round(performance.now() - started),
        },
        'request',
      );
    });
    if (everyLine) requestScope.run({ requestId }, () => next());
    else next();
  };
}
