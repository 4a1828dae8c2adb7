import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

export type InboxState = 'received' | 'applied' | 'ignored' | 'failed';

/** A verified gateway event, stored before it is applied; unique per connection and gateway event id. */
@Entity('webhook_inbox')
@Index(['connectionId', 'gatewayEventId'], { unique: true })
@Index(['state', 'receivedAt'])
@Index(['merchantId', 'receivedAt'])
export class InboxEvent extends BaseRecord {
  @Column({ name: 'connection_id', type: 'varchar', length: 40 })
  connectionId!: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column({ type: 'varchar', length: 32 })
  gateway!: string;

  @Column({ name: 'gateway_event_id', type: 'varchar', length: 200 })
  gatewayEventId!: string;

  @Column({ name: 'gateway_event_type', type: 'varchar', length: 100 })
  gatewayEventType!: string;

  /** The normalized type (`payment.captured`…). */
  @Column({ name: 'event_type', type: 'varchar', length: 40 })
  eventType!: string;

  @Column({ name: 'payment_reference', type: 'varchar', length: 200, nullable: true })
  paymentReference!: string | null;

  /** The event as the plugin read it (snapshot included), to apply and to replay. */
  @Column({ type: 'simple-json' })
  event!: Record<string, unknown>;

  @Column({ name: 'raw_body', type: 'text' })
  rawBody!: string;

  @Column({ type: 'simple-json' })
  headers!: Record<string, string>;

  @Column({ name: 'received_at', type: Date })
  receivedAt!: Date;

  @Column({ type: 'varchar', length: 16 })
  state!: InboxState;

  /** What applying did: the payment, its status before and after, and why. */
  @Column({ type: 'simple-json', nullable: true })
  effect!: { [key: string]: string | null } | null;

  @Column({ name: 'processed_at', type: Date, nullable: true })
  processedAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  replays!: number;

  @Column({ name: 'last_error', type: 'varchar', length: 1000, nullable: true })
  lastError!: string | null;
}
