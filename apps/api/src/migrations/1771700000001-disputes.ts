import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { baseColumns, columnTypes } from '@payrail/database';

/** Disputes (chargebacks) of payments as the gateways report them, and the payment's copy of its dispute. */
export class Disputes1771700000001 implements MigrationInterface {
  name = 'Disputes1771700000001';

  async up(q: QueryRunner): Promise<void> {
    const t = columnTypes(q);
    const str = (name: string, length: number, isNullable = false) => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable,
    });
    await q.createTable(
      new Table({
        name: 'disputes',
        columns: [
          ...baseColumns(q),
          str('merchant_id', 40),
          str('mode', 8),
          str('payment_id', 40),
          str('connection_id', 40),
          str('gateway', 40),
          str('gateway_reference', 200),
          { name: 'amount', type: 'bigint', default: 0 },
          str('currency', 3),
          str('reason', 100),
          str('status', 16),
          str('gateway_status', 40),
          { name: 'inquiry', type: 'boolean', default: false },
          { name: 'evidence_due_by', type: t.timestamp, isNullable: true },
          { name: 'evidence_submitted_at', type: t.timestamp, isNullable: true },
        ],
        indices: [
          new TableIndex({
            name: 'IDX_disputes_connection_reference',
            columnNames: ['connection_id', 'gateway_reference'],
            isUnique: true,
          }),
          new TableIndex({ name: 'IDX_disputes_merchant', columnNames: ['merchant_id', 'mode', 'id'] }),
        ],
      }),
      true,
    );
    await q.addColumn('payments', new TableColumn({ name: 'dispute', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('payments', 'dispute');
    await q.dropTable('disputes', true);
  }
}
