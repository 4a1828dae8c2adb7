import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { MemoryRateLimitStore, RATE_LIMIT_STORE, type RateLimitStore } from './rate-limit-store';
import { RATE_LIMIT_OPTIONS, RateLimiter, type RateLimitOptions } from './rate-limiter';

/** The Redis store, loaded only when a Redis URL asks for it (`ioredis` is unused otherwise). */
function redisStore(): typeof import('./redis-rate-limit-store') {
  return require('./redis-rate-limit-store') as typeof import('./redis-rate-limit-store');
}

/** The limiters' counters for the whole app: in process, or in Redis with `redisUrl`. */
@Global()
@Module({})
export class RateLimitModule implements OnApplicationShutdown {
  constructor(@Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore) {}

  static forRoot(options: RateLimitOptions): DynamicModule {
    return {
      module: RateLimitModule,
      providers: [
        { provide: RATE_LIMIT_OPTIONS, useValue: options },
        {
          provide: RATE_LIMIT_STORE,
          useFactory: (): RateLimitStore =>
            options.redisUrl
              ? new (redisStore().RedisRateLimitStore)(options.redisUrl, options.prefix)
              : new MemoryRateLimitStore(),
        },
        RateLimiter,
      ],
      exports: [RATE_LIMIT_OPTIONS, RATE_LIMIT_STORE, RateLimiter],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
