import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

/** `expired`: the file was kept its retention time and is deleted; the row stays, for the audit trail. */
export type ExportStatus = 'queued' | 'running' | 'completed' | 'failed' | 'expired';

/** A transactions export run as a job: its filters, progress and, when done, the file to download. */
@Entity('report_exports')
@Index(['requestedBy', 'createdAt'])
export class ReportExport extends BaseRecord {
  @Column({ name: 'requested_by', type: 'varchar', length: 40 })
  requestedBy!: string;

  /** The merchants the requester could see when asking (`all` or ids): the job exports no more. */
  @Column({ name: 'merchant_scope', type: 'simple-json' })
  merchantScope!: string[] | 'all';

  @Column({ type: 'varchar', length: 8 })
  format!: 'csv' | 'jsonl';

  @Column({ type: 'simple-json' })
  filters!: Record<string, string>;

  @Column({ type: 'varchar', length: 16 })
  status!: ExportStatus;

  @Column({ type: 'integer', default: 0 })
  rows!: number;

  @Column({ name: 'total_rows', type: 'integer', default: 0 })
  totalRows!: number;

  @Column({ type: 'integer', default: 0 })
  progress!: number;

  @Column({ name: 'stored_file', type: 'varchar', length: 200, nullable: true })
  storedFile!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error!: string | null;

  @Column({ name: 'finished_at', type: Date, nullable: true })
  finishedAt!: Date | null;

  /** When the purge deletes the file (`PAYRAIL_EXPORT_RETENTION_HOURS` after it was written). */
  @Column({ name: 'expires_at', type: Date, nullable: true })
  expiresAt!: Date | null;
}
