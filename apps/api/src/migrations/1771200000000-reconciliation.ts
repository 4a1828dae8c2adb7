import {
  Table,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
  type TableColumnOptions,
} from 'typeorm';
import { baseColumns, columnTypes, varcharColumn } from '@payrail/database';

const str = varcharColumn;
const big = (name: string, isNullable = false): TableColumnOptions => ({
  name,
  type: 'bigint',
  isNullable,
  ...(isNullable ? {} : { default: 0 }),
});
const text = (name: string, isNullable = true): TableColumnOptions => ({ name, type: 'text', isNullable });
const int = (name: string, isNullable = true): TableColumnOptions => ({
  name,
  type: 'integer',
  isNullable,
  ...(isNullable ? {} : { default: 0 }),
});

const PAYMENT_INDICES = [
  { name: 'IDX_payments_connection_reference', columnNames: ['connection_id', 'gateway_reference'] },
  { name: 'IDX_payments_created_at', columnNames: ['created_at'] },
];

/** Imported gateway records, reconciliation runs, per-movement results, exceptions and export jobs. */
export class Reconciliation1771200000000 implements MigrationInterface {
  name = 'Reconciliation1771200000000';

  async up(q: QueryRunner): Promise<void> {
    const t = columnTypes(q);
    const ts = (name: string, isNullable = true): TableColumnOptions => ({
      name,
      type: t.timestamp,
      isNullable,
    });
    const create = (name: string, columns: TableColumnOptions[], indices: TableIndex[]) =>
      q.createTable(new Table({ name, columns: [...baseColumns(q), ...columns], indices }), true);

    await create(
      'settlement_records',
      [
        str('connection_id', 40),
        str('merchant_id', 40),
        str('gateway', 40),
        str('dedup_key', 300),
        str('reference', 200),
        str('kind', 16),
        str('gateway_type', 40),
        str('payment_reference', 200, true),
        str('capture_reference', 200, true),
        str('refund_reference', 200, true),
        str('dispute_reference', 200, true),
        str('payout_id', 200, true),
        str('status', 16),
        str('currency', 3),
        big('amount'),
        big('fee'),
        big('net'),
        ts('occurred_at', false),
        ts('available_on'),
        text('raw', false),
        str('import_run_id', 40, true),
      ],
      [
        new TableIndex({ columnNames: ['connection_id', 'dedup_key'], isUnique: true }),
        new TableIndex({ columnNames: ['connection_id', 'payment_reference'] }),
        new TableIndex({ columnNames: ['connection_id', 'occurred_at'] }),
        new TableIndex({ columnNames: ['connection_id', 'payout_id'] }),
      ],
    );
    await create(
      'settlement_payouts',
      [
        str('connection_id', 40),
        str('payout_id', 200),
        str('status', 16),
        str('currency', 3),
        big('amount'),
        big('fee'),
        ts('gateway_created_at', false),
        ts('arrival_date'),
        text('raw', false),
      ],
      [
        new TableIndex({ columnNames: ['connection_id', 'payout_id'], isUnique: true }),
        new TableIndex({ columnNames: ['connection_id', 'gateway_created_at'] }),
      ],
    );
    await create(
      'reconciliation_runs',
      [
        str('connection_id', 40),
        str('merchant_id', 40),
        str('gateway', 40),
        str('trigger', 16),
        str('requested_by', 40, true),
        ts('window_from', false),
        ts('window_to', false),
        str('status', 16),
        int('progress', false),
        int('imported_count', false),
        text('counts', false),
        text('totals', false),
        str('digest', 64, true),
        int('duration_ms'),
        ts('started_at'),
        ts('finished_at'),
        str('error', 500, true),
      ],
      [new TableIndex({ columnNames: ['connection_id', 'created_at'] })],
    );
    await create(
      'reconciliation_items',
      [
        str('connection_id', 40),
        str('target_key', 320),
        str('run_id', 40),
        str('kind', 24),
        str('payment_id', 40, true),
        str('attempt_id', 40, true),
        str('record_id', 40, true),
        str('currency', 3),
        big('payrail_amount', true),
        big('gateway_amount', true),
        big('fee', true),
        ts('occurred_at', false),
      ],
      [
        new TableIndex({ columnNames: ['connection_id', 'target_key'], isUnique: true }),
        new TableIndex({ columnNames: ['attempt_id'] }),
        new TableIndex({ columnNames: ['connection_id', 'occurred_at'] }),
      ],
    );
    await create(
      'reconciliation_exceptions',
      [
        str('connection_id', 40),
        str('merchant_id', 40),
        str('gateway', 40),
        str('target_key', 320),
        str('kind', 24),
        str('status', 16),
        str('run_id', 40),
        str('last_run_id', 40),
        str('payment_id', 40, true),
        str('attempt_id', 40, true),
        str('record_id', 40, true),
        str('currency', 3),
        big('payrail_amount', true),
        big('gateway_amount', true),
        str('reason', 500),
        text('payrail_side'),
        text('gateway_side'),
        ts('occurred_at', false),
        ts('first_seen_at', false),
        ts('last_seen_at', false),
        str('resolution', 24, true),
        str('resolution_note', 1000, true),
        str('linked_reference', 200, true),
        str('resolved_by', 40, true),
        ts('resolved_at'),
      ],
      [
        new TableIndex({ columnNames: ['connection_id', 'target_key', 'kind'], isUnique: true }),
        new TableIndex({ columnNames: ['status', 'gateway', 'kind'] }),
        new TableIndex({ columnNames: ['last_run_id'] }),
        new TableIndex({ columnNames: ['connection_id', 'occurred_at'] }),
      ],
    );
    await create(
      'report_exports',
      [
        str('requested_by', 40),
        text('merchant_scope', false),
        str('format', 8),
        text('filters', false),
        str('status', 16),
        int('rows', false),
        int('total_rows', false),
        int('progress', false),
        str('stored_file', 200, true),
        str('error', 500, true),
        ts('finished_at'),
      ],
      [new TableIndex({ columnNames: ['requested_by', 'created_at'] })],
    );
    // The reports and the export walk payments of a connection by time, and attempts by payment.
    for (const index of PAYMENT_INDICES) await q.createIndex('payments', new TableIndex(index));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of PAYMENT_INDICES) await q.dropIndex('payments', index.name);
    for (const table of [
      'report_exports',
      'reconciliation_exceptions',
      'reconciliation_items',
      'reconciliation_runs',
      'settlement_payouts',
      'settlement_records',
    ])
      await q.dropTable(table, true);
  }
}
