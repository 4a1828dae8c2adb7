import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { MemoryRateLimitStore } from './rate-limit-store';
import { clientSubject } from './rate-limiter';
import { RedisRateLimitStore } from './redis-rate-limit-store';

describe('in-process limiter counters', () => {
  it('count hits in a window that starts at the first hit, then start again', async () => {
    let now = 1_000_000;
    const store = new MemoryRateLimitStore(() => now);
    expect(await store.hit('a', 60_000)).toEqual({ count: 1, resetAtMs: 1_060_000 });
    now += 59_999;
    expect((await store.hit('a', 60_000)).count).toBe(2);
    now += 1;
    expect(await store.hit('a', 60_000)).toEqual({ count: 1, resetAtMs: 1_120_000 });
    expect((await store.hit('b', 60_000)).count).toBe(1);
  });

  it('take a hit back on release, never below zero', async () => {
    const store = new MemoryRateLimitStore();
    await store.hit('k', 60_000);
    await store.hit('k', 60_000);
    await store.release('k');
    await store.release('k');
    await store.release('k');
    expect((await store.hit('k', 60_000)).count).toBe(1);
  });

  it('stay bounded when a flood of distinct addresses arrives', async () => {
    const store = new MemoryRateLimitStore();
    for (let i = 0; i < 120_000; i++) await store.hit(`flood-${i}`, 60_000);
    expect(store.size).toBeLessThanOrEqual(50_000);
  });
});

describe('client subjects', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:aaaa::1', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:bbbb::9', '2001:db8:1:2::/64'],
    [undefined, 'unknown'],
  ])('%s counts as %s', (ip, subject) => {
    expect(clientSubject(ip)).toBe(subject);
  });
});

const redisUrl = process.env['REDIS_URL_TEST'];
const describeRedis = redisUrl ? describe : describe.skip;

describeRedis('limiter counters in Redis (REDIS_URL_TEST)', () => {
  const prefix = `payrail-spec-${randomBytes(4).toString('hex')}`;
  let one: RedisRateLimitStore;
  let two: RedisRateLimitStore;
  let redis: IORedis;

  beforeAll(() => {
    one = new RedisRateLimitStore(redisUrl as string, prefix);
    two = new RedisRateLimitStore(redisUrl as string, prefix);
    redis = new IORedis(redisUrl as string);
  });

  afterAll(async () => {
    await one.close();
    await two.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('share one count between instances, with the window as the key’s expiry', async () => {
    expect((await one.hit('addr', 60_000)).count).toBe(1);
    const second = await two.hit('addr', 60_000);
    expect(second.count).toBe(2);
    expect(second.resetAtMs - Date.now()).toBeGreaterThan(55_000);
    expect(await redis.pttl(`${prefix}:ratelimit:addr`)).toBeGreaterThan(55_000);
    await one.release('addr');
    expect((await two.hit('addr', 60_000)).count).toBe(2);
  });

  it('start a new window once the key expired', async () => {
    await one.hit('short', 100);
    await new Promise((r) => setTimeout(r, 150));
    expect((await two.hit('short', 100)).count).toBe(1);
  });
});

describe('limiter counters when Redis cannot be reached', () => {
  it('keep limiting in process instead of failing the request', async () => {
    const store = new RedisRateLimitStore('redis://127.0.0.1:1', 'payrail-unreachable');
    const started = Date.now();
    expect((await store.hit('k', 60_000)).count).toBe(1);
    expect((await store.hit('k', 60_000)).count).toBe(2);
    expect(Date.now() - started).toBeLessThan(5_000);
    await store.close();
  });
});
