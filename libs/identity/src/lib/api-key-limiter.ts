import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { ApiError } from '@payrail/api-contract';

export const API_KEY_FAILURES = { limit: 20, ttlMs: 60_000, blockMs: 60_000 } as const;

/** Counts failed API-key authentications per client address; past the limit the address gets 429 until the block ends. */
@Injectable()
export class ApiKeyFailureLimiter {
  constructor(@Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage) {}

  /** Records one failure; throws 429 with `Retry-After` (seconds) once the address is blocked. */
  async fail(address: string, res: { setHeader(name: string, value: string): unknown }): Promise<void> {
    const record = await this.storage.increment(
      `api-key-failure:${address}`,
      API_KEY_FAILURES.ttlMs,
      API_KEY_FAILURES.limit,
      API_KEY_FAILURES.blockMs,
      'api-key-failures',
    );
    if (record.isBlocked) {
      res.setHeader('Retry-After', String(Math.max(1, record.timeToBlockExpire)));
      throw new ApiError(429, {
        type: 'rate_limit_error',
        code: 'rate_limited',
        message: `too many failed API-key authentications from this address; retry after ${record.timeToBlockExpire} s`,
      });
    }
  }
}
