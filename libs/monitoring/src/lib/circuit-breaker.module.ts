import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { CircuitBreaker, DEFAULT_CIRCUIT_SETTINGS, type CircuitSettings } from './circuit-breaker';
import { MemoryCircuitStore } from './circuit-store';

/** The Redis store, loaded only when a Redis URL asks for it (`ioredis` is unused otherwise). */
function redisStore(): typeof import('./redis-circuit-store') {
  return require('./redis-circuit-store') as typeof import('./redis-circuit-store');
}

export interface CircuitBreakerOptions {
  /** Shares circuits between instances; in process when absent. */
  redisUrl?: string;
  prefix: string;
  settings?: Partial<CircuitSettings>;
}

/** The app's one `CircuitBreaker`, global so the gateway invoker and the monitoring routes share it. */
@Global()
@Module({})
export class CircuitBreakerModule implements OnApplicationShutdown {
  constructor(@Inject(CircuitBreaker) private readonly breaker: CircuitBreaker) {}

  static forRoot(options: CircuitBreakerOptions): DynamicModule {
    return {
      module: CircuitBreakerModule,
      providers: [
        {
          provide: CircuitBreaker,
          useFactory: () =>
            new CircuitBreaker(
              options.redisUrl
                ? new (redisStore().RedisCircuitStore)(options.redisUrl, options.prefix)
                : new MemoryCircuitStore(),
              { ...DEFAULT_CIRCUIT_SETTINGS, ...options.settings },
            ),
        },
      ],
      exports: [CircuitBreaker],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.breaker.shutdown();
  }
}
