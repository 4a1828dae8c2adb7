import { Column, Entity } from 'typeorm';
import { BaseRecord } from '@payrail/database';

/** A tenant: every payment, connection and key belongs to one merchant. */
@Entity('merchants')
export class Merchant extends BaseRecord {
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** The merchant created on first start, which `--merchant default` names. */
  @Column({ name: 'is_default', type: 'boolean', default: false })
  isDefault!: boolean;
}
