import { Injectable } from '@nestjs/common';

/**
 * The gateway calls of this process whose outcome is not yet committed, by connection and gateway
 * reference: from the call on for a payment the gateway already knows, from the answer for an
 * authorization. A gateway often sends its webhook for a change the moment it acts, before its
 * answer is read here; the inbox waits (bounded) for the outcome's commit before looking at the
 * payment, so it sees the change and can tell the event changes nothing. Only a hint: an event
 * that lands on another instance, or waits too long, goes the usual way.
 */
@Injectable()
export class OutcomesInFlight {
  private readonly pending = new Map<string, Promise<void>>();

  /** Runs `commit` with its payment's `reference` (if known) marked as in flight until it ends. */
  track<R>(connectionId: string, reference: string | null | undefined, commit: Promise<R>): Promise<R> {
    if (!reference) return commit;
    const key = `${connectionId}|${reference}`;
    const ended = commit.then(
      () => undefined,
      () => undefined,
    );
    this.pending.set(key, ended);
    void ended.then(() => {
      if (this.pending.get(key) === ended) this.pending.delete(key);
    });
    return commit;
  }

  /** Resolves once the outcome in flight for the reference (if any) is committed, or after `maxMs`. */
  async settled(connectionId: string, reference: string | undefined, maxMs = 1_000): Promise<void> {
    const ended = reference ? this.pending.get(`${connectionId}|${reference}`) : undefined;
    if (!ended) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, maxMs)))]);
    clearTimeout(timer);
  }

  get size(): number {
    return this.pending.size;
  }
}
