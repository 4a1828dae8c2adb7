import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { baseColumns, columnTypes } from '@payrail/database';

/**
 * The audit trail: `audit_entries` (hash-chained, append-only) and `audit_checkpoints` (where a
 * retention purge leaves the hash of the last entry it removed).
 *
 * On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE on both tables. The one way
 * through is the retention purge, which deletes the oldest entries inside a transaction after
 * `SET LOCAL payrail.audit_purge = 'on'`; the setting ends with that transaction. SQLite has no
 * such guard: there the hash chain makes changes detectable (`AuditService.verify`).
 */
export class AuditTrail1767000000000 implements MigrationInterface {
  name = 'AuditTrail1767000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    // With time zone on PostgreSQL, so the chained instant never depends on a session's TimeZone.
    const instant = t.postgres ? 'timestamptz' : t.timestamp;
    await queryRunner.createTable(
      new Table({
        name: 'audit_entries',
        columns: [
          ...baseColumns(queryRunner),
          { name: 'sequence', type: 'integer' },
          { name: 'occurred_at', type: instant },
          { name: 'actor_type', type: 'varchar', length: '16' },
          { name: 'actor_id', type: 'varchar', length: '100', isNullable: true },
          { name: 'action', type: 'varchar', length: '64' },
          { name: 'outcome', type: 'varchar', length: '8' },
          { name: 'origin_ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'user_agent', type: 'varchar', length: '500', isNullable: true },
          { name: 'request_id', type: 'varchar', length: '100', isNullable: true },
          { name: 'merchant_id', type: 'varchar', length: '40', isNullable: true },
          { name: 'resource_type', type: 'varchar', length: '40', isNullable: true },
          { name: 'resource_id', type: 'varchar', length: '100', isNullable: true },
          { name: 'reason', type: 'varchar', length: '500', isNullable: true },
          { name: 'change', type: 'text', isNullable: true },
          { name: 'prev_hash', type: 'varchar', length: '64' },
          { name: 'hash', type: 'varchar', length: '64' },
        ],
        indices: [
          new TableIndex({ name: 'IDX_audit_entries_sequence', columnNames: ['sequence'], isUnique: true }),
          new TableIndex({ name: 'IDX_audit_entries_action', columnNames: ['action', 'sequence'] }),
          new TableIndex({ name: 'IDX_audit_entries_merchant', columnNames: ['merchant_id', 'sequence'] }),
          new TableIndex({
            name: 'IDX_audit_entries_resource',
            columnNames: ['resource_type', 'resource_id'],
          }),
          new TableIndex({ name: 'IDX_audit_entries_occurred_at', columnNames: ['occurred_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'audit_checkpoints',
        columns: [
          ...baseColumns(queryRunner),
          { name: 'through_sequence', type: 'integer' },
          { name: 'through_hash', type: 'varchar', length: '64' },
          { name: 'purged_before', type: instant },
          { name: 'purged_count', type: 'integer' },
        ],
        indices: [
          new TableIndex({
            name: 'IDX_audit_checkpoints_through',
            columnNames: ['through_sequence'],
            isUnique: true,
          }),
        ],
      }),
    );
    if (!t.postgres) return;

    const fn = qualified(queryRunner, 'payrail_audit_append_only');
    await queryRunner.query(`
      CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_entries'
           AND current_setting('payrail.audit_purge', true) = 'on' THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'the audit trail is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    for (const table of ['audit_entries', 'audit_checkpoints']) {
      const target = qualified(queryRunner, table);
      await queryRunner.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${target} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${target} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // DROP TABLE does not fire row or TRUNCATE triggers; the tables take their triggers with them.
    await queryRunner.dropTable('audit_checkpoints');
    await queryRunner.dropTable('audit_entries');
    if (columnTypes(queryRunner).postgres) {
      await queryRunner.query(
        `DROP FUNCTION IF EXISTS ${qualified(queryRunner, 'payrail_audit_append_only')}()`,
      );
    }
  }
}

/** A PostgreSQL name in the connection's configured schema, if it has one. */
function qualified(queryRunner: QueryRunner, name: string): string {
  const schema = (queryRunner.connection.options as { schema?: string }).schema;
  return schema ? `"${schema.replace(/"/g, '""')}"."${name}"` : `"${name}"`;
}
