import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { clientSubject, rateLimited, RateLimiter, type RateLimitRule } from './rate-limit/rate-limiter';

/**
 * Sign-in counts unsuccessful attempts per client address and, separately, per email: many
 * emails from one address (credential stuffing) and one email from many addresses (a botnet on
 * one account) are both stopped, while a whole office signing in behind one NAT is not.
 */
export const AUTH_RATE_LIMITS = {
  signInPerAddress: { name: 'sign-in-address', limit: 20, windowMs: 60_000 },
  signInPerEmail: { name: 'sign-in-email', limit: 20, windowMs: 60_000 },
  mfa: { name: 'mfa-session', limit: 10, windowMs: 60_000 },
  passwordReset: { name: 'password-reset-address', limit: 10, windowMs: 60_000 },
} as const satisfies Record<string, RateLimitRule>;

type ResponseLike = { setHeader(name: string, value: string): unknown };

@Injectable()
export class AuthRateLimits {
  constructor(private readonly limiter: RateLimiter) {}

  /**
   * Counts a sign-in attempt against its address and its email (429 past either limit); the
   * returned function takes the attempt back once the sign-in succeeded.
   */
  async signIn(req: Request, email: unknown): Promise<() => Promise<void>> {
    const address = clientSubject(req.ip);
    const account = typeof email === 'string' ? email.trim().toLowerCase() : '';
    const res = req.res as ResponseLike | undefined;
    const byAddress = await this.limiter.hit(AUTH_RATE_LIMITS.signInPerAddress, address);
    // A refused address does not count against the account too: it cannot keep an account's owner out.
    if (byAddress.exceeded) throw rateLimited(res, byAddress, 'too many sign-in attempts from this address');
    const byEmail = await this.limiter.hit(AUTH_RATE_LIMITS.signInPerEmail, account);
    if (byEmail.exceeded) throw rateLimited(res, byEmail, 'too many sign-in attempts for this account');
    return async () => {
      await Promise.all([
        this.limiter.release(AUTH_RATE_LIMITS.signInPerAddress, address),
        this.limiter.release(AUTH_RATE_LIMITS.signInPerEmail, account),
      ]);
    };
  }

  /** MFA codes, per console session. */
  async mfa(req: Request, sessionId: string): Promise<void> {
    const state = await this.limiter.hit(AUTH_RATE_LIMITS.mfa, sessionId);
    if (state.exceeded)
      throw rateLimited(req.res as ResponseLike | undefined, state, 'too many MFA attempts in this session');
  }

  /** Password-reset tokens, per client address. */
  async passwordReset(req: Request): Promise<void> {
    const state = await this.limiter.hit(AUTH_RATE_LIMITS.passwordReset, clientSubject(req.ip));
    if (state.exceeded)
      throw rateLimited(
        req.res as ResponseLike | undefined,
        state,
        'too many password-reset attempts from this address',
      );
  }
}
