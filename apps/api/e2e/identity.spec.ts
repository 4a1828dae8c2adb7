import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';
import { ConsoleClient, controlClock, OWNER, totp } from './identity-support';
import { AuditService } from '@payrail/audit';

let api: TestApi;
let clock: ReturnType<typeof controlClock>;
let owner: ConsoleClient;
let ownerMfa: { secret: string; recoveryCodes: string[] };
const MIN = 60_000;

beforeAll(async () => {
  // Loopback plays the TLS-terminating proxy in front (X-Forwarded-Proto), as configured in production.
  api = await startTestApi({ env: { PAYRAIL_TRUST_PROXY: '127.0.0.1' } });
  clock = controlClock(api.app);
  owner = new ConsoleClient(api);
  const login = await owner.login(OWNER.email, OWNER.password);
  expect(login.status).toBe(200);
  ownerMfa = await owner.enrolMfa(clock);
}, 60_000);

afterAll(async () => {
  await api?.close();
});

afterEach(() => clock?.reset());

const test = (name: string, fn: (api: TestApi) => Promise<void>, timeout = 30_000) =>
  it(
    name,
    async () => {
      await fn(api);
    },
    timeout,
  );

let seq = 0;
async function newUser(
  role: string,
  extra: { password?: string; merchantId?: string | null } = {},
): Promise<{ id: string; email: string; password: string }> {
  const email = `user${++seq}-${role}@example.com`;
  const password = extra.password ?? `Long enough pass ${seq} for ${role}`;
  const created = await owner.request('POST', '/admin/users', {
    email,
    name: role,
    password,
    roles: [{ role, merchant_id: extra.merchantId === undefined ? api!.merchantId : extra.merchantId }],
  });
  expect(created.status).toBe(201);
  return { id: created.body.id, email, password };
}

async function auditActions(resourceId: string): Promise<string[]> {
  const page = await api!.app.get(AuditService).list({ resourceId }, { limit: 100, order: 'asc' });
  return page.items.map((e) => `${e.action}:${e.outcome}`);
}

