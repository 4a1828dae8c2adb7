import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import IORedis, { type Redis } from 'ioredis';
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
 * The answers behind `/health/ready`. The Redis connection is its own, fails fast while Redis is
 * away (no offline queue) and reconnects by itself, so readiness follows Redis both ways.
 */
@Injectable()
export class ReadinessService implements OnModuleDestroy {
  private readonly logger = new Logger('Health');
  private readonly redis: Redis | null;
  private schemaCurrent = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(PAYRAIL_CONFIG) private readonly config: PayrailConfig,
    private readonly lifecycle: ProcessLifecycle,
  ) {
    this.redis = config.redisUrl
      ? new IORedis(config.redisUrl, {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          connectTimeout: CHECK_TIMEOUT_MS,
          retryStrategy: (times) => Math.min(times * 200, 1000),
        })
      : null;
    this.redis?.on('error', () => undefined);
  }

  /** Whether every migration this build carries has been applied (checked until it has). */
  async schemaIsCurrent(): Promise<boolean> {
    if (this.schemaCurrent) return true;
    this.schemaCurrent = !(await this.dataSource.showMigrations());
    return this.schemaCurrent;
  }

  async check(): Promise<ReadinessReport> {
    const checks: Record<string, CheckResult> = {};
    const database = await this.probe('database', async () => {
      await this.dataSource.query('SELECT 1');
    });
    checks['database'] = { ...database, type: String(this.dataSource.options.type) };
    if (this.redis) {
      const redis = this.redis;
      checks['redis'] = await this.probe('Redis', async () => void (await redis.ping()));
    }
    let reason: string | undefined;
    if (this.lifecycle.isDraining) reason = 'shutting down';
    else if (!this.lifecycle.isStarted) reason = this.lifecycle.startingReason;
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
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
