import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

export type DeliveryState = 'pending' | 'sending' | 'succeeded' | 'retrying' | 'dead';

/** One event to one endpoint, with its retry schedule. */
@Entity('webhook_deliveries')
@Index(['eventId', 'endpointId'], { unique: true })
@Index(['state', 'nextAttemptAt'])
@Index(['endpointId', 'createdAt'])
export class WebhookDelivery extends BaseRecord {
  @Column({ name: 'event_id', type: 'varchar', length: 40 })
  eventId!: string;

  @Column({ name: 'endpoint_id', type: 'varchar', length: 40 })
  endpointId!: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column({ name: 'event_type', type: 'varchar', length: 60 })
  eventType!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: DeliveryState;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: Date, nullable: true })
  nextAttemptAt!: Date | null;

  /** While sending: when a crashed sender's claim lapses. */
  @Column({ name: 'locked_until', type: Date, nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: 'last_status_code', type: 'integer', nullable: true })
  lastStatusCode!: number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Column({ name: 'delivered_at', type: Date, nullable: true })
  deliveredAt!: Date | null;
}
