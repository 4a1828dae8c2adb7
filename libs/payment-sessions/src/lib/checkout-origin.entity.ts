import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

/** An origin (`https://shop.example`) whose pages may call a merchant's sessions from the browser. */
@Entity('checkout_origins')
@Index(['merchantId', 'origin'], { unique: true })
export class CheckoutOrigin extends BaseRecord {
  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column({ type: 'varchar', length: 255 })
  origin!: string;
}
