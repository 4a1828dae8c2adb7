/**
 * The `/_sandbox/unavailable` control every sandbox offers: answer 503 (in the gateway's own
 * error shape) to a share of API requests, evenly spread, so a connection looks flaky rather
 * than down. `ratio: 0.5` fails every second request, `1` all of them, `0` none.
 */
export class Unavailability {
  private ratio = 0;
  private seen = 0;

  /** Returns an error message for a bad ratio, or null once set. */
  set(ratio: unknown): string | null {
    if (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio < 0 || ratio > 1)
      return 'ratio must be a number from 0 (never) to 1 (always)';
    this.ratio = ratio;
    this.seen = 0;
    return null;
  }

  get current(): number {
    return this.ratio;
  }

  /** Whether this API request answers 503; deterministic, so specs can count on it. */
  next(): boolean {
    if (this.ratio === 0) return false;
    const before = Math.floor(this.seen * this.ratio);
    this.seen += 1;
    return Math.floor(this.seen * this.ratio) > before;
  }
}
