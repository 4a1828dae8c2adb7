import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

export type AuditActorType = 'user' | 'api_key' | 'system';
export type AuditOutcome = 'success' | 'failure';

/** Before/after of what an action changed, already redacted. */
export interface AuditChange {
  before?: unknown;
  after?: unknown;
}

/**
 * One append-only line of the audit trail. Entries are chained: `hash` is the SHA-256 of
 * `prevHash` and the canonical JSON of the entry's content, so changing, removing or reordering
 * any entry breaks every hash after it.
 */
@Entity('audit_entries')
@Index(['action', 'sequence'])
@Index(['merchantId', 'sequence'])
@Index(['resourceType', 'resourceId'])
@Index(['occurredAt'])
export class AuditEntry extends BaseRecord {
  @Index({ unique: true })
  @Column({ type: 'integer' })
  sequence!: number;

  @Column({ name: 'occurred_at', type: Date })
  occurredAt!: Date;

  @Column({ name: 'actor_type', type: 'varchar', length: 16 })
  actorType!: AuditActorType;

  @Column({ name: 'actor_id', type: 'varchar', length: 100, nullable: true })
  actorId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ type: 'varchar', length: 8 })
  outcome!: AuditOutcome;

  @Column({ name: 'origin_ip', type: 'varchar', length: 64, nullable: true })
  originIp!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 500, nullable: true })
  userAgent!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 100, nullable: true })
  requestId!: string | null;

  @Column({ name: 'merchant_id', type: 'varchar', length: 40, nullable: true })
  merchantId!: string | null;

  @Column({ name: 'resource_type', type: 'varchar', length: 40, nullable: true })
  resourceType!: string | null;

  @Column({ name: 'resource_id', type: 'varchar', length: 100, nullable: true })
  resourceId!: string | null;

  /** Why a failure failed (`invalid password`, `locked out`), redacted. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  change!: AuditChange | null;

  @Column({ name: 'prev_hash', type: 'varchar', length: 64 })
  prevHash!: string;

  @Column({ type: 'varchar', length: 64 })
  hash!: string;
}
