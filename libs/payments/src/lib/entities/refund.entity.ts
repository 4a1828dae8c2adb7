import { Column, Entity, Index } from 'typeorm';
import { BaseRecord, moneyColumn } from '@payrail/database';
import type { RefundPart } from '@payrail/plugin-sdk';

export type RefundStatus = 'pending' | 'succeeded' | 'failed' | 'unknown';

@Entity('refunds')
@Index(['paymentId'])
export class Refund extends BaseRecord {
  @Column({ name: 'payment_id', type: 'varchar', length: 40 })
  paymentId!: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column(moneyColumn('amount'))
  amount!: number;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: RefundStatus;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  @Column({ name: 'gateway_reference', type: 'varchar', length: 200, nullable: true })
  gatewayReference!: string | null;

  @Column({ name: 'failure_code', type: 'varchar', length: 40, nullable: true })
  failureCode!: string | null;

  @Column({ name: 'failure_message', type: 'varchar', length: 500, nullable: true })
  failureMessage!: string | null;

  /** On a gateway that refunds per capture: how much this refund takes from each capture. */
  @Column({ type: 'simple-json', nullable: true })
  parts!: RefundPart[] | null;
}
