import type { GatewayError, Outcome } from '@payrail/plugin-sdk';

/** What recovery does with an answer from the gateway about a call left in doubt. */
export type RecoveryVerdict<T> =
  /** Settle the attempt with this outcome. */
  | { kind: 'settle'; outcome: Outcome<T> }
  /** Nothing is known yet (a timeout, an outage): ask again later. */
  | { kind: 'retry'; reason: string }
  /** Asking again will not tell more: the payment waits for a person, with an alert. */
  | { kind: 'review'; reason: string }
  /** A refusal that names the gateway's object: its state, not the refusal, is the answer. */
  | { kind: 'sync'; reference: string; error: GatewayError };

/**
 * Judges the answer to a request recovery sent again under its attempt's key. A definite
 * failure settles the attempt as failed only with evidence that the gateway holds nothing it
 * made: the gateway said so, or `sync` showed no trace of the attempt before it was sent again
 * (`gatewayShowedNothing`). A refusal of the reused key means the first call reached the
 * gateway, so it never fails a payment.
 */
export function judgeResend<T>(outcome: Outcome<T>, gatewayShowedNothing: boolean): RecoveryVerdict<T> {
  if (outcome.ok) return { kind: 'settle', outcome };
  const error = outcome.error;
  if (error.keyReused)
    return {
      kind: 'review',
      reason: `the gateway refused the attempt's idempotency key as used with other parameters, so the first call reached it (${error.message})`,
    };
  if (error.indeterminate) return { kind: 'retry', reason: error.message };
  if (gatewayShowedNothing || error.absent) return { kind: 'settle', outcome };
  if (error.reference) return { kind: 'sync', reference: error.reference, error };
  return {
    kind: 'review',
    reason: `the gateway refused the request again (${error.code}: ${error.message}) without showing whether the first call took effect`,
  };
}

/** Judges the gateway's answer to `sync`: its view, or why there is none yet. */
export function judgeSync<T>(outcome: Outcome<T>): RecoveryVerdict<T> {
  if (outcome.ok) return { kind: 'settle', outcome };
  if (outcome.error.indeterminate) return { kind: 'retry', reason: outcome.error.message };
  return {
    kind: 'review',
    reason: `the gateway could not show the payment (${outcome.error.code}: ${outcome.error.message})`,
  };
}
