import { Inject, Injectable } from '@nestjs/common';
import {
  clientSubject,
  RATE_LIMIT_OPTIONS,
  rateLimited,
  RateLimiter,
  secondsUntil,
  type RateLimitOptions,
  type RateLimitRule,
} from './rate-limit/rate-limiter';

export const API_KEY_FAILURES: RateLimitRule = { name: 'api-key-failures', limit: 20, windowMs: 60_000 };

type ResponseLike = { setHeader(name: string, value: string | number): unknown };

/** Counts failed API-key authentications per client address; past the limit the address gets 429 until its window ends. */
@Injectable()
export class ApiKeyFailureLimiter {
  constructor(private readonly limiter: RateLimiter) {}

  /** Records one failure; throws 429 with `Retry-After` (seconds) once the address is over the limit. */
  async fail(address: string, res: ResponseLike): Promise<void> {
    const state = await this.limiter.hit(API_KEY_FAILURES, clientSubject(address));
    if (state.exceeded)
      throw rateLimited(res, state, 'too many failed API-key authentications from this address');
  }
}

/**
 * The per-key request limit (`PAYRAIL_API_KEY_RATE_LIMIT`). Every `/v1` answer says where the key
 * stands in `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds), after the
 * IETF RateLimit header fields draft, and `RateLimit-Policy` names the quota and its window.
 */
@Injectable()
export class ApiKeyRequestLimiter {
  private readonly rule: RateLimitRule | null;

  constructor(
    private readonly limiter: RateLimiter,
    @Inject(RATE_LIMIT_OPTIONS) options: RateLimitOptions,
  ) {
    this.rule = options.apiKeyRequests ? { name: 'api-key-requests', ...options.apiKeyRequests } : null;
  }

  async count(keyId: string, res: ResponseLike): Promise<void> {
    if (!this.rule) return;
    const state = await this.limiter.hit(this.rule, keyId);
    res.setHeader('RateLimit-Limit', String(state.limit));
    res.setHeader('RateLimit-Remaining', String(state.remaining));
    res.setHeader('RateLimit-Reset', String(secondsUntil(state.resetAtMs)));
    res.setHeader('RateLimit-Policy', `${state.limit};w=${Math.ceil(this.rule.windowMs / 1000)}`);
    if (state.exceeded) throw rateLimited(res, state, 'too many requests with this API key');
  }
}
