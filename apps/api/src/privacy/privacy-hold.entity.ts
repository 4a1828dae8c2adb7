import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

/** A legal hold on one subject's data: erasure is refused while it is not released. */
@Entity('privacy_holds')
@Index(['merchantId', 'subjectHash'])
export class PrivacyHold extends BaseRecord {
  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column({ name: 'subject_hash', type: 'varchar', length: 64 })
  subjectHash!: string;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  @Column({ name: 'placed_by', type: 'varchar', length: 100 })
  placedBy!: string;

  @Column({ name: 'released_at', type: Date, nullable: true })
  releasedAt!: Date | null;

  @Column({ name: 'released_by', type: 'varchar', length: 100, nullable: true })
  releasedBy!: string | null;
}
