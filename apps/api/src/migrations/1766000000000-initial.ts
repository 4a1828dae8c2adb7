import {
  Table,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
  type TableColumnOptions,
} from 'typeorm';
import { baseColumns, columnTypes } from '@payrail/database';

const str = (
  name: string,
  length: number,
  isNullable = false,
  extra: Partial<TableColumnOptions> = {},
): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable, ...extra });
const money = (name: string): TableColumnOptions => ({ name, type: 'bigint', default: 0 });
const text = (name: string, isNullable = true): TableColumnOptions => ({ name, type: 'text', isNullable });
const bool = (name: string, value: boolean): TableColumnOptions => ({
  name,
  type: 'boolean',
  default: value,
});
const int = (
  name: string,
  isNullable = true,
  extra: Partial<TableColumnOptions> = {},
): TableColumnOptions => ({ name, type: 'integer', isNullable, ...extra });

/** Merchants, keys, users, gateway connections and the payment lifecycle. */
export class Initial1766000000000 implements MigrationInterface {
  name = 'Initial1766000000000';

  async up(q: QueryRunner): Promise<void> {
    const t = columnTypes(q);
    const ts = (name: string, isNullable = true): TableColumnOptions => ({
      name,
      type: t.timestamp,
      isNullable,
    });
    const create = async (name: string, columns: TableColumnOptions[], indices: TableIndex[] = []) => {
      await q.createTable(new Table({ name, columns: [...baseColumns(q), ...columns], indices }), true);
    };

    await create('merchants', [str('name', 200), bool('is_default', false)]);
    await create(
      'api_keys',
      [
        str('merchant_id', 40),
        str('mode', 8),
        str('name', 200, false, { default: "''" }),
        str('prefix', 24),
        str('secret_hash', 64),
        text('scopes', false),
        ts('expires_at'),
        ts('last_used_at'),
        ts('revoked_at'),
      ],
      [
        new TableIndex({ columnNames: ['merchant_id'] }),
        new TableIndex({ columnNames: ['secret_hash'], isUnique: true }),
      ],
    );
    await create(
      'users',
      [
        str('email', 320),
        str('name', 200, false, { default: "''" }),
        str('password_hash', 200),
        str('status', 16, false, { default: "'active'" }),
      ],
      [new TableIndex({ columnNames: ['email'], isUnique: true })],
    );
    await create(
      'role_assignments',
      [str('user_id', 40), str('merchant_id', 40, true), str('role', 32)],
      [new TableIndex({ columnNames: ['user_id'] })],
    );
    await create(
      'gateway_connections',
      [
        str('merchant_id', 40),
        str('gateway', 40),
        str('mode', 8),
        str('name', 200, false, { default: "''" }),
        bool('is_default', false),
        bool('enabled', true),
        str('base_url', 500, true),
        text('public_values', false),
        text('secret_values', false),
        text('secret_hints', false),
        text('credential_check'),
      ],
      [new TableIndex({ columnNames: ['merchant_id', 'gateway'] })],
    );
    await create(
      'payments',
      [
        str('merchant_id', 40),
        str('connection_id', 40),
        str('gateway', 40),
        str('mode', 8),
        str('status', 32),
        money('amount'),
        str('currency', 3),
        money('amount_capturable'),
        money('amount_captured'),
        money('amount_refunded'),
        money('amount_refund_pending'),
        str('capture_method', 16),
        str('gateway_reference', 200, true),
        str('payment_method_token', 300, true),
        str('card_brand', 32, true),
        str('card_last4', 4, true),
        str('customer_email', 320, true),
        str('customer_name', 200, true),
        str('description', 1000, true),
        text('metadata'),
        str('failure_code', 40, true),
        str('failure_message', 500, true),
        str('failure_gateway_code', 100, true),
        text('next_action'),
        text('captures', false),
        str('in_flight', 16, true),
        bool('needs_review', false),
        int('version', false),
      ],
      [
        new TableIndex({ columnNames: ['merchant_id', 'id'] }),
        new TableIndex({ columnNames: ['merchant_id', 'status'] }),
        new TableIndex({ columnNames: ['gateway_reference'] }),
      ],
    );
    await create(
      'payment_attempts',
      [
        str('payment_id', 40),
        str('merchant_id', 40),
        str('operation', 16),
        str('status', 16),
        str('idempotency_key', 100),
        { name: 'amount', type: 'bigint', isNullable: true },
        str('refund_id', 40, true),
        text('request', false),
        str('error_code', 40, true),
        str('error_message', 500, true),
        str('gateway_code', 100, true),
        str('gateway_request_id', 200, true),
        int('latency_ms'),
        ts('finished_at'),
        int('recovery_tries', false, { default: 0 }),
        ts('next_recovery_at'),
      ],
      [
        new TableIndex({ columnNames: ['payment_id'] }),
        new TableIndex({ columnNames: ['status', 'next_recovery_at'] }),
      ],
    );
    await create(
      'payment_events',
      [
        str('payment_id', 40),
        str('type', 24),
        str('from_status', 32, true),
        str('to_status', 32, true),
        str('operation', 16, true),
        str('attempt_id', 40, true),
        str('outcome', 16, true),
        int('latency_ms'),
        str('error_code', 40, true),
        str('message', 500, true),
        text('data'),
      ],
      [new TableIndex({ columnNames: ['payment_id', 'id'] })],
    );
    await create(
      'refunds',
      [
        str('payment_id', 40),
        str('merchant_id', 40),
        money('amount'),
        str('currency', 3),
        str('status', 16),
        str('reason', 500, true),
        str('gateway_reference', 200, true),
        str('failure_code', 40, true),
        str('failure_message', 500, true),
      ],
      [new TableIndex({ columnNames: ['payment_id'] })],
    );
    await create(
      'idempotency_keys',
      [
        str('merchant_id', 40),
        str('key', 255),
        str('fingerprint', 64),
        str('state', 16),
        int('response_status'),
        text('response_body'),
        str('resource_id', 40, true),
        ts('locked_at', false),
        ts('expires_at', false),
      ],
      [new TableIndex({ columnNames: ['merchant_id', 'key'], isUnique: true })],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'idempotency_keys',
      'refunds',
      'payment_events',
      'payment_attempts',
      'payments',
      'gateway_connections',
      'role_assignments',
      'users',
      'api_keys',
      'merchants',
    ]) {
      await q.dropTable(table, true);
    }
  }
}
