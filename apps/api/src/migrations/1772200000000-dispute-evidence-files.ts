import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { baseColumns, varcharColumn } from '@payrail/database';

const str = varcharColumn;

/** Evidence files sent to a dispute's gateway: their name, size, type, SHA-256 and the gateway's id, not their bytes. */
export class DisputeEvidenceFiles1772200000000 implements MigrationInterface {
  name = 'DisputeEvidenceFiles1772200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'dispute_evidence_files',
        columns: [
          ...baseColumns(q),
          str('dispute_id', 40),
          str('merchant_id', 40),
          str('mode', 8),
          str('name', 200),
          { name: 'size', type: 'integer' },
          str('content_type', 40),
          str('category', 32),
          str('sha256', 64),
          str('gateway_file_reference', 200),
          str('uploaded_by', 80),
        ],
        indices: [
          new TableIndex({
            name: 'IDX_dispute_evidence_files_dispute',
            columnNames: ['dispute_id', 'id'],
          }),
        ],
      }),
      true,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('dispute_evidence_files', true);
  }
}
