import { Column, Entity, Index } from 'typeorm';
import { BaseRecord, bigintAsNumber } from '@payrail/database';

/**
 * Where one movement (or one gateway record nobody matched) stands after the latest run that
 * covered it: its result, both amounts and the gateway's fee. Unique per connection on the subject.
 */
@Entity('reconciliation_items')
@Index(['connectionId', 'targetKey'], { unique: true })
@Index(['attemptId'])
@Index(['connectionId', 'occurredAt'])
export class ReconciliationItem extends BaseRecord {
  @Column({ name: 'connection_id', type: 'varchar', length: 40 })
  connectionId!: string;

  /** `attempt:<id>`, `record:<dedup key>` or `payout:<reference>`. */
  @Column({ name: 'target_key', type: 'varchar', length: 320 })
  targetKey!: string;

  @Column({ name: 'run_id', type: 'varchar', length: 40 })
  runId!: string;

  @Column({ type: 'varchar', length: 24 })
  kind!: string;

  @Column({ name: 'payment_id', type: 'varchar', length: 40, nullable: true })
  paymentId!: string | null;

  @Column({ name: 'attempt_id', type: 'varchar', length: 40, nullable: true })
  attemptId!: string | null;

  @Column({ name: 'record_id', type: 'varchar', length: 40, nullable: true })
  recordId!: string | null;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  @Column({ name: 'payrail_amount', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  payrailAmount!: number | null;

  @Column({ name: 'gateway_amount', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  gatewayAmount!: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintAsNumber })
  fee!: number | null;

  /** When the movement (or the record) happened: which run's window it belongs to. */
  @Column({ name: 'occurred_at', type: Date })
  occurredAt!: Date;
}
