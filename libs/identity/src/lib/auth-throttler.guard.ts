import { Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { ExecutionContext } from '@nestjs/common';
import { ApiError } from '@payrail/api-contract';

/** Sign-in, MFA and password-reset limits, per client address and the account the request names. */
export const AUTH_RATE_LIMITS = {
  login: { limit: 20, ttl: 60_000 },
  mfa: { limit: 10, ttl: 60_000 },
  passwordReset: { limit: 10, ttl: 60_000 },
} as const;

/**
 * Throttles the auth routes. The tracker is the client address plus the email (sign-in) or
 * the session (MFA), so one noisy account does not lock out a whole office behind one NAT.
 */
@Injectable()
export class AuthThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const body = req['body'] as { email?: unknown } | undefined;
    const headers = req['headers'] as { cookie?: unknown } | undefined;
    const email = typeof body?.email === 'string' ? body.email.trim().toLowerCase() : '';
    const cookie = typeof headers?.cookie === 'string' ? headers.cookie : '';
    return `${String(req['ip'] ?? 'unknown')}|${email || cookie}`;
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new ApiError(429, {
      type: 'rate_limit_error',
      code: 'rate_limited',
      message: `too many attempts; retry after ${detail.timeToBlockExpire} s`,
    });
  }
}
