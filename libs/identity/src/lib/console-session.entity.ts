import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

/** A console sign-in. The cookie holds a random token; only its SHA-256 is stored, so a database read cannot hijack a session. */
@Entity('console_sessions')
export class ConsoleSession extends BaseRecord {
  @Index({ unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Index()
  @Column({ name: 'user_id', type: 'varchar', length: 40 })
  userId!: string;

  /** The CSRF token state-changing requests must echo in `X-CSRF-Token`. */
  @Column({ name: 'csrf_token', type: 'varchar', length: 64 })
  csrfToken!: string;

  @Column({ name: 'mfa_verified', type: 'boolean', default: false })
  mfaVerified!: boolean;

  @Column({ name: 'last_seen_at', type: Date })
  lastSeenAt!: Date;

  /** The absolute end, 12 hours after sign-in, however active the session. */
  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;

  @Column({ name: 'revoked_at', nullable: true, type: Date })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 40, nullable: true })
  revokedReason!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 300, nullable: true })
  userAgent!: string | null;
}
