import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

/** While it lasts, alerts whose labels match every matcher are evaluated but never announced. */
@Entity('alert_silences')
@Index(['endsAt'])
export class AlertSilenceRecord extends BaseRecord {
  @Column({ type: 'simple-json' })
  matchers!: Record<string, string>;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  @Column({ name: 'starts_at', type: Date })
  startsAt!: Date;

  @Column({ name: 'ends_at', type: Date })
  endsAt!: Date;

  /** The console user who silenced. */
  @Column({ name: 'created_by_email', type: 'varchar', length: 320, nullable: true })
  createdByEmail!: string | null;
}
