import type { Express } from 'express';
import { listRouteAccess } from '@payrail/identity';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

let api: TestApi;

/** The /v1 routes a browser reaches with a payment session's client secret instead of a key. */
const CLIENT_SECRET_ROUTES = new Set([
  'GET /v1/payment_sessions/:id/client',
  'POST /v1/payment_sessions/:id/confirm',
  'POST /v1/payment_sessions/:id/gateway_order',
]);

beforeAll(async () => {
  api = await startTestApi({ memory: true });
}, 60_000);

afterAll(async () => {
  await api?.close();
});

/** The routes Express actually serves (method and path), from its router stack. */
function expressRoutes(app: Express): string[] {
  const stack =
    (app as unknown as { router?: { stack: unknown[] }; _router?: { stack: unknown[] } }).router?.stack ??
    (app as unknown as { _router: { stack: unknown[] } })._router.stack;
  const out: string[] = [];
  for (const layer of stack as Array<{ route?: { path: string; methods: Record<string, boolean> } }>) {
    if (!layer.route) continue;
    for (const method of Object.keys(layer.route.methods))
      out.push(`${method.toUpperCase()} ${layer.route.path}`);
  }
  return out;
}

describeDb(`every route declares its access ${dbLabel}`, () => {
  it('no route of the running app is without @Public, @ApiKeyAuth, @RequirePolicy or @Authenticated', () => {
    const routes = listRouteAccess(api.app);
    expect(routes.length).toBeGreaterThan(20);
    const undeclared = routes
      .filter((r) => r.access === 'none')
      .map((r) => `${r.method} ${r.path} (${r.controller}.${r.handler})`);
    expect(undeclared).toEqual([]);
  });

  it('the scan sees every route Express serves, so none escapes it', () => {
    const scanned = new Set(listRouteAccess(api.app).map((r) => `${r.method} ${r.path}`));
    const served = expressRoutes(api.app.getHttpAdapter().getInstance() as Express).filter(
      (r) => !/^(GET|HEAD) \/docs/.test(r),
    );
    expect(served.length).toBeGreaterThan(20);
    expect(served.filter((r) => !scanned.has(r) && !scanned.has(r.replace(/^HEAD/, 'GET')))).toEqual([]);
  });

  it('the public routes are exactly the intended ones', () => {
    const open = listRouteAccess(api.app)
      .filter((r) => r.access === 'public')
      .map((r) => `${r.method} ${r.path}`);
    // A new public route is added here on purpose, with the reason it needs no credentials.
    const INTENDED = [
      /^GET \/health\//, // load balancers and orchestrators
      /^GET \/metrics$/, // Prometheus scrapes
      /^POST \/webhooks\//, // gateways deliver here; the plugin verifies the signature
      /^POST \/admin\/auth\/(login|password-reset)$/, // what a signed-out user can do
      // a customer's browser with a session's client secret, checked by the route itself
      /^(GET \/v1\/payment_sessions\/:id\/client|POST \/v1\/payment_sessions\/:id\/(confirm|gateway_order))$/,
      // the checkout module and the hosted payment page, which a customer opens without credentials
      /^GET \/(checkout\.js|checkout\/(hosted|return)\.js|pay\/:id|pay\/:id\/return)$/,
    ];
    expect(open.filter((route) => !INTENDED.some((pattern) => pattern.test(route)))).toEqual([]);
    expect(open).toEqual(
      expect.arrayContaining([
        'GET /health/live',
        'GET /health/ready',
        'POST /webhooks/:connectionId',
        'POST /admin/auth/login',
      ]),
    );
  });

  it('/v1 routes need a merchant key, /admin routes a console session', () => {
    for (const route of listRouteAccess(api.app)) {
      if (route.path.startsWith('/v1/') && !CLIENT_SECRET_ROUTES.has(`${route.method} ${route.path}`))
        expect(`${route.method} ${route.path} ${route.access}`).toMatch(/ api_key$/);
      if (route.path.startsWith('/admin/') && !/^\/admin\/auth\/(login|password-reset)$/.test(route.path)) {
        expect(`${route.method} ${route.path} ${route.access}`).toMatch(/ (policy|authenticated)$/);
      }
    }
  });

  it('an anonymous request to an admin route is refused', async () => {
    const anonymous = await fetch(`${api.url}/admin/users`);
    expect(anonymous.status).toBe(401);
  });
});
