import { Column, Entity } from 'typeorm';
import { BaseRecord } from '@payrail/database';
import type { AlertChannelTestResource, AlertChannelType } from '@payrail/api-contract';

/**
 * Where alerts are sent. The channel's secret (a webhook's signing secret, a Slack incoming-webhook
 * URL) is sealed by the secret box like gateway credentials and never answered; only hints are.
 */
@Entity('alert_channels')
export class AlertChannelRecord extends BaseRecord {
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: AlertChannelType;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** A signed webhook's receiver. */
  @Column({ type: 'varchar', length: 2000, nullable: true })
  url!: string | null;

  /** An email channel's recipients (staff or on-call addresses). */
  @Column({ name: 'email_recipients', type: 'simple-json' })
  emailRecipients!: string[];

  /** The sealed secret: the signing secret (webhook) or the incoming-webhook URL (Slack). */
  @Column({ name: 'secret_sealed', type: 'text', nullable: true })
  secretSealed!: string | null;

  @Column({ name: 'secret_hints', type: 'simple-json' })
  secretHints!: Record<string, string>;

  @Column({ name: 'last_test', type: 'simple-json', nullable: true })
  lastTest!: AlertChannelTestResource | null;
}
