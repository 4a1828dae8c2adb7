import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

export type OutboxState = 'pending' | 'dispatched';

/**
 * An event for merchants, written in the transaction of the change it tells of. Its id is the
 * event id endpoints see, for de-duplication. The relay turns it into deliveries.
 */
@Entity('webhook_outbox')
@Index(['state', 'createdAt'])
@Index(['merchantId', 'createdAt'])
export class OutboxEvent extends BaseRecord {
  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  /** The payment's mode: the event goes to endpoints of that mode only. */
  @Column({ type: 'varchar', length: 8, default: 'test' })
  mode!: 'test' | 'live';

  @Column({ type: 'varchar', length: 60 })
  type!: string;

  @Column({ name: 'resource_id', type: 'varchar', length: 40 })
  resourceId!: string;

  @Column({ type: 'simple-json' })
  data!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16 })
  state!: OutboxState;

  @Column({ name: 'dispatched_at', type: Date, nullable: true })
  dispatchedAt!: Date | null;
}
