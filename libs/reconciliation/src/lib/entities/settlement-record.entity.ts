import { Column, Entity, Index } from 'typeorm';
import { BaseRecord, bigintAsNumber } from '@payrail/database';

/** What a gateway record is, as the plugin reports it (`SettlementRecord.kind`). */
export type SettlementRecordKind = 'charge' | 'refund' | 'dispute' | 'fee' | 'payout' | 'other';

/**
 * One money movement as the gateway reported it, imported for reconciliation. Unique per
 * connection on `dedupKey`, so importing the same window again adds nothing; `raw` keeps the
 * gateway's own record as it came.
 */
@Entity('settlement_records')
@Index(['connectionId', 'dedupKey'], { unique: true })
@Index(['connectionId', 'paymentReference'])
@Index(['connectionId', 'occurredAt'])
@Index(['connectionId', 'payoutId'])
export class SettlementRecordRow extends BaseRecord {
  @Column({ name: 'connection_id', type: 'varchar', length: 40 })
  connectionId!: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column({ type: 'varchar', length: 40 })
  gateway!: string;

  /** What makes the record unique at the gateway (its id, or a composite where ids repeat). */
  @Column({ name: 'dedup_key', type: 'varchar', length: 300 })
  dedupKey!: string;

  @Column({ type: 'varchar', length: 200 })
  reference!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: SettlementRecordKind;

  /** The gateway's own type for the row (`charge`, `T0006`, `CHARGE`…). */
  @Column({ name: 'gateway_type', type: 'varchar', length: 40 })
  gatewayType!: string;

  /** The payment's gateway reference (PaymentIntent, order, payment id), when the movement belongs to one. */
  @Column({ name: 'payment_reference', type: 'varchar', length: 200, nullable: true })
  paymentReference!: string | null;

  /** The capture the row belongs to, as Payrail stores it on the payment's captures. */
  @Column({ name: 'capture_reference', type: 'varchar', length: 200, nullable: true })
  captureReference!: string | null;

  /** The refund the row belongs to, as Payrail stores it on the refund. */
  @Column({ name: 'refund_reference', type: 'varchar', length: 200, nullable: true })
  refundReference!: string | null;

  @Column({ name: 'dispute_reference', type: 'varchar', length: 200, nullable: true })
  disputeReference!: string | null;

  /** The payout that carried the row to the bank, once there is one. */
  @Column({ name: 'payout_id', type: 'varchar', length: 200, nullable: true })
  payoutId!: string | null;

  /** `pending`, `available`, `paid_out`, `reversed` or `failed`, as the gateway last said. */
  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  amount!: number;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  fee!: number;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  net!: number;

  @Column({ name: 'occurred_at', type: Date })
  occurredAt!: Date;

  @Column({ name: 'available_on', type: Date, nullable: true })
  availableOn!: Date | null;

  /** The gateway's record as it came (JSON text). */
  @Column({ type: 'text' })
  raw!: string;

  /** The run whose import first stored the record. */
  @Column({ name: 'import_run_id', type: 'varchar', length: 40, nullable: true })
  importRunId!: string | null;
}
