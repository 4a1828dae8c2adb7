import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { AUDIT_ENTITIES } from '@payrail/audit';
import { STATEMENT_COUNTER } from '@payrail/database';
import { GATEWAY_ENTITIES } from '@payrail/gateways';
import { IDENTITY_ENTITIES } from '@payrail/identity';
import { JOB_ENTITIES } from '@payrail/jobs';
import { PAYMENT_SESSION_ENTITIES } from '@payrail/payment-sessions';
import { PAYMENT_ENTITIES } from '@payrail/payments';
import { RECONCILIATION_ENTITIES } from '@payrail/reconciliation';
import { SUPPORT_ENTITIES } from '@payrail/support';
import { WEBHOOK_ENTITIES } from '@payrail/webhooks';
import { ALERT_ENTITIES } from '../alerts/alert-entities';
import { MIGRATIONS } from '../migrations';
import { MONITORING_ENTITIES } from '../monitoring/monitoring.module';
import { PRIVACY_ENTITIES } from '../privacy/privacy-entities';
import type { PayrailConfig } from './config';

export const ENTITIES = [
  ...IDENTITY_ENTITIES,
  ...GATEWAY_ENTITIES,
  ...PAYMENT_ENTITIES,
  ...AUDIT_ENTITIES,
  ...JOB_ENTITIES,
  ...WEBHOOK_ENTITIES,
  ...RECONCILIATION_ENTITIES,
  ...SUPPORT_ENTITIES,
  ...PAYMENT_SESSION_ENTITIES,
  ...PRIVACY_ENTITIES,
  ...MONITORING_ENTITIES,
  ...ALERT_ENTITIES,
];

/** SQLite in the data folder by default; PostgreSQL from DATABASE_URL. Migrations run at start, never `synchronize`. */
export function dataSourceOptions(
  config: PayrailConfig,
  overrides: { schema?: string; runMigrations?: boolean } = {},
): DataSourceOptions {
  if (config.traceStatements) STATEMENT_COUNTER.traceFile = config.traceStatements;
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: overrides.runMigrations ?? true,
    synchronize: false,
    logging: false as const,
    ...(config.countStatements ? { logger: STATEMENT_COUNTER } : {}),
  };
  if (config.databaseUrl) {
    return {
      ...common,
      type: 'postgres',
      url: config.databaseUrl,
      schema: overrides.schema,
      extra: { max: 10 },
      migrationsTransactionMode: 'each',
    };
  }
  mkdirSync(config.dataDir, { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: join(config.dataDir, 'payrail.sqlite'),
    prepareDatabase: (db: { pragma: (sql: string) => unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      // Commits don't sync on the event loop; the TransactionRunner syncs the log off it where a
      // commit must be on disk (docs/decisions/0006-sqlite-commit-durability.md).
      db.pragma('synchronous = NORMAL');
      // Deleted and overwritten content is zeroed in the file, so an erased value leaves no old page behind.
      db.pragma('secure_delete = ON');
    },
  };
}
