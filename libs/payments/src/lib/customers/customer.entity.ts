import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

/** A merchant's customer; contact details are personal data (see docs/compliance/data-map.yaml). */
@Entity('customers')
@Index(['merchantId', 'mode', 'id'])
export class Customer extends BaseRecord {
  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column({ type: 'varchar', length: 8 })
  mode!: 'test' | 'live';

  @Column({ type: 'varchar', length: 320, nullable: true })
  email!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  name!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  phone!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  metadata!: Record<string, string> | null;
}
