import {
  Table,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
  type TableColumnOptions,
} from 'typeorm';
import { baseColumns, columnTypes, varcharColumn } from '@payrail/database';

const str = varcharColumn;
const text = (name: string, isNullable = true): TableColumnOptions => ({ name, type: 'text', isNullable });
const int = (
  name: string,
  isNullable = true,
  extra: Partial<TableColumnOptions> = {},
): TableColumnOptions => ({ name, type: 'integer', isNullable, ...extra });

/** The job queue's table, the inbound webhook inbox, and merchants' endpoints, outbox, deliveries and delivery log. */
export class JobsAndWebhooks1770000000000 implements MigrationInterface {
  name = 'JobsAndWebhooks1770000000000';

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

    await create(
      'jobs',
      [
        str('queue', 64),
        text('payload', false),
        str('state', 16),
        int('attempts', false, { default: 0 }),
        int('max_attempts', false),
        ts('run_at', false),
        ts('locked_until'),
        str('last_error', 1000, true),
        ts('finished_at'),
        str('unique_key', 200, true),
      ],
      [
        new TableIndex({ name: 'IDX_jobs_queue_state_run_at', columnNames: ['queue', 'state', 'run_at'] }),
        new TableIndex({ name: 'IDX_jobs_state_run_at', columnNames: ['state', 'run_at'] }),
        new TableIndex({ name: 'IDX_jobs_unique_key', columnNames: ['unique_key'], isUnique: true }),
      ],
    );
    await create(
      'webhook_inbox',
      [
        str('connection_id', 40),
        str('merchant_id', 40),
        str('gateway', 32),
        str('gateway_event_id', 200),
        str('gateway_event_type', 100),
        str('event_type', 40),
        str('payment_reference', 200, true),
        text('event', false),
        text('raw_body', false),
        text('headers', false),
        ts('received_at', false),
        str('state', 16),
        text('effect'),
        ts('processed_at'),
        int('replays', false, { default: 0 }),
        str('last_error', 1000, true),
      ],
      [
        new TableIndex({
          name: 'IDX_webhook_inbox_event',
          columnNames: ['connection_id', 'gateway_event_id'],
          isUnique: true,
        }),
        new TableIndex({ name: 'IDX_webhook_inbox_state', columnNames: ['state', 'received_at'] }),
        new TableIndex({ name: 'IDX_webhook_inbox_merchant', columnNames: ['merchant_id', 'received_at'] }),
      ],
    );
    await create(
      'webhook_endpoints',
      [
        str('merchant_id', 40),
        str('url', 2048),
        text('event_types', false),
        str('description', 500, true),
        text('secret_sealed', false),
        str('secret_hint', 16),
        { name: 'enabled', type: 'boolean', default: true },
      ],
      [new TableIndex({ name: 'IDX_webhook_endpoints_merchant', columnNames: ['merchant_id'] })],
    );
    await create(
      'webhook_outbox',
      [
        str('merchant_id', 40),
        str('type', 60),
        str('resource_id', 40),
        text('data', false),
        str('state', 16),
        ts('dispatched_at'),
      ],
      [
        new TableIndex({ name: 'IDX_webhook_outbox_state', columnNames: ['state', 'created_at'] }),
        new TableIndex({ name: 'IDX_webhook_outbox_merchant', columnNames: ['merchant_id', 'created_at'] }),
      ],
    );
    await create(
      'webhook_deliveries',
      [
        str('event_id', 40),
        str('endpoint_id', 40),
        str('merchant_id', 40),
        str('event_type', 60),
        str('state', 16),
        int('attempts', false, { default: 0 }),
        ts('next_attempt_at'),
        ts('locked_until'),
        int('last_status_code'),
        str('last_error', 500, true),
        ts('delivered_at'),
      ],
      [
        new TableIndex({
          name: 'IDX_webhook_deliveries_event_endpoint',
          columnNames: ['event_id', 'endpoint_id'],
          isUnique: true,
        }),
        new TableIndex({ name: 'IDX_webhook_deliveries_due', columnNames: ['state', 'next_attempt_at'] }),
        new TableIndex({
          name: 'IDX_webhook_deliveries_endpoint',
          columnNames: ['endpoint_id', 'created_at'],
        }),
      ],
    );
    await create(
      'webhook_delivery_attempts',
      [
        str('delivery_id', 40),
        int('attempt', false),
        int('status_code'),
        int('latency_ms', false),
        str('error', 500, true),
        str('response_excerpt', 500, true),
      ],
      [
        new TableIndex({
          name: 'IDX_webhook_delivery_attempts_delivery',
          columnNames: ['delivery_id', 'attempt'],
        }),
      ],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'webhook_delivery_attempts',
      'webhook_deliveries',
      'webhook_outbox',
      'webhook_endpoints',
      'webhook_inbox',
      'jobs',
    ])
      await q.dropTable(table, true);
  }
}
