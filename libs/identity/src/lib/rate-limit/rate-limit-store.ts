/** How many hits a key has had in its current window, and when that window ends. */
export interface RateLimitCount {
  count: number;
  resetAtMs: number;
}

/**
 * Where limiter counters live: in process by default, in Redis when instances share them. A
 * window starts at a key's first hit and lasts `windowMs`; nothing is ever written to the database.
 */
export interface RateLimitStore {
  /** Counts one hit for `key` and returns the count in its window. */
  hit(key: string, windowMs: number): Promise<RateLimitCount>;
  /** Takes one hit back (a sign-in that succeeded does not count against the address). */
  release(key: string): Promise<void>;
  close(): Promise<void>;
}

export const RATE_LIMIT_STORE = Symbol.for('payrail.rate-limit-store');

/** Entries are swept once the map grows past this, so a flood of distinct addresses cannot grow memory without bound. */
const SWEEP_AT = 50_000;

/** Counters in this process's memory: the default for one instance. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly counters = new Map<string, RateLimitCount>();

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, windowMs: number): Promise<RateLimitCount> {
    const now = this.now();
    let entry = this.counters.get(key);
    if (!entry || entry.resetAtMs <= now) {
      if (!entry && this.counters.size >= SWEEP_AT) this.sweep(now);
      entry = { count: 0, resetAtMs: now + windowMs };
      this.counters.set(key, entry);
    }
    entry.count += 1;
    return { ...entry };
  }

  async release(key: string): Promise<void> {
    const entry = this.counters.get(key);
    if (entry && entry.count > 0) entry.count -= 1;
  }

  async close(): Promise<void> {
    this.counters.clear();
  }

  /** How many keys are held, for the memory-bound spec. */
  get size(): number {
    return this.counters.size;
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.counters) if (entry.resetAtMs <= now) this.counters.delete(key);
    // Still full of live windows: drop the oldest half rather than grow (Map iterates oldest first).
    if (this.counters.size >= SWEEP_AT) {
      let drop = Math.floor(this.counters.size / 2);
      for (const key of this.counters.keys()) {
        if (drop-- <= 0) break;
        this.counters.delete(key);
      }
    }
  }
}
