import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';
import type { DisputeEvidenceCategory, DisputeEvidenceContentType } from '@payrail/plugin-sdk';

/**
 * A file of evidence sent to a dispute's gateway. The gateway keeps the bytes; Payrail keeps what
 * identifies them: name, size, type, SHA-256 and the gateway's id for the upload.
 */
@Entity('dispute_evidence_files')
@Index(['disputeId', 'id'])
export class DisputeEvidenceFileRecord extends BaseRecord {
  @Column({ name: 'dispute_id', type: 'varchar', length: 40 })
  disputeId!: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column({ type: 'varchar', length: 8 })
  mode!: 'test' | 'live';

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'integer' })
  size!: number;

  @Column({ name: 'content_type', type: 'varchar', length: 40 })
  contentType!: DisputeEvidenceContentType;

  @Column({ type: 'varchar', length: 32 })
  category!: DisputeEvidenceCategory;

  @Column({ type: 'varchar', length: 64 })
  sha256!: string;

  @Column({ name: 'gateway_file_reference', type: 'varchar', length: 200 })
  gatewayFileReference!: string;

  /** Who sent it: `user:<id>` from the console, `api_key:<id>` from the API. */
  @Column({ name: 'uploaded_by', type: 'varchar', length: 80 })
  uploadedBy!: string;
}
