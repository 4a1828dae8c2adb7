import type { GatewayPaymentStatus } from '@payrail/plugin-sdk';

export const PAYMENT_STATUSES = [
  'requires_payment_method',
  'authorizing',
  'requires_action',
  'authorized',
  'capturing',
  'partially_captured',
  'captured',
  'partially_refunded',
  'refunded',
  'voided',
  'failed',
  'unknown',
] as const;

export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Statuses with a gateway call under way or in doubt; recovery settles them. */
export const IN_FLIGHT_STATUSES: readonly PaymentStatus[] = ['authorizing', 'capturing', 'unknown'];

/**
 * The state machine of docs/design.md: from each status, where a payment may go. Recovery and
 * webhooks may also move an `unknown` payment to wherever the gateway says it is.
 */
export const TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  requires_payment_method: ['authorizing', 'failed'],
  authorizing: ['authorized', 'requires_action', 'failed', 'unknown', 'captured'],
  requires_action: ['authorized', 'failed', 'unknown', 'voided'],
  authorized: ['capturing', 'voided', 'failed', 'unknown'],
  capturing: ['captured', 'partially_captured', 'authorized', 'failed', 'unknown'],
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
