import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so that the same request always reads the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What a replayed request is compared by: a hash of its method, path and canonical body. */
export function requestFingerprint(...parts: string[]): string {
  return createHash('sha256').update(parts.join(' ')).digest('hex');
}

/**
 * First answers by idempotency key, for replay. Each gateway decides what it keeps (Stripe the
 * bytes it sent, PayPal the record it made, Square the body) and when a key is refused; the
 * store is the same for all three, and `reset` empties it.
 */
export class ReplayStore<T> {
  private readonly answers = new Map<string, T>();

  get(key: string): T | undefined {
    return this.answers.get(key);
  }

  remember(key: string, answer: T): void {
    this.answers.set(key, answer);
  }

  forget(key: string): void {
    this.answers.delete(key);
  }

  clear(): void {
    this.answers.clear();
  }
}
