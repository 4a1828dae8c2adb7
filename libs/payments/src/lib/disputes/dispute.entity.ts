import { Column, Entity, Index } from 'typeorm';
import { BaseRecord, moneyColumn } from '@payrail/database';
import type { GatewayDisputeStatus } from '@payrail/plugin-sdk';

/** A cardholder's dispute of a payment, moved through its states by the gateway's webhooks. */
@Entity('disputes')
@Index(['connectionId', 'gatewayReference'], { unique: true })
@Index(['merchantId', 'mode', 'id'])
export class Dispute extends BaseRecord {
  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column({ type: 'varchar', length: 8 })
  mode!: 'test' | 'live';

  @Column({ name: 'payment_id', type: 'varchar', length: 40 })
  paymentId!: string;

  @Column({ name: 'connection_id', type: 'varchar', length: 40 })
  connectionId!: string;

  @Column({ type: 'varchar', length: 40 })
  gateway!: string;

  @Column({ name: 'gateway_reference', type: 'varchar', length: 200 })
  gatewayReference!: string;

  @Column(moneyColumn('amount'))
  amount!: number;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  @Column({ type: 'varchar', length: 100 })
  reason!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: GatewayDisputeStatus;

  @Column({ name: 'gateway_status', type: 'varchar', length: 40 })
  gatewayStatus!: string;

  @Column({ type: 'boolean', default: false })
  inquiry!: boolean;

  @Column({ name: 'evidence_due_by', type: Date, nullable: true })
  evidenceDueBy!: Date | null;

  @Column({ name: 'evidence_submitted_at', type: Date, nullable: true })
  evidenceSubmittedAt!: Date | null;
}
