import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';
import type { AlertSeverityValue, AlertStateValue } from '@payrail/api-contract';

/** One episode of an alert: from the condition first holding to its resolution. */
@Entity('alert_instances')
@Index(['state', 'updatedAt'])
@Index(['ruleId'])
export class AlertInstanceRecord extends BaseRecord {
  @Column({ type: 'varchar', length: 16 })
  fingerprint!: string;

  /** The fingerprint while the episode is pending or firing, null once resolved: one open episode per fingerprint. */
  @Index({ unique: true })
  @Column({ name: 'open_key', type: 'varchar', length: 16, nullable: true })
  openKey!: string | null;

  @Column({ name: 'rule_id', type: 'varchar', length: 40 })
  ruleId!: string;

  @Column({ name: 'rule_name', type: 'varchar', length: 100 })
  ruleName!: string;

  @Column({ type: 'varchar', length: 16 })
  severity!: AlertSeverityValue;

  @Column({ type: 'varchar', length: 16 })
  state!: AlertStateValue;

  @Column({ type: 'simple-json' })
  labels!: Record<string, string>;

  @Column({ type: 'simple-json' })
  annotations!: Record<string, string>;

  @Column({ type: 'float', nullable: true })
  value!: number | null;

  @Column({ name: 'starts_at', type: Date })
  startsAt!: Date;

  @Column({ name: 'active_since', type: Date })
  activeSince!: Date;

  @Column({ name: 'ends_at', type: Date, nullable: true })
  endsAt!: Date | null;

  @Column({ name: 'last_evaluated_at', type: Date })
  lastEvaluatedAt!: Date;

  @Column({ name: 'notified_at', type: Date, nullable: true })
  notifiedAt!: Date | null;

  @Column({ name: 'resolved_notified_at', type: Date, nullable: true })
  resolvedNotifiedAt!: Date | null;

  /** A notice no channel has taken yet (`firing` or `resolved`): tried again at the next evaluations, for an hour. */
  @Column({ name: 'pending_notice', type: 'varchar', length: 16, nullable: true })
  pendingNotice!: 'firing' | 'resolved' | null;

  @Column({ name: 'acknowledged_at', type: Date, nullable: true })
  acknowledgedAt!: Date | null;

  @Column({ name: 'acknowledged_by_email', type: 'varchar', length: 320, nullable: true })
  acknowledgedByEmail!: string | null;

  @Column({ name: 'acknowledgement_note', type: 'varchar', length: 1000, nullable: true })
  acknowledgementNote!: string | null;
}
