import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import type * as QRCode from 'qrcode';
import { In, IsNull, Repository } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import type { AuditRecordInput } from '@payrail/audit';
import { newId, TransactionRunner } from '@payrail/database';
import { SecretBox } from '@payrail/secrets';
import { Clock } from './clock';
import { IdentityAudit } from './identity-audit';
import { ARGON2_OPTIONS } from './owner-bootstrap.service';
import { PASSWORD_HISTORY_DEPTH, passwordProblem } from './password-policy';
import { RoleAssignment, ROLES, type Role } from './role-assignment.entity';
import { SessionService } from './session.service';
import { newTotpSecret, totpStep, totpUri } from './totp';
import { User } from './user.entity';

/** The QR code encoder, loaded at the first MFA enrolment rather than at start. */
function qrCode(): typeof QRCode {
  return require('qrcode') as typeof QRCode;
}

export const LOCKOUT_THRESHOLD = 10;
export const LOCKOUT_MS = 30 * 60 * 1000;
export const RECOVERY_CODE_COUNT = 10;
export const RESET_TOKEN_MS = 60 * 60 * 1000;
const TOTP_ISSUER = 'Payrail';

type Origin = AuditRecordInput['origin'];

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const normalizeRecoveryCode = (code: string) => code.replace(/[\s-]/g, '').toUpperCase();
const invalidCredentials = () =>
  new ApiError(401, {
    type: 'authentication_error',
    code: 'invalid_credentials',
    message: 'the email or password is not right, or the account is locked or disabled',
  });

export interface NewUser {
  email: string;
  name?: string;
  password?: string;
  roles: Array<{ role: Role; merchantId: string | null }>;
}

