import { Global, Module, type DynamicModule } from '@nestjs/common';
import { SystemErrors, TransactionRunner } from '@payrail/database';
import { GATEWAY_TIMEOUT_MS } from '@payrail/gateways';
import { SecretBox, SecretResolver, type Keyring } from '@payrail/secrets';
import { PAYRAIL_CONFIG, type PayrailConfig } from './config';

/**
 * Process-wide providers every module may inject: the configuration, the secret box, and the one
 * TransactionRunner (on SQLite its queue must be shared by every writer, the audit trail included).
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: PayrailConfig, keyring: Keyring): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: PAYRAIL_CONFIG, useValue: config },
        { provide: SecretBox, useValue: new SecretBox(keyring) },
        { provide: GATEWAY_TIMEOUT_MS, useValue: config.gatewayTimeoutMs },
        TransactionRunner,
        SystemErrors,
        // env:NAME credential references; a secrets manager is one more provider here (libs/secrets/README.md).
        {
          provide: SecretResolver,
          useFactory: async () => {
            const resolver = new SecretResolver();
            await resolver.init();
            return resolver;
          },
        },
      ],
      exports: [
        PAYRAIL_CONFIG,
        SecretBox,
        GATEWAY_TIMEOUT_MS,
        TransactionRunner,
        SystemErrors,
        SecretResolver,
      ],
    };
  }
}
