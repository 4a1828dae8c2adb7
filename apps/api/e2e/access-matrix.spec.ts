import {
  listRouteAccess,
  roleAllows,
  ROLES,
  type PolicyAction,
  type PolicySubject,
  type Role,
} from '@payrail/identity';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';
import { ConsoleClient, controlClock, OWNER, type ConsoleResponse } from './identity-support';

/*
 * The generated access matrix: every id-bearing admin route × every role × a record of the
 * user's own merchant or of a foreign one. Expected: the matrix grants the role the route's
 * policy → 2xx on its own merchant and 404 on a foreign one (never 403, which would reveal that
 * the id exists); the matrix does not → 403 either way.
 */

type Side = 'own' | 'foreign';
interface World {
  api: TestApi;
  owner: ConsoleClient;
  merchant: Record<Side, string>;
  target: Record<Side, string>;
  key: Record<Side, string>;
  clients: Record<Role, ConsoleClient>;
}
interface Fixture {
  action: PolicyAction;
  subject: PolicySubject;
  /** Builds the request for one row; may create records through the global owner first. */
  request(world: World, side: Side): Promise<{ method: string; path: string; body?: unknown }>;
}

async function freshKey(w: World, side: Side): Promise<string> {
  const created = await w.owner.request('POST', '/admin/api-keys', {
    merchant_id: w.merchant[side],
    mode: 'test',
    name: 'matrix',
  });
  return created.body.id;
}

const FIXTURES: Record<string, Fixture> = {
  'GET /admin/users/:id': {
    action: 'read',
    subject: 'User',
    request: async (w, s) => ({ method: 'GET', path: `/admin/users/${w.target[s]}` }),
  },
  'PATCH /admin/users/:id': {
    action: 'update',
    subject: 'User',
    request: async (w, s) => ({
      method: 'PATCH',
      path: `/admin/users/${w.target[s]}`,
      body: { name: 'renamed by matrix' },
    }),
  },
  'POST /admin/users/:id/disable': {
    action: 'update',
    subject: 'User',
    request: async (w, s) => ({ method: 'POST', path: `/admin/users/${w.target[s]}/disable` }),
  },
  'POST /admin/users/:id/enable': {
    action: 'update',
    subject: 'User',
    request: async (w, s) => ({ method: 'POST', path: `/admin/users/${w.target[s]}/enable` }),
  },
  'POST /admin/users/:id/password-reset': {
    action: 'update',
    subject: 'User',
    request: async (w, s) => ({ method: 'POST', path: `/admin/users/${w.target[s]}/password-reset` }),
  },
  'DELETE /admin/users/:id/mfa': {
    action: 'update',
    subject: 'User',
    request: async (w, s) => ({ method: 'DELETE', path: `/admin/users/${w.target[s]}/mfa` }),
  },
  'GET /admin/users/:id/roles': {
    action: 'read',
    subject: 'RoleAssignment',
    request: async (w, s) => ({ method: 'GET', path: `/admin/users/${w.target[s]}/roles` }),
  },
  'POST /admin/users/:id/roles': {
    action: 'create',
    subject: 'RoleAssignment',
    request: async (w, s) => ({
      method: 'POST',
      path: `/admin/users/${w.target[s]}/roles`,
      body: { role: 'support', merchant_id: w.merchant[s] },
    }),
  },
  'DELETE /admin/users/:id/roles/:assignmentId': {
    action: 'delete',
    subject: 'RoleAssignment',
    request: async (w, s) => {
      const granted = await w.owner.request('POST', `/admin/users/${w.target[s]}/roles`, {
        role: 'auditor',
        merchant_id: w.merchant[s],
      });
      return { method: 'DELETE', path: `/admin/users/${w.target[s]}/roles/${granted.body.id}` };
    },
  },
  'GET /admin/merchants/:id': {
    action: 'read',
    subject: 'Merchant',
    request: async (w, s) => ({ method: 'GET', path: `/admin/merchants/${w.merchant[s]}` }),
  },
  'PATCH /admin/merchants/:id': {
    action: 'update',
    subject: 'Merchant',
    request: async (w, s) => ({
      method: 'PATCH',
      path: `/admin/merchants/${w.merchant[s]}`,
      body: { name: `Merchant ${s}` },
    }),
  },
  'GET /admin/api-keys/:id': {
    action: 'read',
    subject: 'ApiKey',
    request: async (w, s) => ({ method: 'GET', path: `/admin/api-keys/${w.key[s]}` }),
  },
  'POST /admin/api-keys/:id/revoke': {
    action: 'delete',
    subject: 'ApiKey',
    request: async (w, s) => ({ method: 'POST', path: `/admin/api-keys/${await freshKey(w, s)}/revoke` }),
  },
};

const IDENTITY_CONTROLLERS = ['UsersController', 'MerchantsController', 'ApiKeysController'];

let world: World;

