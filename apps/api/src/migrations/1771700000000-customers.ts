import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { baseColumns, varcharColumn } from '@payrail/database';

const str = varcharColumn;

/**
 * A merchant's customers, their profile at each gateway connection, the cards saved there (the
 * gateway's references and the card summary only), and which customer and saved card a payment used.
 */
export class Customers1771700000000 implements MigrationInterface {
  name = 'Customers1771700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'customers',
        columns: [
          ...baseColumns(q),
          str('merchant_id', 40),
          str('mode', 8),
          str('email', 320, true),
          str('name', 200, true),
          str('phone', 32, true),
          { name: 'metadata', type: 'text', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'IDX_customers_merchant', columnNames: ['merchant_id', 'mode', 'id'] }),
        ],
      }),
      true,
    );
    await q.createTable(
      new Table({
        name: 'customer_gateway_profiles',
        columns: [
          ...baseColumns(q),
          str('customer_id', 40),
          str('connection_id', 40),
          str('gateway', 40),
          str('gateway_customer_reference', 200),
        ],
        indices: [
          new TableIndex({
            name: 'IDX_customer_gateway_profiles_customer_connection',
            columnNames: ['customer_id', 'connection_id'],
            isUnique: true,
          }),
        ],
      }),
      true,
    );
    await q.createTable(
      new Table({
        name: 'saved_payment_methods',
        columns: [
          ...baseColumns(q),
          str('customer_id', 40),
          str('merchant_id', 40),
          str('connection_id', 40),
          str('gateway', 40),
          str('gateway_reference', 200),
          str('status', 16),
          str('card_brand', 32, true),
          str('card_last4', 4, true),
          { name: 'card_exp_month', type: 'integer', isNullable: true },
          { name: 'card_exp_year', type: 'integer', isNullable: true },
          str('card_fingerprint', 100, true),
        ],
        indices: [
          new TableIndex({ name: 'IDX_saved_payment_methods_customer', columnNames: ['customer_id', 'id'] }),
        ],
      }),
      true,
    );
    await q.addColumns('payments', [
      new TableColumn(str('customer_id', 40, true)),
      new TableColumn(str('saved_payment_method_id', 40, true)),
    ]);
    await q.createIndex(
      'payments',
      new TableIndex({ name: 'IDX_payments_customer', columnNames: ['customer_id'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('payments', 'IDX_payments_customer');
    await q.dropColumn('payments', 'saved_payment_method_id');
    await q.dropColumn('payments', 'customer_id');
    await q.dropTable('saved_payment_methods', true);
    await q.dropTable('customer_gateway_profiles', true);
    await q.dropTable('customers', true);
  }
}
