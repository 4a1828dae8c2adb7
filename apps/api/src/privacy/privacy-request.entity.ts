import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

export type PrivacyRequestType = 'access' | 'erasure';
export type PrivacyRegime = 'gdpr' | 'ccpa';
export type PrivacyRequestStatus = 'pending' | 'processing' | 'completed' | 'blocked';
export type SubjectKind = 'email' | 'customer';

/** What Payrail asked a gateway to erase, per gateway. */
export interface GatewayErasure {
  gateway: string;
  reference: string;
  status: 'pending' | 'erased' | 'manual' | 'failed';
  detail?: string;
  tries: number;
}

/** A data subject's access or erasure request. The subject is a hash; its value is sealed while the request is open, then dropped. */
@Entity('privacy_requests')
@Index(['merchantId', 'id'])
@Index(['status', 'dueAt'])
export class PrivacyRequest extends BaseRecord {
  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: PrivacyRequestType;

  @Column({ type: 'varchar', length: 8 })
  regime!: PrivacyRegime;

  @Column({ name: 'subject_kind', type: 'varchar', length: 16 })
  subjectKind!: SubjectKind;

  @Column({ name: 'subject_hash', type: 'varchar', length: 64 })
  subjectHash!: string;

  @Column({ name: 'subject_sealed', type: 'text', nullable: true })
  subjectSealed!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: PrivacyRequestStatus;

  @Column({ name: 'blocked_reason', type: 'varchar', length: 500, nullable: true })
  blockedReason!: string | null;

  @Column({ name: 'due_at', type: Date })
  dueAt!: Date;

  @Column({ name: 'completed_at', type: Date, nullable: true })
  completedAt!: Date | null;

  @Column({ name: 'requested_by', type: 'varchar', length: 100 })
  requestedBy!: string;

  /** The erasure's HMAC key, sealed; destroyed when the request completes. */
  @Column({ name: 'pseudonym_key_sealed', type: 'text', nullable: true })
  pseudonymKeySealed!: string | null;

  /** The access export, sealed; cleared by retention (privacy-exports). */
  @Column({ name: 'export_sealed', type: 'text', nullable: true })
  exportSealed!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  certificate!: Record<string, unknown> | null;

  @Column({ name: 'gateway_erasure', type: 'simple-json', nullable: true })
  gatewayErasure!: GatewayErasure[] | null;
}
