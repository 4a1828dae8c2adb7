import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiKeyService } from '@payrail/identity';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

const signIn = (api: TestApi, email: string, headers: Record<string, string> = {}) =>
  fetch(`${api.url}/admin/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password: 'not the password at all' }),
  });

/** A different client address each call, as a proxy would forward it. */
let hosts = 0;
const forwardedFor = () => ({ 'x-forwarded-for': `198.51.100.${(hosts++ % 250) + 1}` });

/** Sign-in attempts until one is refused with 429, at most `max`; how many were allowed and the refusal. */
async function attemptsUntilLimited(max: number, next: (i: number) => Promise<Response>) {
  for (let i = 0; i < max; i++) {
    const answer = await next(i);
    if (answer.status === 429)
      return { allowed: i, answer, body: (await answer.json()) as { error: Record<string, unknown> } };
    expect(answer.status).toBe(401);
  }
  return { allowed: max, answer: null, body: null };
}

let direct: TestApi;
let proxied: TestApi;

const test = (name: string, fn: (direct: TestApi, proxied: TestApi) => Promise<void>) =>
  it(name, async () => fn(direct, proxied), 60_000);

describeDb(`limits that hold ${dbLabel}`, () => {
  beforeAll(async () => {
    direct = await startTestApi();
    // Loopback is the trusted proxy here; each request says which client it forwards.
    proxied = await startTestApi({
      env: { PAYRAIL_TRUST_PROXY: '127.0.0.1, ::1', PAYRAIL_API_KEY_RATE_LIMIT: '5/1m' },
    });
  }, 60_000);

  afterAll(async () => {
    await direct?.close();
    await proxied?.close();
  });

  test('ten emails from one address are limited (credential stuffing), whatever X-Forwarded-For says', async (api) => {
    const emails = Array.from({ length: 10 }, (_, i) => `stuffing${i}@example.com`);
    // A client on loopback, no proxy configured: the header it invents changes nothing.
    const { allowed, answer, body } = await attemptsUntilLimited(30, (i) =>
      signIn(api, emails[i % 10], forwardedFor()),
    );
    expect(allowed).toBe(20);
    expect(Number(answer?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(body?.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited' });
    expect(body?.error.message).toMatch(/from this address/);
  });

  test('one email from many addresses is limited too', async (_direct, api) => {
    const { allowed, answer, body } = await attemptsUntilLimited(30, () =>
      signIn(api, 'Target@Example.com', forwardedFor()),
    );
    expect(allowed).toBe(20);
    expect(answer?.headers.get('retry-after')).toBeTruthy();
    expect(body?.error.message).toMatch(/for this account/);
  });

  test('behind a configured proxy each client address has its own allowance', async (_direct, api) => {
    // 30 different people, one attempt each, all through the one proxy: none is limited.
    for (let i = 0; i < 30; i++) {
      const answer = await signIn(api, `person${i}@example.com`, forwardedFor());
      expect(answer.status).toBe(401);
    }
  });

  test('successful sign-ins from one address do not use up its allowance (an office behind one NAT)', async (_direct, api) => {
    for (let i = 0; i < 25; i++) {
      const answer = await fetch(`${api.url}/admin/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
        body: JSON.stringify({ email: 'owner@example.com', password: 'correct-horse-battery-staple' }),
      });
      expect(answer.status).toBe(200);
    }
    // The failures of that address and that account still count.
    const failures = await attemptsUntilLimited(30, () =>
      signIn(api, 'owner@example.com', { 'x-forwarded-for': '203.0.113.9' }),
    );
    expect(failures.allowed).toBe(20);
  });

  test('an address already refused cannot keep an account’s owner out', async (_direct, api) => {
    const attacker = { 'x-forwarded-for': '192.0.2.66' };
    const spent = await attemptsUntilLimited(30, (i) => signIn(api, `filler${i}@example.com`, attacker));
    expect(spent.allowed).toBe(20);
    for (let i = 0; i < 30; i++) expect((await signIn(api, 'victim@example.com', attacker)).status).toBe(429);
    // The owner, from elsewhere, is told about the password, not about a limit.
    expect((await signIn(api, 'victim@example.com', { 'x-forwarded-for': '192.0.2.67' })).status).toBe(401);
  });

  test('/v1 answers carry RateLimit-Limit, -Remaining and -Reset for the key', async (api) => {
    const first = await api.request('GET', '/v1/payments');
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('60000');
    expect(first.headers.get('ratelimit-policy')).toBe('60000;w=60');
    const remaining = Number(first.headers.get('ratelimit-remaining'));
    expect(remaining).toBeGreaterThanOrEqual(0);
    expect(remaining).toBeLessThan(60000);
    expect(Number(first.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
  });

  test('counting requests writes nothing to the database', async (api) => {
    const dataSource = api.app.get<DataSource>(getDataSourceToken());
    const writes: string[] = [];
    const createQueryRunner = dataSource.createQueryRunner.bind(dataSource);
    dataSource.createQueryRunner = (mode) => {
      const runner = createQueryRunner(mode);
      const query = runner.query.bind(runner);
      runner.query = ((sql: string, ...rest: unknown[]) => {
        if (/^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(sql)) writes.push(sql);
        return (query as (...args: unknown[]) => Promise<unknown>)(sql, ...rest);
      }) as typeof runner.query;
      return runner;
    };
    try {
      await api.request('GET', '/v1/payments'); // the key's last-used time, written at most once a minute
      writes.length = 0;
      for (let i = 0; i < 30; i++) expect((await api.request('GET', '/v1/payments')).status).toBe(200);
      for (let i = 0; i < 25; i++)
        await api.request('GET', '/v1/payments', undefined, {
          authorization: 'Bearer pr_test_definitelynotavalidkey0000000000',
        });
      expect(writes).toEqual([]);
    } finally {
      dataSource.createQueryRunner = createQueryRunner;
    }
  });

  test('a key past its configured request limit gets 429 with Retry-After; another key does not', async (_direct, api) => {
    const key = (await api.app.get(ApiKeyService).create({ merchantId: api.merchantId, mode: 'test' }))
      .secret;
    const auth = { authorization: `Bearer ${key}` };
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await api.request('GET', '/v1/payments', undefined, auth));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(answers.map((a) => a.headers.get('ratelimit-remaining'))).toEqual(['4', '3', '2', '1', '0', '0']);
    expect(answers[0].headers.get('ratelimit-policy')).toBe('5;w=60');
    const refused = answers[5];
    expect(refused.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await api.request('GET', '/v1/payments')).status).toBe(200);
  });
});

