import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columnTypes } from '@payrail/database';

/**
 * An export file is kept until `expires_at` (`PAYRAIL_EXPORT_RETENTION_HOURS` after it is
 * written); the purge job then deletes the file and marks the export `expired`. Exports written
 * before have no `expires_at`: the purge reads theirs from `finished_at`.
 */
export class ExportExpiry1772300000000 implements MigrationInterface {
  name = 'ExportExpiry1772300000000';

  async up(q: QueryRunner): Promise<void> {
    const t = columnTypes(q);
    await q.addColumn(
      'report_exports',
      new TableColumn({ name: 'expires_at', type: t.timestamp, isNullable: true }),
    );
    await q.createIndex(
      'report_exports',
      new TableIndex({ name: 'IDX_report_exports_status_expires', columnNames: ['status', 'expires_at'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('report_exports', 'IDX_report_exports_status_expires');
    await q.dropColumn('report_exports', 'expires_at');
  }
}