describeDb(`console identity ${dbLabel}`, () => {
  test('the first owner must enrol MFA before any admin route, then reaches them', async (api) => {
    const fresh = new ConsoleClient(api);
    const login = await fresh.login(OWNER.email, OWNER.password);
    expect(login.status).toBe(200);
    // Enrolled in beforeAll: this new session must verify a code first.
    expect(login.body.mfa).toMatchObject({
      enrolled: true,
      required: true,
      verified: false,
      next_step: 'verify',
    });
    const blocked = await fresh.request('GET', '/admin/users');
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('mfa_verification_required');
    expect((await fresh.request('GET', '/admin/me')).status).toBe(200);
    clock.advance(60_000);
    const verified = await fresh.request('POST', '/admin/auth/mfa/verify', {
      code: await totp(ownerMfa.secret, clock.now()),
    });
    expect(verified.status).toBe(200);
    expect(verified.body.mfa.next_step).toBe('none');
    expect((await fresh.request('GET', '/admin/users')).status).toBe(200);
  });

  test('an owner who has not enrolled gets only the enrolment routes', async (api) => {
    const second = await newUser('owner', { merchantId: null });
    const client = new ConsoleClient(api);
    const login = await client.login(second.email, second.password);
    expect(login.body.mfa.next_step).toBe('enroll');
    const blocked = await client.request('GET', '/admin/merchants');
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('mfa_enrollment_required');
    const { recoveryCodes } = await client.enrolMfa(clock);
    expect(recoveryCodes).toHaveLength(10);
    expect((await client.request('GET', '/admin/merchants')).status).toBe(200);
    expect(await auditActions(second.id)).toContain('mfa.enrolled:success');
  });

  test('a TOTP code and a recovery code are each accepted once', async (api) => {
    const client = new ConsoleClient(api);
    clock.advance(2 * MIN);
    const code = await totp(ownerMfa.secret, clock.now());
    const first = await client.login(OWNER.email, OWNER.password, { code });
    expect(first.status).toBe(200);
    expect(first.body.mfa.verified).toBe(true);
    const again = await new ConsoleClient(api).login(OWNER.email, OWNER.password, { code });
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({ code: 'mfa_code_invalid', param: 'code' });
    const other = new ConsoleClient(api);
    await other.login(OWNER.email, OWNER.password);
    const recovery = ownerMfa.recoveryCodes[0];
    expect((await other.request('POST', '/admin/auth/mfa/verify', { recovery_code: recovery })).status).toBe(
      200,
    );
    const third = new ConsoleClient(api);
    await third.login(OWNER.email, OWNER.password);
    const reused = await third.request('POST', '/admin/auth/mfa/verify', { recovery_code: recovery });
    expect(reused.status).toBe(400);
    expect(reused.body.error.param).toBe('recovery_code');
  });

  test('10 failed sign-ins lock the account for 30 minutes; the right password fails meanwhile', async (api) => {
    const user = await newUser('finance');
    const client = new ConsoleClient(api);
    for (let i = 0; i < 10; i++)
      expect((await client.login(user.email, 'wrong password number ' + i)).status).toBe(401);
    const locked = await client.login(user.email, user.password);
    expect(locked.status).toBe(401);
    expect(locked.body.error.code).toBe('invalid_credentials');
    clock.advance(29 * MIN);
    expect((await client.login(user.email, user.password)).status).toBe(401);
    clock.advance(MIN + 1000);
    expect((await client.login(user.email, user.password)).status).toBe(200);
    const actions = await auditActions(user.id);
    expect(actions.filter((a) => a === 'auth.login_failed:failure')).toHaveLength(12);
    expect(actions).toContain('auth.lockout:success');
    expect(actions).toContain('auth.login:success');
  });

  test('a session ends after 15 idle minutes, and at 12 hours however active', async (api) => {
    const user = await newUser('support');
    const idle = new ConsoleClient(api);
    await idle.login(user.email, user.password);
    clock.advance(14 * MIN);
    expect((await idle.request('GET', '/admin/me')).status).toBe(200);
    clock.advance(14 * MIN);
    expect((await idle.request('GET', '/admin/me')).status).toBe(200);
    clock.advance(15 * MIN);
    const expired = await idle.request('GET', '/admin/me');
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('session_expired');
    clock.reset();

    const busy = new ConsoleClient(api);
    await busy.login(user.email, user.password);
    for (let minutes = 10; minutes < 12 * 60; minutes += 10) {
      clock.advance(10 * MIN);
      expect((await busy.request('GET', '/admin/me')).status).toBe(200);
    }
    clock.advance(10 * MIN);
    const absolute = await busy.request('GET', '/admin/me');
    expect(absolute.status).toBe(401);
    expect(absolute.body.error.message).toMatch(/12-hour/);
  }, 60_000);

  test('disabling a user ends all their sessions at once, and they cannot sign in', async (api) => {
    const user = await newUser('auditor');
    const a = new ConsoleClient(api);
    const b = new ConsoleClient(api);
    await a.login(user.email, user.password);
    await b.login(user.email, user.password);
    expect((await a.request('GET', '/admin/me')).status).toBe(200);
    const disabled = await owner.request('POST', `/admin/users/${user.id}/disable`);
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ status: 'disabled', sessions_ended: 2 });
    expect((await a.request('GET', '/admin/me')).status).toBe(401);
    expect((await b.request('GET', '/admin/me')).status).toBe(401);
    expect((await new ConsoleClient(api).login(user.email, user.password)).status).toBe(401);
    expect(await auditActions(user.id)).toContain('user.disabled:success');
  });

  test('logout ends the session server-side: the old cookie no longer works', async (api) => {
    const user = await newUser('support');
    const client = new ConsoleClient(api);
    await client.login(user.email, user.password);
    const saved = new Map(client.cookies);
    expect((await client.request('POST', '/admin/auth/logout')).status).toBe(200);
    client.cookies = saved;
    expect((await client.request('GET', '/admin/me')).status).toBe(401);
  });

  test('sign-in issues a new session id and sets a strict HttpOnly cookie; __Host- over TLS', async (api) => {
    const user = await newUser('support');
    const client = new ConsoleClient(api);
    const first = await client.login(user.email, user.password);
    const cookie = first.headers.getSetCookie().find((c) => c.startsWith('payrail_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    const oldCookies = new Map(client.cookies);
    const second = await client.login(user.email, user.password);
    expect(second.body.session.id).not.toBe(first.body.session.id);
    const stale = new ConsoleClient(api);
    stale.cookies = oldCookies;
    expect((await stale.request('GET', '/admin/me')).status).toBe(401);

    const tls = new ConsoleClient(api, { 'x-forwarded-proto': 'https' });
    const secure = await tls.login(user.email, user.password);
    const hostCookie = secure.headers.getSetCookie().find((c) => c.startsWith('__Host-payrail_session='))!;
    expect(hostCookie).toMatch(/Secure/);
    expect(hostCookie).toMatch(/HttpOnly/);
    expect((await tls.request('GET', '/admin/me')).status).toBe(200);
  });

  test('a state-changing request without the CSRF token is refused and changes nothing', async () => {
    const user = await newUser('support');
    owner.sendCsrf = false;
    try {
      const refused = await owner.request('PATCH', `/admin/users/${user.id}`, { name: 'renamed' });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('csrf_token_invalid');
      const wrong = await owner.request('POST', `/admin/users/${user.id}/disable`, undefined, {
        'x-csrf-token': 'not-the-token',
      });
      expect(wrong.status).toBe(403);
    } finally {
      owner.sendCsrf = true;
    }
    const after = await owner.request('GET', `/admin/users/${user.id}`);
    expect(after.body).toMatchObject({ name: 'support', status: 'active' });
    const csrf = await owner.request('GET', '/admin/auth/csrf');
    expect(csrf.body.csrf_token).toBe(owner.csrf);
  });

  test('a PATCH that tries to set role, merchant_id or status is refused with 400 and changes nothing', async () => {
    const user = await newUser('support');
    for (const field of [
      { role: 'owner' },
      { merchant_id: 'mer_other' },
      { status: 'disabled' },
      { amount: 1 },
    ]) {
      const refused = await owner.request('PATCH', `/admin/users/${user.id}`, { name: 'x', ...field });
      expect(refused.status).toBe(400);
      expect(refused.body.error.param).toBe(Object.keys(field)[0]);
    }
    const after = await owner.request('GET', `/admin/users/${user.id}`);
    expect(after.body).toMatchObject({ name: 'support', status: 'active', roles: [{ role: 'support' }] });
  });

  test('passwords: 12 characters, not common, not one of the last 4', async (api) => {
    const short = await owner.request('POST', '/admin/users', {
      email: 'short@example.com',
      password: 'short',
      roles: [{ role: 'support', merchant_id: api.merchantId }],
    });
    expect(short.body.error).toMatchObject({ code: 'password_too_short', param: 'password' });
    const common = await owner.request('POST', '/admin/users', {
      email: 'common@example.com',
      password: 'Password1234',
      roles: [{ role: 'support', merchant_id: api.merchantId }],
    });
    expect(common.body.error).toMatchObject({ code: 'password_too_common', param: 'password' });
    const user = await newUser('support', { password: 'first password is long' });
    const client = new ConsoleClient(api);
    await client.login(user.email, user.password);
    const history = [
      'first password is long',
      'second password is long',
      'third password is long',
      'fourth password is long',
    ];
    for (let i = 1; i < history.length; i++) {
      const changed = await client.request('POST', '/admin/auth/password', {
        current_password: history[i - 1],
        new_password: history[i],
      });
      expect(changed.status).toBe(200);
    }
    for (const old of history) {
      const reused = await client.request('POST', '/admin/auth/password', {
        current_password: history[3],
        new_password: old,
      });
      expect(reused.status).toBe(400);
      expect(reused.body.error.code).toBe('password_reused');
    }
    expect(
      (
        await client.request('POST', '/admin/auth/password', {
          current_password: history[3],
          new_password: 'a fifth password here',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await client.request('POST', '/admin/auth/password', {
          current_password: 'a fifth password here',
          new_password: history[0],
        })
      ).status,
    ).toBe(200);
  }, 60_000);

  test('an admin issues a one-time password-reset token; it works once and ends the user sessions', async (api) => {
    const user = await newUser('support');
    const session = new ConsoleClient(api);
    await session.login(user.email, user.password);
    const issued = await owner.request('POST', `/admin/users/${user.id}/password-reset`);
    expect(issued.status).toBe(200);
    const done = await fetch(`${api.url}/admin/auth/password-reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: issued.body.reset_token, new_password: 'a brand new password' }),
    });
    expect(done.status).toBe(200);
    const again = await fetch(`${api.url}/admin/auth/password-reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: issued.body.reset_token, new_password: 'another new password' }),
    });
    expect(again.status).toBe(400);
    expect((await session.request('GET', '/admin/me')).status).toBe(401);
    expect((await new ConsoleClient(api).login(user.email, 'a brand new password')).status).toBe(200);
  });
  test('sign-in, MFA and password reset attempts past the limit get 429 with Retry-After', async (api) => {
    // Signed in first: the failed sign-ins below use up this address's allowance.
    const user = await newUser('support');
    const client = new ConsoleClient(api);
    await client.login(user.email, user.password);
    let last = { status: 0, headers: new Headers() };
    for (let i = 0; i < 21; i++)
      last = await fetch(`${api.url}/admin/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'nobody@example.com', password: 'whatever it is' }),
      });
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    let reset = { status: 0, headers: new Headers() };
    for (let i = 0; i < 11; i++)
      reset = await fetch(`${api.url}/admin/auth/password-reset`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: 'prs_nope', new_password: 'whatever it is long' }),
      });
    expect(reset.status).toBe(429);
    expect(reset.headers.get('retry-after')).toBeTruthy();
    let mfa = { status: 0 } as { status: number; headers?: Headers };
    for (let i = 0; i < 11; i++)
      mfa = await client.request('POST', '/admin/auth/mfa/verify', { code: '000000' });
    expect(mfa.status).toBe(429);
  });
});

describeDb(`merchant API keys ${dbLabel}`, () => {
  test('scopes: a read-only key reads but cannot create, capture or refund, and is told which scope', async (api) => {
    const created = await owner.request('POST', '/admin/api-keys', {
      merchant_id: api.merchantId,
      mode: 'test',
      name: 'reporting',
      scopes: ['payments:read'],
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^pr_test_/);
    const auth = { authorization: `Bearer ${created.body.secret}` };
    expect((await api.request('GET', '/v1/payments', undefined, auth)).status).toBe(200);
    const write = await api.request(
      'POST',
      '/v1/payments',
      { amount: 100, currency: 'usd', payment_method: { token: 'tok' } },
      auth,
    );
    expect(write.status).toBe(403);
    expect(write.body.error).toMatchObject({ type: 'permission_error', code: 'insufficient_scope' });
    expect(write.body.error.message).toContain('payments:write');
    const refund = await api.request('POST', '/v1/payments/pay_x/refunds', {}, auth);
    expect(refund.body.error.message).toContain('refunds:write');
    const listed = await owner.request('GET', `/admin/api-keys?merchant_id=${api.merchantId}`);
    const row = listed.body.data.find((k: { id: string }) => k.id === created.body.id);
    expect(row.prefix).toBe(created.body.secret.slice(0, 14));
    expect(row.last_used_at).not.toBeNull();
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
  });

  test('a revoked or expired key stops working', async (api) => {
    const created = await owner.request('POST', '/admin/api-keys', {
      merchant_id: api.merchantId,
      mode: 'test',
      expires_at: new Date(Date.now() + 60 * MIN).toISOString(),
    });
    const auth = { authorization: `Bearer ${created.body.secret}` };
    expect((await api.request('GET', '/v1/payments', undefined, auth)).status).toBe(200);
    clock.advance(61 * MIN);
    expect((await api.request('GET', '/v1/payments', undefined, auth)).status).toBe(401);
    clock.reset();
    const revoked = await owner.request('POST', `/admin/api-keys/${created.body.id}/revoke`);
    expect(revoked.body.revoked_at).not.toBeNull();
    expect((await api.request('GET', '/v1/payments', undefined, auth)).status).toBe(401);
    expect(await auditActions(created.body.id)).toEqual([
      'api_key.created:success',
      'api_key.revoked:success',
    ]);
  });

  test('repeated bad keys from one address get 429 with Retry-After', async (api) => {
    let last = { status: 0, headers: new Headers() } as { status: number; headers: Headers };
    for (let i = 0; i < 21; i++)
      last = await api.request('GET', '/v1/payments', undefined, {
        authorization: 'Bearer pr_test_definitelynotavalidkey0000000000',
      });
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
