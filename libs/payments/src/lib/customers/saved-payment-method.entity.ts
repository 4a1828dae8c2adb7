import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

export type SavedMethodStatus = 'active' | 'requires_action';

/** A card saved at one connection's gateway: the gateway's reference and the card summary, nothing more. */
@Entity('saved_payment_methods')
@Index(['customerId', 'id'])
export class SavedPaymentMethod extends BaseRecord {
  @Column({ name: 'customer_id', type: 'varchar', length: 40 })
  customerId!: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column({ name: 'connection_id', type: 'varchar', length: 40 })
  connectionId!: string;

  @Column({ type: 'varchar', length: 40 })
  gateway!: string;

  @Column({ name: 'gateway_reference', type: 'varchar', length: 200 })
  gatewayReference!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: SavedMethodStatus;

  @Column({ name: 'card_brand', type: 'varchar', length: 32, nullable: true })
  cardBrand!: string | null;

  @Column({ name: 'card_last4', type: 'varchar', length: 4, nullable: true })
  cardLast4!: string | null;

  @Column({ name: 'card_exp_month', type: 'integer', nullable: true })
  cardExpMonth!: number | null;

  @Column({ name: 'card_exp_year', type: 'integer', nullable: true })
  cardExpYear!: number | null;

  @Column({ name: 'card_fingerprint', type: 'varchar', length: 100, nullable: true })
  cardFingerprint!: string | null;
}
