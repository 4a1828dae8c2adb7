import {
  Table,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
  type TableColumnOptions,
} from 'typeorm';
import { baseColumns, columnTypes, varcharColumn } from '@payrail/database';

const str = varcharColumn;

/**
 * The issue log: failures grouped by fingerprint (one row per kind of failure, counted by one
 * upsert as it happens), the payments each touched, and a count per day for the trend.
 */
export class IssueLog1771410000000 implements MigrationInterface {
  name = 'IssueLog1771410000000';

  async up(q: QueryRunner): Promise<void> {
    const t = columnTypes(q);
    const ts = (name: string, isNullable = true): TableColumnOptions => ({
      name,
      type: t.timestamp,
      isNullable,
    });
    await q.createTable(
      new Table({
        name: 'issues',
        columns: [
          ...baseColumns(q),
          str('fingerprint', 300),
          str('kind', 32),
          str('operation', 32, true),
          str('gateway', 32, true),
          str('code', 64),
          str('gateway_code', 100, true),
          str('source', 200, true),
          str('title', 300),
          str('status', 16),
          { name: 'regression', type: 'boolean', default: false },
          { name: 'count', type: 'integer', default: 0 },
          ts('first_seen_at', false),
          ts('last_seen_at', false),
          ts('resolved_at'),
          str('last_detail', 500, true),
        ],
        indices: [
          new TableIndex({ name: 'IDX_issues_fingerprint', columnNames: ['fingerprint'], isUnique: true }),
          new TableIndex({ name: 'IDX_issues_status_last_seen', columnNames: ['status', 'last_seen_at'] }),
        ],
      }),
      true,
    );
    await q.createTable(
      new Table({
        name: 'issue_payments',
        columns: [
          { ...str('issue_id', 40), isPrimary: true },
          { ...str('payment_id', 40), isPrimary: true },
          str('merchant_id', 40),
          ts('seen_at', false),
        ],
        indices: [
          new TableIndex({ name: 'IDX_issue_payments_merchant', columnNames: ['merchant_id', 'issue_id'] }),
          new TableIndex({ name: 'IDX_issue_payments_issue_seen', columnNames: ['issue_id', 'seen_at'] }),
        ],
      }),
      true,
    );
    await q.createTable(
      new Table({
        name: 'issue_days',
        columns: [
          { ...str('issue_id', 40), isPrimary: true },
          { ...str('day', 10), isPrimary: true },
          { name: 'count', type: 'integer', default: 0 },
        ],
      }),
      true,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['issue_days', 'issue_payments', 'issues']) await q.dropTable(table, true);
  }
}
