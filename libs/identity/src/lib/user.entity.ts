import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

export type UserStatus = 'active' | 'disabled';

/** A console user. Passwords are argon2id hashes; the TOTP secret is sealed with the secret box. */
@Entity('users')
export class User extends BaseRecord {
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 320 })
  email!: string;

  @Column({ type: 'varchar', length: 200, default: '' })
  name!: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 200 })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: UserStatus;

  /** Hashes of the previous passwords (newest first); with the current one, the last 4 cannot be reused. */
  @Column({ name: 'password_history', type: 'simple-json', nullable: true })
  passwordHistory!: string[] | null;

  @Column({ name: 'password_changed_at', nullable: true, type: Date })
  passwordChangedAt!: Date | null;

  @Column({ name: 'failed_logins', type: 'integer', default: 0 })
  failedLogins!: number;

  @Column({ name: 'locked_until', nullable: true, type: Date })
  lockedUntil!: Date | null;

  @Column({ name: 'last_login_at', nullable: true, type: Date })
  lastLoginAt!: Date | null;

  /** SHA-256 of a one-time password-reset token an admin issued, and when it stops working. */
  @Column({ name: 'reset_token_hash', type: 'varchar', length: 64, nullable: true })
  resetTokenHash!: string | null;

  @Column({ name: 'reset_expires_at', nullable: true, type: Date })
  resetExpiresAt!: Date | null;

  /** Sealed TOTP secret once enrolment is confirmed. */
  @Column({ name: 'mfa_secret', type: 'text', nullable: true })
  mfaSecret!: string | null;

  /** Sealed TOTP secret of an enrolment not yet confirmed with a code. */
  @Column({ name: 'mfa_pending_secret', type: 'text', nullable: true })
  mfaPendingSecret!: string | null;

  @Column({ name: 'mfa_enabled_at', nullable: true, type: Date })
  mfaEnabledAt!: Date | null;

  /** The TOTP time step last accepted: a code is good once. */
  @Column({ name: 'mfa_last_step', type: 'integer', nullable: true })
  mfaLastStep!: number | null;

  /** SHA-256 hashes of the unused recovery codes. */
  @Column({ name: 'recovery_codes', type: 'simple-json', nullable: true })
  recoveryCodes!: string[] | null;
}
