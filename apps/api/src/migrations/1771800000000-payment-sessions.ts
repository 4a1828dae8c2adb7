import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { baseColumns, columnTypes, varcharColumn } from '@payrail/database';

const str = varcharColumn;

/** Payment sessions a customer's browser completes, and the origins whose pages may call them. */
export class PaymentSessions1771800000000 implements MigrationInterface {
  name = 'PaymentSessions1771800000000';

  async up(q: QueryRunner): Promise<void> {
    const t = columnTypes(q);
    await q.createTable(
      new Table({
        name: 'payment_sessions',
        columns: [
          ...baseColumns(q),
          str('merchant_id', 40),
          str('mode', 8),
          str('connection_id', 40),
          str('gateway', 40),
          { name: 'amount', type: 'bigint', default: 0 },
          str('currency', 3),
          str('capture_method', 16),
          str('customer_email', 320, true),
          str('customer_name', 200, true),
          str('description', 500, true),
          { name: 'metadata', type: 'text', isNullable: true },
          str('return_url', 2048, true),
          str('client_secret_hash', 64),
          str('state', 16),
          str('token_hash', 64, true),
          str('payment_id', 40, true),
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'expires_at', type: t.timestamp },
        ],
        indices: [
          new TableIndex({ name: 'IDX_payment_sessions_merchant', columnNames: ['merchant_id', 'id'] }),
        ],
      }),
      true,
    );
    await q.createTable(
      new Table({
        name: 'checkout_origins',
        columns: [...baseColumns(q), str('merchant_id', 40), str('origin', 255)],
        indices: [
          new TableIndex({
            name: 'IDX_checkout_origins_merchant_origin',
            columnNames: ['merchant_id', 'origin'],
            isUnique: true,
          }),
        ],
      }),
      true,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('checkout_origins', true);
    await q.dropTable('payment_sessions', true);
  }
}
