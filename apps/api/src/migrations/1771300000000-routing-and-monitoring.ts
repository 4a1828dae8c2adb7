import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { baseColumns, columnTypes } from '@payrail/database';

/** Routing rules per merchant, and the recorded gateway health checks. */
export class RoutingAndMonitoring1771300000000 implements MigrationInterface {
  name = 'RoutingAndMonitoring1771300000000';

  async up(q: QueryRunner): Promise<void> {
    const t = columnTypes(q);
    await q.createTable(
      new Table({
        name: 'routing_rules',
        columns: [
          ...baseColumns(q),
          { name: 'merchant_id', type: 'varchar', length: '40' },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'position', type: 'integer' },
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'conditions', type: 'text' },
          { name: 'connection_ids', type: 'text' },
        ],
        indices: [
          new TableIndex({
            name: 'IDX_routing_rules_merchant_position',
            columnNames: ['merchant_id', 'position'],
          }),
        ],
      }),
      true,
    );
    await q.createTable(
      new Table({
        name: 'gateway_health_checks',
        columns: [
          ...baseColumns(q),
          { name: 'connection_id', type: 'varchar', length: '40' },
          { name: 'merchant_id', type: 'varchar', length: '40' },
          { name: 'gateway', type: 'varchar', length: '32' },
          { name: 'healthy', type: 'boolean' },
          { name: 'latency_ms', type: 'integer' },
          { name: 'detail', type: 'varchar', length: '500', isNullable: true },
          { name: 'checked_at', type: t.timestamp },
        ],
        indices: [
          new TableIndex({
            name: 'IDX_gateway_health_checks_connection',
            columnNames: ['connection_id', 'checked_at'],
          }),
          new TableIndex({ name: 'IDX_gateway_health_checks_checked_at', columnNames: ['checked_at'] }),
        ],
      }),
      true,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('gateway_health_checks', true);
    await q.dropTable('routing_rules', true);
  }
}
