import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Redis, RedisOptions } from 'ioredis';
import type { Pool, PoolConfig } from 'pg';
import { DataSource } from 'typeorm';
import { PAYRAIL_CONFIG, type PayrailConfig } from './config';
import { ProcessLifecycle } from './lifecycle';

/** Each dependency gets this long to answer a readiness check before it counts as down. */
const CHECK_TIMEOUT_MS = 2000;

export interface CheckResult {
  status: 'ok' | 'down';
  latency_ms?: number;
  message?: string;
  type?: string;
}

export interface ReadinessReport {
  status: 'ok' | 'unavailable';
  role: PayrailConfig['role'];
  /** Why the process is not ready, when it is not. */
  reason?: string;
  checks: Record<string, CheckResult>;
}

/**
 * The probes' clients, loaded only where they are used: `ioredis` with a Redis URL, `pg` on
 * PostgreSQL. An instance on the embedded defaults loads neither.
 */
function redisClient(url: string, options: RedisOptions): Redis {
  const { Redis: Client } = require('ioredis') as typeof import('ioredis');
  return new Client(url, options);
}

function pgPool(config: PoolConfig): Pool {
  const { Pool: PgPool } = require('pg') as typeof import('pg');
  return new PgPool(config);
}

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The answers behind `/health/ready`. On PostgreSQL the probe has a connection of its own, apart
 * from the pool the requests use: a busy pool is load, not an outage, and an instance that
 * reported it as one would be taken out of its balancer at the worst moment (while a peer is
 * restarting). The Redis connection is its own too, fails fast while Redis is away (no offline
 * queue) and reconnects by itself, so readiness follows both ways. While draining the answer is
 * 503 at once, without probing.
 */
@Injectable()
export class ReadinessService implements OnModuleDestroy {
  private readonly logger = new Logger('Health');
  private readonly redis: Redis | null;
  private readonly probePool: Pool | null;
  private schemaCurrent = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(PAYRAIL_CONFIG) private readonly config: PayrailConfig,
    private readonly lifecycle: ProcessLifecycle,
  ) {
    this.redis = config.redisUrl
      ? redisClient(config.redisUrl, {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          connectTimeout: CHECK_TIMEOUT_MS,
          retryStrategy: (times) => Math.min(times * 200, 1000),
        })
      : null;
    this.redis?.on('error', () => undefined);
    this.probePool = config.databaseUrl
      ? pgPool({
          connectionString: config.databaseUrl,
          max: 1,
          connectionTimeoutMillis: CHECK_TIMEOUT_MS,
          // A probe that hangs gives its connection back, so the next probe is not queued behind it.
          query_timeout: CHECK_TIMEOUT_MS,
          application_name: 'payrail-readiness',
        })
      : null;
    // A connection dropped while idle is replaced at the next probe; the error is the probe's to report.
    this.probePool?.on('error', () => undefined);
  }

  /** Whether every migration this build carries has been applied (checked until it has). */
  async schemaIsCurrent(): Promise<boolean> {
    if (this.schemaCurrent) return true;
    this.schemaCurrent = !(await this.dataSource.showMigrations());
    return this.schemaCurrent;
  }

  async check(): Promise<ReadinessReport> {
    const checks: Record<string, CheckResult> = {};
    if (this.lifecycle.isDraining)
      return { status: 'unavailable', role: this.config.role, reason: 'shutting down', checks };
    const pool = this.probePool;
    const database = await this.probe('database', async () => {
      if (pool) await pool.query('SELECT 1');
      else await this.dataSource.query('SELECT 1');
    });
    checks['database'] = { ...database, type: String(this.dataSource.options.type) };
    if (this.redis) {
      const redis = this.redis;
      checks['redis'] = await this.probe('Redis', async () => void (await redis.ping()));
    }
    let reason: string | undefined;
    if (!this.lifecycle.isStarted) reason = this.lifecycle.startingReason;
    else {
      const down = Object.entries(checks).find(([, c]) => c.status === 'down');
      if (down) reason = `${down[0]}: ${down[1].message}`;
    }
    return {
      status: reason ? 'unavailable' : 'ok',
      role: this.config.role,
      ...(reason ? { reason } : {}),
      checks,
    };
  }

  private async probe(what: string, work: () => Promise<void>): Promise<CheckResult> {
    const started = performance.now();
    try {
      await withTimeout(work(), what);
      return { status: 'ok', latency_ms: Math.round(performance.now() - started) };
    } catch (error) {
      const message = (error as Error).message.split('\n')[0];
      this.logger.debug(`readiness: ${what} is down: ${message}`);
      return { status: 'down', message: `${what} does not answer (${message})` };
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([
      this.redis?.quit().catch(() => this.redis?.disconnect()),
      this.probePool?.end().catch(() => undefined),
    ]);
  }
}
