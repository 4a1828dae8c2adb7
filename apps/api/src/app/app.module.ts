import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@payrail/audit';
import { PrivacyModule } from '../privacy/privacy.module';
import { AuditRetentionSchedule } from './audit-retention.schedule';
import { GatewaysModule } from '@payrail/gateways';
import { IdentityModule, RateLimitModule } from '@payrail/identity';
import { JobsModule } from '@payrail/jobs';
import { CircuitBreakerModule } from '@payrail/monitoring';
import { NotificationsModule } from '@payrail/notifications';
import { PaymentSessionsModule } from '@payrail/payment-sessions';
import { PaymentsModule, RecoveryJobsModule, requestValidationPipe } from '@payrail/payments';
import type { Keyring } from '@payrail/secrets';
import { ReconciliationModule } from '@payrail/reconciliation';
import { defaultSeedDir, SupportModule } from '@payrail/support';
import { WebhooksModule } from '@payrail/webhooks';
import { BootstrapService, SEED_OPTIONS, type SeedOptions } from './bootstrap.service';
import type { PayrailConfig } from './config';
import { CoreModule } from './core.module';
import { dataSourceOptions } from './database';
import { AuditController } from './audit.controller';
import { CheckoutPagesController } from './checkout-pages.controller';
import { ApiErrorFilter } from './error.filter';
import { HealthController } from './health.controller';
import { ProcessLifecycle } from './lifecycle';
import { ReadinessService } from './readiness.service';
import { MetricsController } from './metrics.controller';
import { MonitoringModule } from '../monitoring/monitoring.module';
import { AlertsModule } from '../alerts/alerts.module';
import { pluginModules } from './plugins';

export interface AppModuleOptions {
  config: PayrailConfig;
  keyring: Keyring;
  seed: SeedOptions;
  /** Gateway plugin modules; by default those the configuration enables. */
  plugins?: DynamicModule[];
  /** A PostgreSQL schema to use instead of the default (tests run each suite in its own). */
  schema?: string;
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(options.config, options.keyring),
        TypeOrmModule.forRoot(
          dataSourceOptions(options.config, {
            schema: options.schema,
            runMigrations: options.config.migrateAtStart,
          }),
        ),
        RateLimitModule.forRoot({
          redisUrl: options.config.redisUrl,
          prefix: options.config.queuePrefix,
          apiKeyRequests: options.config.apiKeyRateLimit,
        }),
        CircuitBreakerModule.forRoot({
          redisUrl: options.config.redisUrl,
          prefix: options.config.queuePrefix,
          settings: options.config.circuit,
        }),
        IdentityModule,
        GatewaysModule,
        PaymentsModule,
        AuditModule.forRoot({ isGlobal: true, retentionDays: options.config.auditRetentionDays }),
        JobsModule.forRoot({
          redisUrl: options.config.redisUrl,
          prefix: options.config.queuePrefix,
          pollMs: options.config.jobPollMs,
          runWorkers: options.config.jobs,
        }),
        WebhooksModule.forRoot({
          allowHttpLoopback: options.config.webhookAllowHttpLoopback,
          retryScheduleMs: options.config.webhookRetryScheduleMs,
          runRelay: options.config.jobs,
        }),
        NotificationsModule.forRoot({
          smtpUrl: options.config.smtpUrl,
          allowHttpLoopback: options.config.webhookAllowHttpLoopback,
        }),
        RecoveryJobsModule.forRoot({ intervalMs: options.config.recoveryIntervalMs }),
        ReconciliationModule.forRoot({
          scheduleIntervalMs: options.config.reconciliationIntervalMs,
          settlementDelayMs: options.config.reconciliationSettlementDelayMs,
          exportDir: options.config.exportDir,
          exportRetentionHours: options.config.exportRetentionHours,
          runSchedule: options.config.jobs,
        }),
        SupportModule.forRoot({
          publicUrl: options.config.publicUrl,
          seedDir: defaultSeedDir(),
          slaSweepMs: options.config.jobs ? options.config.slaSweepMs : 0,
          escalation: options.config.supportEscalation,
        }),
        PaymentSessionsModule.forRoot({ publicUrl: options.config.publicUrl }),
        PrivacyModule,
        MonitoringModule,
        AlertsModule,
        ...(options.plugins ?? pluginModules(options.config)),
      ],
      controllers: [HealthController, AuditController, MetricsController, CheckoutPagesController],
      providers: [
        { provide: APP_FILTER, useClass: ApiErrorFilter },
        { provide: APP_PIPE, useFactory: requestValidationPipe },
        { provide: SEED_OPTIONS, useValue: options.seed },
        BootstrapService,
        AuditRetentionSchedule,
        ProcessLifecycle,
        ReadinessService,
      ],
    };
  }
}
