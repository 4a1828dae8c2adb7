import { Inject, Injectable } from '@nestjs/common';
import ipaddr from 'ipaddr.js';
import { ApiError } from '@payrail/api-contract';
import { RATE_LIMIT_STORE, type RateLimitStore } from './rate-limit-store';

/** One limit: at most `limit` hits per subject in a window of `windowMs`, counted under `name`. */
export interface RateLimitRule {
  name: string;
  limit: number;
  windowMs: number;
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  resetAtMs: number;
  exceeded: boolean;
}

export interface RateLimitOptions {
  /** Counters in Redis, shared by every instance; in process when absent. */
  redisUrl?: string;
  /** Redis key prefix. */
  prefix: string;
  /** Requests per API key per window; null: no per-key limit. */
  apiKeyRequests: { limit: number; windowMs: number } | null;
}

export const RATE_LIMIT_OPTIONS = Symbol.for('payrail.rate-limit-options');

/**
 * The subject a client address is counted as: an IPv4 address (also when it arrives IPv4-mapped),
 * or an IPv6 address's /64, since one host commonly holds a whole /64.
 */
export function clientSubject(ip: string | undefined): string {
  if (!ip || !ipaddr.isValid(ip)) return ip || 'unknown';
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((p) => p.toString(16)).join(':')}::/64`;
}

/** Whole seconds until a window ends, at least 1 (for `Retry-After` and `RateLimit-Reset`). */
export function secondsUntil(resetAtMs: number): number {
  return Math.max(1, Math.ceil((resetAtMs - Date.now()) / 1000));
}

/** The 429 answer: `Retry-After` set, the message saying when to retry. */
export function rateLimited(
  res: { setHeader(name: string, value: string): unknown } | undefined,
  state: RateLimitState,
  message: string,
): ApiError {
  const wait = secondsUntil(state.resetAtMs);
  res?.setHeader('Retry-After', String(wait));
  return new ApiError(429, {
    type: 'rate_limit_error',
    code: 'rate_limited',
    message: `${message}; retry after ${wait} s`,
  });
}

/** Counts hits against rules in the configured store (memory, or Redis when shared). */
@Injectable()
export class RateLimiter {
  constructor(@Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore) {}

  async hit(rule: RateLimitRule, subject: string): Promise<RateLimitState> {
    const { count, resetAtMs } = await this.store.hit(`${rule.name}:${subject}`, rule.windowMs);
    return {
      limit: rule.limit,
      remaining: Math.max(0, rule.limit - count),
      resetAtMs,
      exceeded: count > rule.limit,
    };
  }

  release(rule: RateLimitRule, subject: string): Promise<void> {
    return this.store.release(`${rule.name}:${subject}`);
  }
}
