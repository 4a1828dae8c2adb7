/** What a circuit's shared record says: open until a time (then half-open), or closed. */
export interface CircuitRecord {
  /** Epoch ms until which calls fail fast; null: closed. Past it the circuit is half-open. */
  openUntil: number | null;
}

export interface WindowCounts {
  calls: number;
  failures: number;
}

/**
 * Where circuits live: in the process, or in Redis so every instance sees the same state. A
 * window is `buckets` slots of `bucketMs`; counts older than the window are not read.
 */
export interface CircuitStore {
  read(id: string): Promise<CircuitRecord>;
  /** Counts one call in the current bucket and returns the sums over the window. */
  count(id: string, failed: boolean, now: number, bucketMs: number, buckets: number): Promise<WindowCounts>;
  open(id: string, until: number): Promise<void>;
  /** Closed again, with an empty window. */
  close(id: string, now: number, bucketMs: number, buckets: number): Promise<void>;
  /** One caller wins the half-open probe for `ttlMs`; the others keep failing fast. */
  claimProbe(id: string, ttlMs: number, now: number): Promise<boolean>;
  shutdown(): Promise<void>;
}

/** Circuits of this process only (no `REDIS_URL`). */
export class MemoryCircuitStore implements CircuitStore {
  private readonly records = new Map<
    string,
    { openUntil: number | null; probeUntil: number; buckets: Map<number, WindowCounts> }
  >();

  private entry(id: string) {
    let entry = this.records.get(id);
    if (!entry) {
      entry = { openUntil: null, probeUntil: 0, buckets: new Map() };
      this.records.set(id, entry);
    }
    return entry;
  }

  async read(id: string): Promise<CircuitRecord> {
    return { openUntil: this.records.get(id)?.openUntil ?? null };
  }

  async count(
    id: string,
    failed: boolean,
    now: number,
    bucketMs: number,
    buckets: number,
  ): Promise<WindowCounts> {
    const entry = this.entry(id);
    const slot = Math.floor(now / bucketMs);
    const bucket = entry.buckets.get(slot) ?? { calls: 0, failures: 0 };
    bucket.calls += 1;
    if (failed) bucket.failures += 1;
    entry.buckets.set(slot, bucket);
    const sums = { calls: 0, failures: 0 };
    for (const [key, value] of entry.buckets) {
      if (key <= slot - buckets) entry.buckets.delete(key);
      else {
        sums.calls += value.calls;
        sums.failures += value.failures;
      }
    }
    return sums;
  }

  async open(id: string, until: number): Promise<void> {
    const entry = this.entry(id);
    entry.openUntil = until;
    entry.probeUntil = 0;
  }

  async close(id: string): Promise<void> {
    this.records.delete(id);
  }

  async claimProbe(id: string, ttlMs: number, now: number): Promise<boolean> {
    const entry = this.entry(id);
    if (entry.probeUntil > now) return false;
    entry.probeUntil = now + ttlMs;
    return true;
  }

  async shutdown(): Promise<void> {
    this.records.clear();
  }
}
