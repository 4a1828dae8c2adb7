import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

/** One scheduled `healthCheck` of a connection and what it answered. */
@Entity('gateway_health_checks')
@Index(['connectionId', 'checkedAt'])
export class GatewayHealthCheck extends BaseRecord {
  @Column({ name: 'connection_id', type: 'varchar', length: 40 })
  connectionId!: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column({ type: 'varchar', length: 32 })
  gateway!: string;

  @Column({ type: 'boolean' })
  healthy!: boolean;

  @Column({ name: 'latency_ms', type: 'integer' })
  latencyMs!: number;

  @Column({ type: 'varchar', length: 500, nullable: true })
  detail!: string | null;

  @Column({ name: 'checked_at', type: Date })
  checkedAt!: Date;
}
