import { Logger } from '@nestjs/common';
import IORedis, { type Redis } from 'ioredis';
import { MemoryRateLimitStore, type RateLimitCount, type RateLimitStore } from './rate-limit-store';

// One round trip, atomic: the first hit of a window sets its expiry.
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
`;
const RELEASE = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then redis.call('DECR', KEYS[1]) end
return n
`;

/**
 * Counters shared by every instance through Redis. While Redis cannot be reached, limits hold per
 * instance (in memory) rather than failing requests: a limiter outage must not become an API outage.
 */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly logger = new Logger('RateLimits');
  private readonly redis: Redis;
  private readonly fallback = new MemoryRateLimitStore();
  private warned = false;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
  ) {
    this.redis = new IORedis(redisUrl, {
      // A slow or absent Redis costs a request at most this long before the in-process fallback.
      commandTimeout: 500,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
    });
    this.redis.on('error', (error: Error) => this.warn(error));
    this.redis.defineCommand('payrailHit', { numberOfKeys: 1, lua: HIT });
    this.redis.defineCommand('payrailRelease', { numberOfKeys: 1, lua: RELEASE });
  }

  async hit(key: string, windowMs: number): Promise<RateLimitCount> {
    try {
      const [count, ttl] = (await (
        this.redis as unknown as { payrailHit(k: string, w: number): Promise<[number, number]> }
      ).payrailHit(this.key(key), windowMs)) as [number, number];
      this.warned = false;
      return { count, resetAtMs: Date.now() + ttl };
    } catch (error) {
      this.warn(error as Error);
      return this.fallback.hit(key, windowMs);
    }
  }

  async release(key: string): Promise<void> {
    try {
      await (this.redis as unknown as { payrailRelease(k: string): Promise<number> }).payrailRelease(
        this.key(key),
      );
    } catch (error) {
      this.warn(error as Error);
      await this.fallback.release(key);
    }
  }

  async close(): Promise<void> {
    await this.fallback.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private key(key: string): string {
    return `${this.prefix}:ratelimit:${key}`;
  }

  private warn(error: Error): void {
    if (this.warned) return;
    this.warned = true;
    this.logger.warn(`rate limits are per instance until Redis answers again: ${error.message}`);
  }
}
