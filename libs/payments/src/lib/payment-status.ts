import { PAYMENT_STATUSES, type PaymentStatus } from '@payrail/api-contract';
import type { GatewayPaymentStatus } from '@payrail/plugin-sdk';

export { PAYMENT_STATUSES, type PaymentStatus };

/** Statuses with a gateway call under way or in doubt; recovery settles them. */
export const IN_FLIGHT_STATUSES: readonly PaymentStatus[] = ['authorizing', 'capturing', 'unknown'];

/**
 * The payment state machine of docs/design.md: from each status, where a payment may go. Besides
 * Payrail's own steps it holds what a gateway may report on its own (a capture or refund made in
 * the gateway's dashboard, announced by a webhook); an `unknown` payment may settle wherever the
 * gateway says it is. `PaymentLedger.moveTo` refuses anything else.
 */
export const TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  requires_payment_method: ['authorizing', 'failed'],
  authorizing: ['authorized', 'requires_action', 'failed', 'unknown', 'captured'],
  requires_action: ['authorized', 'captured', 'failed', 'unknown', 'voided'],
  authorized: ['capturing', 'partially_captured', 'captured', 'voided', 'failed', 'unknown'],
  capturing: ['captured', 'partially_captured', 'partially_refunded', 'authorized', 'failed', 'unknown'],
  partially_captured: ['capturing', 'captured', 'partially_refunded', 'refunded', 'unknown'],
  captured: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded', 'capturing', 'captured'],
  refunded: [],
  voided: [],
  failed: [],
  unknown: [
    'authorized',
    'requires_action',
    'partially_captured',
    'captured',
    'partially_refunded',
    'refunded',
    'voided',
    'failed',
  ],
};

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

/** A move the state machine does not allow: a bug in the caller, never a client's mistake. */
export class IllegalTransitionError extends Error {
  constructor(
    readonly from: PaymentStatus,
    readonly to: PaymentStatus,
  ) {
    super(`a payment cannot move from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

export function assertTransition(from: PaymentStatus, to: PaymentStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}

/**
 * The settled statuses a step that leads to `target` may start from: the status lists of the
 * claim `UPDATE`s. In-flight statuses are left out, a call in doubt blocks every other step.
 */
export function claimableFrom(...targets: PaymentStatus[]): PaymentStatus[] {
  return PAYMENT_STATUSES.filter(
    (from) =>
      !IN_FLIGHT_STATUSES.includes(from) &&
      targets.some((to) => from !== to && TRANSITIONS[from].includes(to)),
  );
}

/**
 * How far along a payment is, for ordering: an event that would move a payment to a lower
 * rank than it has (an old webhook arriving late) is ignored.
 */
export function statusRank(status: PaymentStatus): number {
  switch (status) {
    case 'requires_payment_method':
      return 0;
    case 'authorizing':
    case 'unknown':
      return 1;
    case 'requires_action':
      return 2;
    case 'authorized':
      return 3;
    case 'capturing':
      return 4;
    case 'partially_captured':
      return 5;
    case 'captured':
      return 6;
    case 'partially_refunded':
      return 7;
    case 'refunded':
    case 'voided':
    case 'failed':
      return 8;
  }
}

/** The gateway's view mapped onto a payment status. */
export function fromGatewayStatus(status: GatewayPaymentStatus): PaymentStatus {
  switch (status) {
    case 'requires_action':
      return 'requires_action';
    case 'pending':
      return 'authorizing';
    case 'authorized':
      return 'authorized';
    case 'partially_captured':
      return 'partially_captured';
    case 'captured':
      return 'captured';
    case 'partially_refunded':
      return 'partially_refunded';
    case 'refunded':
      return 'refunded';
    case 'voided':
      return 'voided';
    case 'failed':
      return 'failed';
  }
}
