import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

/** The log of one try: what the endpoint answered, how fast, or why it could not be reached. */
@Entity('webhook_delivery_attempts')
@Index(['deliveryId', 'attempt'])
export class WebhookDeliveryAttempt extends BaseRecord {
  @Column({ name: 'delivery_id', type: 'varchar', length: 40 })
  deliveryId!: string;

  @Column({ type: 'integer' })
  attempt!: number;

  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode!: number | null;

  @Column({ name: 'latency_ms', type: 'integer' })
  latencyMs!: number;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error!: string | null;

  /** The first bytes of the answer, redacted. */
  @Column({ name: 'response_excerpt', type: 'varchar', length: 500, nullable: true })
  responseExcerpt!: string | null;
}
