import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

/** The customer as one gateway connection knows it: the gateway's customer id. */
@Entity('customer_gateway_profiles')
@Index(['customerId', 'connectionId'], { unique: true })
export class CustomerGatewayProfile extends BaseRecord {
  @Column({ name: 'customer_id', type: 'varchar', length: 40 })
  customerId!: string;

  @Column({ name: 'connection_id', type: 'varchar', length: 40 })
  connectionId!: string;

  @Column({ type: 'varchar', length: 40 })
  gateway!: string;

  @Column({ name: 'gateway_customer_reference', type: 'varchar', length: 200 })
  gatewayCustomerReference!: string;
}
