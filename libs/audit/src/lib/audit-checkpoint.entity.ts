import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

/**
 * Written when a purge removes the oldest entries: the last removed entry's sequence and hash,
 * from which the remaining chain is verified.
 */
@Entity('audit_checkpoints')
export class AuditCheckpoint extends BaseRecord {
  @Index({ unique: true })
  @Column({ name: 'through_sequence', type: 'integer' })
  throughSequence!: number;

  @Column({ name: 'through_hash', type: 'varchar', length: 64 })
  throughHash!: string;

  /** Entries older than this were purged. */
  @Column({ name: 'purged_before', type: Date })
  purgedBefore!: Date;

  @Column({ name: 'purged_count', type: 'integer' })
  purgedCount!: number;
}
