import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { baseColumns, columnTypes, varcharColumn } from '@payrail/database';

const str = varcharColumn;

/**
 * Data subject requests (access and erasure) and legal holds. The subject is kept as a hash; its
 * value only sealed, and only while a request is open.
 */
export class PrivacyRequests1771500000000 implements MigrationInterface {
  name = 'PrivacyRequests1771500000000';

  async up(q: QueryRunner): Promise<void> {
    const t = columnTypes(q);
    await q.createTable(
      new Table({
        name: 'privacy_requests',
        columns: [
          ...baseColumns(q),
          str('merchant_id', 40),
          str('type', 16),
          str('regime', 8),
          str('subject_kind', 16),
          str('subject_hash', 64),
          { name: 'subject_sealed', type: 'text', isNullable: true },
          str('status', 16),
          str('blocked_reason', 500, true),
          { name: 'due_at', type: t.timestamp },
          { name: 'completed_at', type: t.timestamp, isNullable: true },
          str('requested_by', 100),
          { name: 'pseudonym_key_sealed', type: 'text', isNullable: true },
          { name: 'export_sealed', type: 'text', isNullable: true },
          { name: 'certificate', type: 'text', isNullable: true },
          { name: 'gateway_erasure', type: 'text', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'IDX_privacy_requests_merchant', columnNames: ['merchant_id', 'id'] }),
          new TableIndex({ name: 'IDX_privacy_requests_status', columnNames: ['status', 'due_at'] }),
        ],
      }),
      true,
    );
    await q.createTable(
      new Table({
        name: 'privacy_holds',
        columns: [
          ...baseColumns(q),
          str('merchant_id', 40),
          str('subject_hash', 64),
          str('reason', 500),
          str('placed_by', 100),
          { name: 'released_at', type: t.timestamp, isNullable: true },
          str('released_by', 100, true),
        ],
        indices: [
          new TableIndex({ name: 'IDX_privacy_holds_subject', columnNames: ['merchant_id', 'subject_hash'] }),
        ],
      }),
      true,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('privacy_holds');
    await q.dropTable('privacy_requests');
  }
}
