import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, Repository } from 'typeorm';
import { newId } from '@payrail/database';
import { Clock } from './clock';
import { ConsoleSession } from './console-session.entity';

export const SESSION_IDLE_MS = 15 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** `last_seen_at` is written at most this often, so reads don't each cost a write. */
const TOUCH_EVERY_MS = 30 * 1000;

export type SessionProblem = 'missing' | 'revoked' | 'idle' | 'expired';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Server-side console sessions: created at sign-in with a fresh token, checked on every request, revocable. */
@Injectable()
export class SessionService {
  constructor(
    @InjectRepository(ConsoleSession) private readonly sessions: Repository<ConsoleSession>,
    private readonly clock: Clock,
  ) {}

  async start(
    userId: string,
    options: { mfaVerified: boolean; ip?: string | null; userAgent?: string | null },
  ): Promise<{ session: ConsoleSession; token: string }> {
    const now = this.clock.now();
    const token = randomBytes(32).toString('base64url');
    const session = this.sessions.create({
      id: newId('ses'),
      tokenHash: hash(token),
      userId,
      csrfToken: randomBytes(24).toString('base64url'),
      mfaVerified: options.mfaVerified,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
      revokedAt: null,
      revokedReason: null,
      ip: options.ip?.slice(0, 64) ?? null,
      userAgent: options.userAgent?.slice(0, 300) ?? null,
    });
    await this.sessions.save(session);
    return { session, token };
  }

  /** The live session for a cookie token, or why there is none. An idle or expired session is ended on the spot. */
  async resolve(
    token: string | undefined,
  ): Promise<{ session: ConsoleSession } | { problem: SessionProblem }> {
    if (!token || token.length > 100) return { problem: 'missing' };
    const session = await this.sessions.findOneBy({ tokenHash: hash(token) });
    if (!session) return { problem: 'missing' };
    if (session.revokedAt) return { problem: 'revoked' };
    const now = this.clock.now().getTime();
    if (now >= session.expiresAt.getTime()) {
      await this.revoke(session.id, 'expired');
      return { problem: 'expired' };
    }
    if (now - session.lastSeenAt.getTime() >= SESSION_IDLE_MS) {
      await this.revoke(session.id, 'idle');
      return { problem: 'idle' };
    }
    if (now - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
      session.lastSeenAt = new Date(now);
      await this.sessions.update({ id: session.id }, { lastSeenAt: session.lastSeenAt });
    }
    return { session };
  }

  async markMfaVerified(sessionId: string): Promise<void> {
    await this.sessions.update({ id: sessionId }, { mfaVerified: true });
  }

  async revoke(sessionId: string, reason: string): Promise<void> {
    await this.sessions.update(
      { id: sessionId, revokedAt: IsNull() },
      { revokedAt: this.clock.now(), revokedReason: reason },
    );
  }

  /** Ends every live session of a user at once (disable, password change, MFA reset). Returns how many it ended. */
  async revokeAllFor(userId: string, reason: string, exceptSessionId?: string): Promise<number> {
    const where = { userId, revokedAt: IsNull(), ...(exceptSessionId ? { id: Not(exceptSessionId) } : {}) };
    const result = await this.sessions.update(where, { revokedAt: this.clock.now(), revokedReason: reason });
    return result.affected ?? 0;
  }

  async listLive(userId: string): Promise<ConsoleSession[]> {
    const now = this.clock.now().getTime();
    const live = await this.sessions.find({
      where: { userId, revokedAt: IsNull() },
      order: { createdAt: 'DESC' },
    });
    return live.filter((s) => s.expiresAt.getTime() > now && now - s.lastSeenAt.getTime() < SESSION_IDLE_MS);
  }
}
