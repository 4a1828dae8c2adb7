import { Column, Entity, Index } from 'typeorm';
import { BaseRecord, bigintAsNumber } from '@payrail/database';

export type AttemptOperation = 'tokenize' | 'authorize' | 'capture' | 'void' | 'refund' | 'sync';
export type AttemptStatus = 'pending' | 'succeeded' | 'failed' | 'unknown';

/**
 * One call to a gateway. It is written, with the idempotency key the gateway will see, before
 * the call is made, so a retry after a crash reuses the key and can never act twice.
 */
@Entity('payment_attempts')
@Index(['paymentId'])
@Index(['status', 'nextRecoveryAt'])
export class PaymentAttempt extends BaseRecord {
  @Column({ name: 'payment_id', type: 'varchar', length: 40 })
  paymentId!: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column({ type: 'varchar', length: 16 })
  operation!: AttemptOperation;

  @Column({ type: 'varchar', length: 16 })
  status!: AttemptStatus;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 100 })
  idempotencyKey!: string;

  @Column({ type: 'bigint', nullable: true, transformer: bigintAsNumber })
  amount!: number | null;

  @Column({ name: 'refund_id', type: 'varchar', length: 40, nullable: true })
  refundId!: string | null;

  /** What was sent, redacted (a token, amounts, flags): enough to send it again with the same key. */
  @Column({ type: 'simple-json' })
  request!: Record<string, unknown>;

  @Column({ name: 'error_code', type: 'varchar', length: 40, nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_message', type: 'varchar', length: 500, nullable: true })
  errorMessage!: string | null;

  @Column({ name: 'gateway_code', type: 'varchar', length: 100, nullable: true })
  gatewayCode!: string | null;

  @Column({ name: 'gateway_request_id', type: 'varchar', length: 200, nullable: true })
  gatewayRequestId!: string | null;

  @Column({ name: 'latency_ms', type: 'integer', nullable: true })
  latencyMs!: number | null;

  @Column({ name: 'finished_at', type: Date, nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'recovery_tries', type: 'integer', default: 0 })
  recoveryTries!: number;

  @Column({ name: 'next_recovery_at', type: Date, nullable: true })
  nextRecoveryAt!: Date | null;
}
