import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

/** Where a merchant wants its events: a URL, the event types, and a signing secret stored sealed. */
@Entity('webhook_endpoints')
@Index(['merchantId'])
export class WebhookEndpoint extends BaseRecord {
  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  /** The mode of the key that registered it: only that mode's events reach it. */
  @Column({ type: 'varchar', length: 8, default: 'test' })
  mode!: 'test' | 'live';

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  /** Event types, or `['*']` for all. */
  @Column({ name: 'event_types', type: 'simple-json' })
  eventTypes!: string[];

  @Column({ type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  /** The signing secret, sealed by SecretBox; shown once at creation. */
  @Column({ name: 'secret_sealed', type: 'text' })
  secretSealed!: string;

  @Column({ name: 'secret_hint', type: 'varchar', length: 16 })
  secretHint!: string;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;
}
