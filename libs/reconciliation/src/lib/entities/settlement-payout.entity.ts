import { Column, Entity, Index } from 'typeorm';
import { BaseRecord, bigintAsNumber } from '@payrail/database';

/** A transfer of the gateway balance to the merchant's bank, as imported: its entries are the records carrying its id. */
@Entity('settlement_payouts')
@Index(['connectionId', 'payoutId'], { unique: true })
@Index(['connectionId', 'gatewayCreatedAt'])
export class SettlementPayoutRow extends BaseRecord {
  @Column({ name: 'connection_id', type: 'varchar', length: 40 })
  connectionId!: string;

  @Column({ name: 'payout_id', type: 'varchar', length: 200 })
  payoutId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  /** What reaches the bank, minor units, positive. */
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  amount!: number;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  fee!: number;

  @Column({ name: 'gateway_created_at', type: Date })
  gatewayCreatedAt!: Date;

  @Column({ name: 'arrival_date', type: Date, nullable: true })
  arrivalDate!: Date | null;

  @Column({ type: 'text' })
  raw!: string;
}
