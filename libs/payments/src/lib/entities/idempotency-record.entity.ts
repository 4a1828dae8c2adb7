import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

/** A merchant's `Idempotency-Key`: the request it was first used with and the response to replay. */
@Entity('idempotency_keys')
@Index(['merchantId', 'key'], { unique: true })
export class IdempotencyRecord extends BaseRecord {
  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column({ type: 'varchar', length: 255 })
  key!: string;

  /** SHA-256 of method, path and body. */
  @Column({ type: 'varchar', length: 64 })
  fingerprint!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: 'in_progress' | 'completed';

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus!: number | null;

  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody!: string | null;

  /** The payment the request created or acted on, once known. */
  @Column({ name: 'resource_id', type: 'varchar', length: 40, nullable: true })
  resourceId!: string | null;

  @Column({ name: 'locked_at', type: Date })
  lockedAt!: Date;

  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;
}
