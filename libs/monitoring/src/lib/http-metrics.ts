import type { NextFunction, Request, Response } from 'express';
import { recordHttpRequest } from './metrics';

/** The matched route's template (`/v1/payments/:id`), never the path a client sent; `unmatched` when no route took it. */
export function routeTemplate(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : 'unmatched';
}

/** Express middleware: times every request into `payrail_http_request_duration_seconds`. */
export function httpMetrics() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      recordHttpRequest(routeTemplate(req), req.method, res.statusCode, seconds);
    });
    next();
  };
}
