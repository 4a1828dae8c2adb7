import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { INestApplication } from '@nestjs/common';

/** Paths the console never answers, so a mistyped API URL still gets the API's JSON 404. */
export const API_PREFIXES = [
  '/v1',
  '/admin',
  '/webhooks',
  '/health',
  '/docs',
  '/docs-json',
  '/metrics',
  // The checkout: its module, the hosted payment page and the page 3-D Secure returns to.
  '/checkout.js',
  '/checkout',
  '/pay',
] as const;

export function isApiPath(path: string): boolean {
  return API_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/**
 * Serves the built console at `/`: its files as they are, and `index.html` for any other GET that
 * asks for a page (the console's own routes, such as /payments/pay_123), never for an API path.
 * Returns false when the folder holds no build, so the caller can say how to make one.
 */
export function serveConsole(app: INestApplication, dir: string): boolean {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return false;
  const files = express.static(dir, {
    index: false,
    fallthrough: true,
    // File names carry a content hash, except index.html which must always be fresh.
    setHeaders: (res, path) =>
      res.setHeader(
        'Cache-Control',
        path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
      ),
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApiPath(req.path)) return next();
    files(req, res, () => {
      if (/\.[a-z0-9]+$/i.test(req.path) || !req.accepts('html')) return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    });
  });
  return true;
}