const redisUrl = process.env['REDIS_URL_TEST'];
const describeRedis = redisUrl ? describeDb : describe.skip;

describeRedis(`limits shared through Redis (REDIS_URL_TEST) ${dbLabel}`, () => {
  const prefix = `payrail-limits-${randomBytes(4).toString('hex')}`;
  let one: TestApi;
  let two: TestApi;
  let redis: IORedis;

  beforeAll(async () => {
    const env = { REDIS_URL: redisUrl as string, PAYRAIL_QUEUE_PREFIX: prefix, PAYRAIL_JOBS: 'off' };
    one = await startTestApi({ env });
    two = await startTestApi({ env });
    redis = new IORedis(redisUrl as string);
  }, 60_000);

  afterAll(async () => {
    await one?.close();
    await two?.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  const shared = (name: string, fn: (one: TestApi, two: TestApi) => Promise<void>) =>
    it(name, async () => fn(one, two), 60_000);

  shared('two instances share one allowance per address, kept in Redis', async (one, two) => {
    for (let i = 0; i < 10; i++) expect((await signIn(one, `shared${i}@example.com`)).status).toBe(401);
    const onTwo = await attemptsUntilLimited(20, (i) => signIn(two, `other${i}@example.com`));
    expect(onTwo.allowed).toBe(10);
    expect(await redis.keys(`${prefix}:ratelimit:sign-in-address:*`)).toHaveLength(1);
  });
});