beforeAll(async () => {
  const api = await startTestApi();
  const clock = controlClock(api.app);
  const owner = new ConsoleClient(api);
  await owner.login(OWNER.email, OWNER.password);
  await owner.enrolMfa(clock);
  const foreign = await owner.request('POST', '/admin/merchants', { name: 'Foreign merchant' });
  const merchant = { own: api.merchantId, foreign: foreign.body.id as string };
  const target = {} as Record<Side, string>;
  const key = {} as Record<Side, string>;
  for (const side of ['own', 'foreign'] as Side[]) {
    const user = await owner.request('POST', '/admin/users', {
      email: `target-${side}@example.com`,
      password: `target password ${side} side`,
      roles: [{ role: 'support', merchant_id: merchant[side] }],
    });
    target[side] = user.body.id;
  }
  const w: World = { api, owner, merchant, target, key, clients: {} as Record<Role, ConsoleClient> };
  for (const side of ['own', 'foreign'] as Side[]) key[side] = await freshKey(w, side);
  for (const role of ROLES) {
    const email = `matrix-${role}@example.com`;
    const password = `matrix password for ${role}`;
    await owner.request('POST', '/admin/users', {
      email,
      password,
      roles: [{ role, merchant_id: merchant.own }],
    });
    const client = new ConsoleClient(api);
    const login = await client.login(email, password);
    if (login.body.mfa.next_step === 'enroll') await client.enrolMfa(clock);
    w.clients[role] = client;
  }
  world = w;
}, 120_000);

afterAll(async () => {
  await world?.api.close();
});

const rows = Object.keys(FIXTURES).flatMap((route) =>
  ROLES.flatMap((role) => (['own', 'foreign'] as Side[]).map((side) => [route, role, side] as const)),
);

function expected(role: Role, fixture: Pick<Fixture, 'action' | 'subject'>, side: Side): string {
  if (!roleAllows(role, fixture.action, fixture.subject)) return '403';
  return side === 'own' ? '2xx' : '404';
}

const classify = (r: ConsoleResponse) => (r.status >= 200 && r.status < 300 ? '2xx' : String(r.status));

describeDb(`access matrix ${dbLabel}`, () => {
  it.each(rows)('%s as %s on a %s record', async (route, role, side) => {
    const fixture = FIXTURES[route];
    const request = await fixture.request(world, side);
    const response = await world.clients[role].request(request.method, request.path, request.body);
    expect(`${classify(response)} ${response.body?.error?.code ?? ''}`.trim()).toMatch(
      new RegExp(`^${expected(role, fixture, side)}`),
    );
    if (side === 'foreign' && response.status === 404)
      expect(JSON.stringify(response.body)).not.toContain('merchant_id');
  });

  it('covers every id-bearing route of the identity controllers', () => {
    const idRoutes = listRouteAccess(world.api.app)
      .filter((r) => IDENTITY_CONTROLLERS.includes(r.controller) && r.path.includes('/:'))
      .map((r) => `${r.method} ${r.path}`);
    expect(idRoutes.filter((r) => !FIXTURES[r])).toEqual([]);
    expect(idRoutes.length).toBe(Object.keys(FIXTURES).length);
  });

  it.each(ROLES)('the test-mode virtual terminal as %s follows the Terminal grant', async (role) => {
    const allowed = roleAllows(role, 'create', 'Terminal');
    const client = world.clients[role];
    const options = await client.request('GET', '/admin/terminal');
    expect(options.status).toBe(allowed ? 200 : 403);
    // An empty body: the policy decides before validation, so a refused role never learns more.
    const charge = await client.request('POST', '/admin/terminal/payments', {});
    expect(charge.status).toBe(allowed ? 400 : 403);
    expect(['owner', 'admin', 'platform_engineer'].includes(role)).toBe(allowed);
  });

  it('every other id-bearing admin route answers an unknown id with 403 or 404 per role, never 2xx', async () => {
    const others = listRouteAccess(world.api.app).filter(
      (r) =>
        r.path.startsWith('/admin/') &&
        r.path.includes('/:') &&
        !FIXTURES[`${r.method} ${r.path}`] &&
        r.access === 'policy',
    );
    const wrong: string[] = [];
    for (const route of others) {
      const path = route.path.replace(/:[A-Za-z_]+/g, 'zz_missing_000');
      for (const role of ROLES) {
        const response = await world.clients[role].request(
          route.method,
          path,
          ['GET', 'DELETE'].includes(route.method) ? undefined : {},
        );
        // Alert configuration is platform-wide: these users hold their roles for one merchant, so
        // they read it but every change is refused (see AlertsController).
        const platformOnly = route.method !== 'GET' && route.path.startsWith('/admin/alerts/');
        const allowed =
          !platformOnly && route.policy && roleAllows(role, route.policy.action, route.policy.subject);
        const ok = allowed ? [400, 404, 409, 422].includes(response.status) : response.status === 403;
        if (!ok)
          wrong.push(
            `${route.method} ${route.path} as ${role}: ${response.status} (expected ${allowed ? '400/404' : '403'})`,
          );
      }
    }
    expect(wrong).toEqual([]);
  }, 60_000);
});
