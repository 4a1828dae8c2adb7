import { Logger } from '@nestjs/common';
import IORedis, { type Redis } from 'ioredis';
import {
  MemoryCircuitStore,
  type CircuitRecord,
  type CircuitStore,
  type WindowCounts,
} from './circuit-store';

/**
 * Circuits shared by every instance through Redis: `<prefix>:circuit:<id>` holds `open_until`,
 * `…:probe` the half-open probe's claim (SET NX PX), `…:w:<slot>` one bucket's counts (expiring
 * after the window). Two round trips per gateway call, never a database write. While Redis cannot
 * be reached, circuits hold per instance: a breaker outage must not become a payments outage.
 */
export class RedisCircuitStore implements CircuitStore {
  private readonly logger = new Logger('CircuitBreaker');
  private readonly redis: Redis;
  private readonly fallback = new MemoryCircuitStore();
  private warned = false;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
  ) {
    this.redis = new IORedis(redisUrl, {
      commandTimeout: 500,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
    });
    this.redis.on('error', (error: Error) => this.warn(error));
  }

  private key(id: string, suffix = ''): string {
    return `${this.prefix}:circuit:${id}${suffix}`;
  }

  async read(id: string): Promise<CircuitRecord> {
    try {
      const value = await this.redis.hget(this.key(id), 'open_until');
      this.warned = false;
      return { openUntil: value ? Number(value) : null };
    } catch (error) {
      this.warn(error as Error);
      return this.fallback.read(id);
    }
  }

  async count(
    id: string,
    failed: boolean,
    now: number,
    bucketMs: number,
    buckets: number,
  ): Promise<WindowCounts> {
    const slot = Math.floor(now / bucketMs);
    const current = this.key(id, `:w:${slot}`);
    try {
      const pipeline = this.redis.pipeline().hincrby(current, 'calls', 1);
      if (failed) pipeline.hincrby(current, 'failures', 1);
      pipeline.pexpire(current, bucketMs * (buckets + 1));
      for (let i = 0; i < buckets; i++) pipeline.hmget(this.key(id, `:w:${slot - i}`), 'calls', 'failures');
      const results = (await pipeline.exec()) ?? [];
      const sums = { calls: 0, failures: 0 };
      for (const [error, value] of results.slice(-buckets)) {
        if (error) throw error;
        const [calls, failures] = value as [string | null, string | null];
        sums.calls += Number(calls ?? 0);
        sums.failures += Number(failures ?? 0);
      }
      return sums;
    } catch (error) {
      this.warn(error as Error);
      return this.fallback.count(id, failed, now, bucketMs, buckets);
    }
  }

  async open(id: string, until: number): Promise<void> {
    try {
      await this.redis
        .multi()
        .hset(this.key(id), 'open_until', String(until))
        .del(this.key(id, ':probe'))
        .exec();
    } catch (error) {
      this.warn(error as Error);
      await this.fallback.open(id, until);
    }
  }

  async close(id: string, now: number, bucketMs: number, buckets: number): Promise<void> {
    const slot = Math.floor(now / bucketMs);
    const windows = Array.from({ length: buckets + 1 }, (_, i) => this.key(id, `:w:${slot - i}`));
    try {
      await this.redis.del(this.key(id), this.key(id, ':probe'), ...windows);
    } catch (error) {
      this.warn(error as Error);
    }
    await this.fallback.close(id);
  }

  async claimProbe(id: string, ttlMs: number, now: number): Promise<boolean> {
    try {
      return (await this.redis.set(this.key(id, ':probe'), String(now), 'PX', ttlMs, 'NX')) === 'OK';
    } catch (error) {
      this.warn(error as Error);
      return this.fallback.claimProbe(id, ttlMs, now);
    }
  }

  async shutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private warn(error: Error): void {
    if (this.warned) return;
    this.warned = true;
    this.logger.warn(`circuit breakers are per instance until Redis answers again: ${error.message}`);
  }
}
