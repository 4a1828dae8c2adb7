import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import express from 'express';
import { loadConfig } from './config';
import { serveConsole } from './console-static';

describe('serving the console at /', () => {
  let dir: string;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'payrail-console-'));
    writeFileSync(join(dir, 'index.html'), '<pr-root></pr-root>');
    writeFileSync(join(dir, 'main-ABC123.js'), 'console.log(1)');
    mkdirSync(join(dir, 'media'));
    const app = express();
    expect(serveConsole(app as unknown as INestApplication, dir)).toBe(true);
    // Stands in for the API's own routes and its JSON 404.
    app.get('/health/live', (_req, res) => res.json({ status: 'ok' }));
    app.use((_req, res) => res.status(404).json({ error: { code: 'route_not_found' } }));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, accept = 'text/html') => fetch(`${url}${path}`, { headers: { accept } });

  it('answers / and every console route with index.html, never cached', async () => {
    for (const path of ['/', '/payments/pay_123', '/login?expired=1']) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<pr-root>');
      expect(response.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('serves hashed assets with a long cache', async () => {
    const response = await get('/main-ABC123.js', '*/*');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('immutable');
  });

  it.each([
    '/v1/payments/nope',
    '/admin/nothing-here',
    '/webhooks/stripe/x',
    '/health/nope',
    '/docs/x',
    '/metrics',
  ])('never shadows the API: %s gets the API 404', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'route_not_found' } });
  });

  it('lets API routes answer as before', async () => {
    expect(await (await get('/health/live', 'application/json')).json()).toEqual({ status: 'ok' });
  });

  it('gives a missing asset a 404 rather than the page', async () => {
    expect((await get('/chunk-MISSING.js', '*/*')).status).toBe(404);
  });

  it('does nothing when no console was built', () => {
    const app = express();
    expect(serveConsole(app as unknown as INestApplication, join(dir, 'nothing'))).toBe(false);
  });

  it('reads PAYRAIL_CONSOLE_DIR: a folder, the build output by default, or off', () => {
    expect(loadConfig({}).consoleDir).toMatch(/dist\/apps\/console\/browser$/);
    expect(loadConfig({ PAYRAIL_CONSOLE_DIR: '/srv/console' }).consoleDir).toBe('/srv/console');
    expect(loadConfig({ PAYRAIL_CONSOLE_DIR: 'off' }).consoleDir).toBeNull();
  });
});
