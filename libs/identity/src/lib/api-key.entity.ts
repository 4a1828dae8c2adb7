import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

export type KeyMode = 'test' | 'live';

/** A merchant's secret API key. Only its SHA-256 is stored; the key is shown once at creation. */
@Entity('api_keys')
export class ApiKey extends BaseRecord {
  @Index()
  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column({ type: 'varchar', length: 8 })
  mode!: KeyMode;

  @Column({ type: 'varchar', length: 200, default: '' })
  name!: string;

  /** The first characters of the key, enough to recognise it in a list. */
  @Column({ type: 'varchar', length: 24 })
  prefix!: string;

  @Index({ unique: true })
  @Column({ name: 'secret_hash', type: 'varchar', length: 64 })
  secretHash!: string;

  @Column({ type: 'simple-json' })
  scopes!: string[];

  @Column({ name: 'expires_at', nullable: true, type: Date })
  expiresAt!: Date | null;

  @Column({ name: 'last_used_at', nullable: true, type: Date })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', nullable: true, type: Date })
  revokedAt!: Date | null;
}