/** Console users: sign-in with lockout, password policy and history, disabling, and TOTP MFA with recovery codes. */
@Injectable()
export class ConsoleUsersService {
  private dummyHash?: Promise<string>;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(RoleAssignment) private readonly assignments: Repository<RoleAssignment>,
    private readonly transactions: TransactionRunner,
    private readonly sessions: SessionService,
    private readonly secrets: SecretBox,
    private readonly audit: IdentityAudit,
    private readonly clock: Clock,
  ) {}

  /**
   * Checks an email and password. Ten failures in a row lock the account for 30 minutes, during
   * which even the right password fails. Every attempt is audited; the answer never says which part was wrong.
   */
  async checkPassword(email: string, password: string, origin: Origin): Promise<User> {
    const normalized = String(email ?? '')
      .trim()
      .toLowerCase();
    const user = normalized ? await this.users.findOneBy({ email: normalized }) : null;
    if (!user) {
      // Spend the same time as a real check, so response times don't reveal which emails exist.
      await argon2.verify(await this.dummy(), String(password ?? '')).catch(() => false);
      await this.audit.record({
        actor: { type: 'user', id: null },
        action: 'auth.login_failed',
        outcome: 'failure',
        origin,
        reason: 'unknown email',
      });
      throw invalidCredentials();
    }
    const now = this.clock.now();
    const locked = !!user.lockedUntil && user.lockedUntil.getTime() > now.getTime();
    const matches = await argon2.verify(user.passwordHash, String(password ?? '')).catch(() => false);
    if (locked || user.status !== 'active' || !matches) {
      const reason = locked
        ? 'account locked'
        : user.status !== 'active'
          ? 'account disabled'
          : 'wrong password';
      await this.audit.record({
        actor: { type: 'user', id: user.id },
        action: 'auth.login_failed',
        outcome: 'failure',
        origin,
        resource: { type: 'user', id: user.id },
        reason,
      });
      if (!locked && user.status === 'active') await this.countFailure(user, origin);
      throw invalidCredentials();
    }
    await this.users.update({ id: user.id }, { failedLogins: 0, lockedUntil: null, lastLoginAt: now });
    return user;
  }

  private async countFailure(user: User, origin: Origin): Promise<void> {
    const lockedUntil = await this.transactions.run(async (m) => {
      await m.increment(User, { id: user.id }, 'failedLogins', 1);
      const fresh = await m.findOneByOrFail(User, { id: user.id });
      if (fresh.failedLogins < LOCKOUT_THRESHOLD) return null;
      const until = new Date(this.clock.now().getTime() + LOCKOUT_MS);
      await m.update(User, { id: user.id }, { failedLogins: 0, lockedUntil: until });
      return until;
    });
    if (lockedUntil) {
      await this.audit.record({
        actor: { type: 'system' },
        action: 'auth.lockout',
        outcome: 'success',
        origin,
        resource: { type: 'user', id: user.id },
        reason: `${LOCKOUT_THRESHOLD} failed sign-ins; locked until ${lockedUntil.toISOString()}`,
      });
    }
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= argon2.hash(randomBytes(16).toString('hex'), ARGON2_OPTIONS);
    return this.dummyHash;
  }

  find(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  listUsers(ids?: string[]): Promise<User[]> {
    if (ids && !ids.length) return Promise.resolve([]);
    return this.users.find({ where: ids ? { id: In(ids) } : {}, order: { createdAt: 'ASC' } });
  }

  async get(id: string): Promise<User> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw ApiError.notFound('user', id);
    return user;
  }

  rolesOf(userIds: string[]): Promise<RoleAssignment[]> {
    if (!userIds.length) return Promise.resolve([]);
    return this.assignments.find({ where: { userId: In(userIds) }, order: { createdAt: 'ASC' } });
  }

  /** A new password, checked against the policy and the last 4 passwords, hashed with argon2id. */
  private async hashNewPassword(
    user: Pick<User, 'email' | 'passwordHash' | 'passwordHistory'> | null,
    email: string,
    password: string,
    param: string,
  ): Promise<{ hash: string; history: string[] }> {
    const problem = passwordProblem(password, email);
    if (problem) throw ApiError.invalid(param, problem.message, problem.code);
    const previous = user
      ? [user.passwordHash, ...(user.passwordHistory ?? [])].slice(0, PASSWORD_HISTORY_DEPTH)
      : [];
    for (const old of previous) {
      if (await argon2.verify(old, password).catch(() => false)) {
        throw ApiError.invalid(
          param,
          `the password must differ from your last ${PASSWORD_HISTORY_DEPTH} passwords`,
          'password_reused',
        );
      }
    }
    return {
      hash: await argon2.hash(password, ARGON2_OPTIONS),
      history: previous.slice(0, PASSWORD_HISTORY_DEPTH - 1),
    };
  }

  /** Changes a user's own password; every other session of theirs ends. */
  async changePassword(
    userId: string,
    current: string,
    next: string,
    sessionId: string,
    origin: Origin,
  ): Promise<void> {
    const user = await this.get(userId);
    if (!(await argon2.verify(user.passwordHash, String(current ?? '')).catch(() => false))) {
      throw ApiError.invalid('current_password', 'the current password is not right', 'invalid_credentials');
    }
    const { hash, history } = await this.hashNewPassword(user, user.email, next, 'new_password');
    await this.users.update(
      { id: user.id },
      { passwordHash: hash, passwordHistory: history, passwordChangedAt: this.clock.now() },
    );
    await this.sessions.revokeAllFor(user.id, 'password_changed', sessionId);
    await this.audit.record({
      actor: { type: 'user', id: user.id },
      action: 'user.updated',
      origin,
      resource: { type: 'user', id: user.id },
      reason: 'password changed',
    });
  }

  /** Creates a user with role assignments. Without a password one is generated and returned once. */
  async create(
    input: NewUser,
    actorId: string,
    origin: Origin,
  ): Promise<{ user: User; generatedPassword?: string }> {
    const email = input.email.trim().toLowerCase();
    if (await this.users.findOneBy({ email }))
      throw new ApiError(409, {
        type: 'invalid_request_error',
        code: 'email_taken',
        message: `a user with email ${email} already exists`,
        param: 'email',
      });
    const generatedPassword = input.password ? undefined : randomBytes(18).toString('base64url');
    const { hash } = await this.hashNewPassword(
      null,
      email,
      input.password ?? (generatedPassword as string),
      'password',
    );
    const user = await this.transactions.run(async (m) => {
      const created = m.create(User, {
        id: newId('usr'),
        email,
        name: input.name ?? '',
        passwordHash: hash,
        status: 'active',
        passwordHistory: [],
        failedLogins: 0,
      });
      await m.save(created);
      for (const role of input.roles) {
        await m.save(
          m.create(RoleAssignment, {
            id: newId('rol'),
            userId: created.id,
            merchantId: role.merchantId,
            role: role.role,
          }),
        );
      }
      await this.audit.record(
        {
          actor: { type: 'user', id: actorId },
          action: 'user.created',
          origin,
          resource: { type: 'user', id: created.id },
          change: { after: { email, name: created.name, roles: input.roles } },
        },
        m,
      );
      return created;
    });
    return { user, generatedPassword };
  }

  async rename(user: User, name: string, actorId: string, origin: Origin): Promise<User> {
    const before = user.name;
    await this.users.update({ id: user.id }, { name });
    await this.audit.record({
      actor: { type: 'user', id: actorId },
      action: 'user.updated',
      origin,
      resource: { type: 'user', id: user.id },
      change: { before: { name: before }, after: { name } },
    });
    return this.get(user.id);
  }

  /** Disables a user and ends all their sessions at once. */
  async disable(user: User, actorId: string, origin: Origin): Promise<{ user: User; sessionsEnded: number }> {
    if (user.id === actorId)
      throw ApiError.invalid('id', 'you cannot disable yourself', 'cannot_disable_self');
    await this.users.update({ id: user.id }, { status: 'disabled' });
    const sessionsEnded = await this.sessions.revokeAllFor(user.id, 'user_disabled');
    await this.audit.record({
      actor: { type: 'user', id: actorId },
      action: 'user.disabled',
      origin,
      resource: { type: 'user', id: user.id },
      change: { before: { status: user.status }, after: { status: 'disabled' } },
    });
    return { user: await this.get(user.id), sessionsEnded };
  }

  async enable(user: User, actorId: string, origin: Origin): Promise<User> {
    await this.users.update({ id: user.id }, { status: 'active', failedLogins: 0, lockedUntil: null });
    await this.audit.record({
      actor: { type: 'user', id: actorId },
      action: 'user.updated',
      origin,
      resource: { type: 'user', id: user.id },
      change: { before: { status: user.status }, after: { status: 'active' } },
    });
    return this.get(user.id);
  }

  async assignRole(
    user: User,
    role: Role,
    merchantId: string | null,
    actorId: string,
    origin: Origin,
  ): Promise<RoleAssignment> {
    if (!ROLES.includes(role)) throw ApiError.invalid('role', `role must be one of ${ROLES.join(', ')}`);
    const existing = await this.assignments.findOneBy({
      userId: user.id,
      role,
      merchantId: merchantId ?? IsNull(),
    });
    if (existing) return existing;
    const assignment = await this.assignments.save(
      this.assignments.create({ id: newId('rol'), userId: user.id, role, merchantId }),
    );
    await this.audit.record({
      actor: { type: 'user', id: actorId },
      action: 'role.assigned',
      origin,
      merchantId,
      resource: { type: 'user', id: user.id },
      change: { after: { role, merchant_id: merchantId } },
    });
    return assignment;
  }

  async revokeRole(assignment: RoleAssignment, actorId: string, origin: Origin): Promise<void> {
    await this.assignments.delete({ id: assignment.id });
    await this.audit.record({
      actor: { type: 'user', id: actorId },
      action: 'role.revoked',
      origin,
      merchantId: assignment.merchantId,
      resource: { type: 'user', id: assignment.userId },
      change: { before: { role: assignment.role, merchant_id: assignment.merchantId } },
    });
  }

  /** A one-time reset token (1 hour) an admin hands to a user out of band. */
  async issuePasswordReset(
    user: User,
    actorId: string,
    origin: Origin,
  ): Promise<{ token: string; expiresAt: Date }> {
    const token = `prs_${randomBytes(24).toString('base64url')}`;
    const expiresAt = new Date(this.clock.now().getTime() + RESET_TOKEN_MS);
    await this.users.update({ id: user.id }, { resetTokenHash: sha256(token), resetExpiresAt: expiresAt });
    await this.audit.record({
      actor: { type: 'user', id: actorId },
      action: 'user.updated',
      origin,
      resource: { type: 'user', id: user.id },
      reason: 'password reset issued',
    });
    return { token, expiresAt };
  }

  /** Sets a new password with a reset token; the token works once, the lockout is lifted and every session ends. */
  async resetPassword(token: string, next: string, origin: Origin): Promise<void> {
    const user = /^prs_[A-Za-z0-9_-]{32}$/.test(String(token ?? ''))
      ? await this.users.findOneBy({ resetTokenHash: sha256(token) })
      : null;
    if (
      !user ||
      !user.resetExpiresAt ||
      user.resetExpiresAt.getTime() <= this.clock.now().getTime() ||
      user.status !== 'active'
    ) {
      await this.audit.record({
        actor: { type: 'user', id: user?.id ?? null },
        action: 'user.password_reset_failed',
        outcome: 'failure',
        origin,
        reason: 'reset token not valid',
      });
      throw ApiError.invalid(
        'token',
        'the reset token is not valid or has expired; ask an admin for a new one',
        'reset_token_invalid',
      );
    }
    const { hash, history } = await this.hashNewPassword(user, user.email, next, 'new_password');
    const claimed = await this.users.update(
      { id: user.id, resetTokenHash: sha256(token) },
      {
        passwordHash: hash,
        passwordHistory: history,
        passwordChangedAt: this.clock.now(),
        resetTokenHash: null,
        resetExpiresAt: null,
        failedLogins: 0,
        lockedUntil: null,
      },
    );
    if (!claimed.affected)
      throw ApiError.invalid('token', 'the reset token was used already', 'reset_token_invalid');
    await this.sessions.revokeAllFor(user.id, 'password_reset');
    await this.audit.record({
      actor: { type: 'user', id: user.id },
      action: 'user.updated',
      origin,
      resource: { type: 'user', id: user.id },
      reason: 'password reset',
    });
  }

  // ---- MFA ----

  /** Starts (or restarts) TOTP enrolment: a new secret, its otpauth URI and a QR code of it. */
  async beginMfaEnrolment(user: User): Promise<{ secret: string; otpauthUri: string; qrDataUrl: string }> {
    if (user.mfaEnabledAt)
      throw new ApiError(409, {
        type: 'invalid_request_error',
        code: 'mfa_already_enrolled',
        message: 'MFA is already enrolled; an admin can reset it',
      });
    const secret = newTotpSecret();
    await this.users.update({ id: user.id }, { mfaPendingSecret: this.secrets.seal(secret) });
    const otpauthUri = totpUri(TOTP_ISSUER, user.email, secret);
    return { secret, otpauthUri, qrDataUrl: await qrCode().toDataURL(otpauthUri) };
  }

  /** Confirms enrolment with a first code; returns the recovery codes, shown once. */
  async confirmMfaEnrolment(user: User, code: string, origin: Origin): Promise<string[]> {
    if (user.mfaEnabledAt)
      throw new ApiError(409, {
        type: 'invalid_request_error',
        code: 'mfa_already_enrolled',
        message: 'MFA is already enrolled',
      });
    if (!user.mfaPendingSecret)
      throw ApiError.invalid('code', 'start enrolment first: POST /admin/auth/mfa/enroll', 'mfa_not_started');
    const secret = this.secrets.open(user.mfaPendingSecret);
    const step = await this.totpStep(secret, code, null);
    if (step === null)
      throw ApiError.invalid(
        'code',
        'the code is not right for this secret; check the authenticator clock',
        'mfa_code_invalid',
      );
    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
      const raw = randomBytes(10).toString('hex').toUpperCase();
      return `${raw.slice(0, 5)}-${raw.slice(5, 10)}-${raw.slice(10, 15)}-${raw.slice(15, 20)}`;
    });
    await this.users.update(
      { id: user.id },
      {
        mfaSecret: user.mfaPendingSecret,
        mfaPendingSecret: null,
        mfaEnabledAt: this.clock.now(),
        mfaLastStep: step,
        recoveryCodes: recoveryCodes.map((c) => sha256(normalizeRecoveryCode(c))),
      },
    );
    await this.audit.record({
      actor: { type: 'user', id: user.id },
      action: 'mfa.enrolled',
      origin,
      resource: { type: 'user', id: user.id },
    });
    return recoveryCodes;
  }

  /** Checks a TOTP code or a recovery code; each is accepted once. */
  async verifyMfa(
    user: User,
    code: string | undefined,
    recoveryCode: string | undefined,
    origin: Origin,
  ): Promise<'totp' | 'recovery_code'> {
    if (!user.mfaSecret)
      throw ApiError.invalid('code', 'MFA is not enrolled for this user', 'mfa_not_enrolled');
    if (recoveryCode) {
      const hash = sha256(normalizeRecoveryCode(recoveryCode));
      const used = await this.transactions.run(async (m) => {
        const fresh = await m.findOneByOrFail(User, { id: user.id });
        const codes = fresh.recoveryCodes ?? [];
        if (!codes.includes(hash)) return false;
        await m.update(User, { id: user.id }, { recoveryCodes: codes.filter((c) => c !== hash) });
        return true;
      });
      if (!used) {
        await this.audit.record({
          actor: { type: 'user', id: user.id },
          action: 'auth.mfa_failed',
          outcome: 'failure',
          origin,
          resource: { type: 'user', id: user.id },
          reason: 'recovery code not valid',
        });
        throw ApiError.invalid(
          'recovery_code',
          'the recovery code is not valid or was used already',
          'mfa_code_invalid',
        );
      }
      await this.audit.record({
        actor: { type: 'user', id: user.id },
        action: 'mfa.recovery_code_used',
        origin,
        resource: { type: 'user', id: user.id },
      });
      return 'recovery_code';
    }
    const step = await this.totpStep(this.secrets.open(user.mfaSecret), code ?? '', user.mfaLastStep);
    // Claim the step atomically: a code replayed, even concurrently, finds it taken.
    const claimed =
      step !== null &&
      ((
        await this.users
          .createQueryBuilder()
          .update(User)
          .set({ mfaLastStep: step })
          .where('id = :id', { id: user.id })
          .andWhere('(mfa_last_step IS NULL OR mfa_last_step < :step)', { step })
          .execute()
      ).affected ?? 0) === 1;
    if (!claimed) {
      await this.audit.record({
        actor: { type: 'user', id: user.id },
        action: 'auth.mfa_failed',
        outcome: 'failure',
        origin,
        resource: { type: 'user', id: user.id },
        reason: 'code not valid or already used',
      });
      throw ApiError.invalid(
        'code',
        'the code is not valid or was used already; wait for the next one',
        'mfa_code_invalid',
      );
    }
    return 'totp';
  }

  /** Removes a user's MFA (lost device); they enrol again at next sign-in, and their sessions end. */
  async resetMfa(user: User, actorId: string, origin: Origin): Promise<void> {
    await this.users.update(
      { id: user.id },
      { mfaSecret: null, mfaPendingSecret: null, mfaEnabledAt: null, mfaLastStep: null, recoveryCodes: null },
    );
    await this.sessions.revokeAllFor(user.id, 'mfa_reset');
    await this.audit.record({
      actor: { type: 'user', id: actorId },
      action: 'mfa.removed',
      origin,
      resource: { type: 'user', id: user.id },
    });
  }

  private totpStep(secret: string, code: string, afterStep: number | null): Promise<number | null> {
    return totpStep(secret, String(code ?? ''), this.clock.now(), afterStep);
  }
}
