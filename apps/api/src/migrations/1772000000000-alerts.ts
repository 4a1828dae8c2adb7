import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { baseColumns, columnTypes, varcharColumn } from '@payrail/database';

/** Stored alert rules, channels (secrets sealed), silences, alert episodes and claimed evaluation intervals; attempts indexed by time for the counts. */
export class Alerts1772000000000 implements MigrationInterface {
  name = 'Alerts1772000000000';

  async up(q: QueryRunner): Promise<void> {
    const t = columnTypes(q);
    await q.createTable(
      new Table({
        name: 'alert_rules',
        columns: [
          ...baseColumns(q),
          varcharColumn('name', 100),
          varcharColumn('description', 500, true),
          varcharColumn('severity', 16),
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'condition', type: 'text' },
          { name: 'for_seconds', type: 'integer', default: 0 },
          { name: 'channel_ids', type: 'text' },
          varcharColumn('builtin_key', 60, true),
        ],
        indices: [
          new TableIndex({
            name: 'IDX_alert_rules_builtin_key',
            columnNames: ['builtin_key'],
            isUnique: true,
          }),
        ],
      }),
      true,
    );
    await q.createTable(
      new Table({
        name: 'alert_channels',
        columns: [
          ...baseColumns(q),
          varcharColumn('name', 100),
          varcharColumn('type', 16),
          { name: 'enabled', type: 'boolean', default: true },
          varcharColumn('url', 2000, true),
          { name: 'email_recipients', type: 'text' },
          { name: 'secret_sealed', type: 'text', isNullable: true },
          { name: 'secret_hints', type: 'text' },
          { name: 'last_test', type: 'text', isNullable: true },
        ],
      }),
      true,
    );
    await q.createTable(
      new Table({
        name: 'alert_silences',
        columns: [
          ...baseColumns(q),
          { name: 'matchers', type: 'text' },
          varcharColumn('reason', 500),
          { name: 'starts_at', type: t.timestamp },
          { name: 'ends_at', type: t.timestamp },
          varcharColumn('created_by_email', 320, true),
        ],
        indices: [new TableIndex({ name: 'IDX_alert_silences_ends_at', columnNames: ['ends_at'] })],
      }),
      true,
    );
    await q.createTable(
      new Table({
        name: 'alert_instances',
        columns: [
          ...baseColumns(q),
          varcharColumn('fingerprint', 16),
          varcharColumn('open_key', 16, true),
          varcharColumn('rule_id', 40),
          varcharColumn('rule_name', 100),
          varcharColumn('severity', 16),
          varcharColumn('state', 16),
          { name: 'labels', type: 'text' },
          { name: 'annotations', type: 'text' },
          { name: 'value', type: 'float', isNullable: true },
          { name: 'starts_at', type: t.timestamp },
          { name: 'active_since', type: t.timestamp },
          { name: 'ends_at', type: t.timestamp, isNullable: true },
          { name: 'last_evaluated_at', type: t.timestamp },
          { name: 'notified_at', type: t.timestamp, isNullable: true },
          { name: 'resolved_notified_at', type: t.timestamp, isNullable: true },
          varcharColumn('pending_notice', 16, true),
          { name: 'acknowledged_at', type: t.timestamp, isNullable: true },
          varcharColumn('acknowledged_by_email', 320, true),
          varcharColumn('acknowledgement_note', 1000, true),
        ],
        indices: [
          new TableIndex({ name: 'IDX_alert_instances_open_key', columnNames: ['open_key'], isUnique: true }),
          new TableIndex({ name: 'IDX_alert_instances_state', columnNames: ['state', 'updated_at'] }),
          new TableIndex({ name: 'IDX_alert_instances_rule', columnNames: ['rule_id'] }),
        ],
      }),
      true,
    );
    await q.createTable(
      new Table({
        name: 'alert_evaluations',
        columns: [
          ...baseColumns(q),
          varcharColumn('slot', 20),
          { name: 'evaluated_at', type: t.timestamp },
          { name: 'notices', type: 'integer', default: 0 },
        ],
        indices: [
          new TableIndex({ name: 'IDX_alert_evaluations_slot', columnNames: ['slot'], isUnique: true }),
        ],
      }),
      true,
    );
    // The evaluation counts authorizations per window by creation time.
    await q.createIndex(
      'payment_attempts',
      new TableIndex({ name: 'IDX_payment_attempts_created_at', columnNames: ['created_at'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('payment_attempts', 'IDX_payment_attempts_created_at');
    for (const table of [
      'alert_evaluations',
      'alert_instances',
      'alert_silences',
      'alert_channels',
      'alert_rules',
    ])
      await q.dropTable(table, true);
  }
}
