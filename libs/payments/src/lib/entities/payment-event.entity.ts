import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

/** `routing`: which connection a new payment went to and why, and any failover to the next. */
export type PaymentEventType =
  'status_changed' | 'gateway_call' | 'refund_changed' | 'recovery' | 'webhook' | 'routing' | 'dispute';

/** One line of a payment's timeline: a state change or a gateway call with its outcome and latency. */
@Entity('payment_events')
@Index(['paymentId', 'id'])
export class PaymentEvent extends BaseRecord {
  @Column({ name: 'payment_id', type: 'varchar', length: 40 })
  paymentId!: string;

  @Column({ type: 'varchar', length: 24 })
  type!: PaymentEventType;

  @Column({ name: 'from_status', type: 'varchar', length: 32, nullable: true })
  fromStatus!: string | null;

  @Column({ name: 'to_status', type: 'varchar', length: 32, nullable: true })
  toStatus!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  operation!: string | null;

  @Column({ name: 'attempt_id', type: 'varchar', length: 40, nullable: true })
  attemptId!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  outcome!: string | null;

  @Column({ name: 'latency_ms', type: 'integer', nullable: true })
  latencyMs!: number | null;

  @Column({ name: 'error_code', type: 'varchar', length: 40, nullable: true })
  errorCode!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  message!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  data!: Record<string, unknown> | null;
}
