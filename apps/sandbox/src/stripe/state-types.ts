/** The shapes of the Stripe sandbox's records, and the rules they share. */
import type { CardBehaviour, CardDecline } from './cards';
import type { FileUpload } from './files';
import { invalidRequest, StripeApiError } from './errors';

export type StripeObject = Record<string, unknown> & { id: string; object: string; created: number };

/** What the API call that caused a change was: events carry it in `request`. */
export interface RequestContext {
  requestId: string;
  idempotencyKey?: string;
  /** The sandbox's own origin, for `next_action` URLs. */
  origin: string;
  /** A multipart upload's file part (`POST /v1/files`). */
  upload?: FileUpload;
}

export interface CardRecord {
  number: string;
  behaviour: CardBehaviour;
  cvcProvided: boolean;
  expMonth: number;
  expYear: number;
  /** Authenticated through a SetupIntent: later off-session payments need no challenge. */
  setUp?: boolean;
}

export interface PaymentMethodRecord {
  object: StripeObject;
  card: CardRecord;
  /** Detached from its customer: Stripe refuses to use or attach it again. */
  detached?: boolean;
}

export type CustomerObject = StripeObject & {
  email: string | null;
  name: string | null;
  phone: string | null;
  description: string | null;
  metadata: Record<string, string>;
  invoice_settings: { default_payment_method: string | null } & Record<string, unknown>;
};

export type SetupIntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'canceled'
  | 'succeeded';

export type SetupIntentObject = StripeObject & {
  status: SetupIntentStatus;
  customer: string | null;
  payment_method: string | null;
  usage: 'off_session' | 'on_session';
  next_action: Record<string, unknown> | null;
  last_setup_error: Record<string, unknown> | null;
  metadata: Record<string, string>;
};

export interface SetupIntentRecord {
  object: SetupIntentObject;
  pm?: PaymentMethodRecord;
  returnUrl?: string;
}

export type DisputeStatus =
  | 'warning_needs_response'
  | 'warning_under_review'
  | 'warning_closed'
  | 'needs_response'
  | 'under_review'
  | 'won'
  | 'lost';

export type DisputeObject = StripeObject & {
  amount: number;
  currency: string;
  charge: string;
  payment_intent: string | null;
  reason: string;
  status: DisputeStatus;
  balance_transactions: StripeObject[];
  evidence: Record<string, string | null>;
  evidence_details: {
    due_by: number | null;
    has_evidence: boolean;
    past_due: boolean;
    submission_count: number;
  };
  metadata: Record<string, string>;
};

export type PaymentIntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'requires_capture'
  | 'canceled'
  | 'succeeded';

export type PaymentIntentObject = StripeObject & {
  amount: number;
  amount_capturable: number;
  amount_received: number;
  currency: string;
  status: PaymentIntentStatus;
  capture_method: 'automatic' | 'automatic_async' | 'manual';
  payment_method: string | null;
  latest_charge: string | null;
  last_payment_error: Record<string, unknown> | null;
  next_action: Record<string, unknown> | null;
  metadata: Record<string, string>;
  canceled_at: number | null;
  cancellation_reason: string | null;
};

export interface PaymentIntentRecord {
  object: PaymentIntentObject;
  /** The PaymentMethod attached for the pending confirmation. */
  card?: CardRecord;
  offSession: boolean;
  errorOnRequiresAction: boolean;
  returnUrl?: string;
}

export type ChargeObject = StripeObject & {
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  captured: boolean;
  refunded: boolean;
  status: 'succeeded' | 'pending' | 'failed';
  currency: string;
  payment_intent: string | null;
  payment_method: string | null;
  customer: string | null;
  disputed: boolean;
  balance_transaction: string | null;
  refunds: { object: 'list'; data: StripeObject[]; has_more: boolean; url: string; total_count?: number };
};

export type RefundObject = StripeObject & {
  amount: number;
  status: 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';
  charge: string;
  payment_intent: string | null;
  currency: string;
  failure_reason?: string | null;
  balance_transaction: string | null;
  failure_balance_transaction?: string | null;
};

export type BalanceTransactionObject = StripeObject & {
  amount: number;
  fee: number;
  net: number;
  currency: string;
  type: string;
  source: string | null;
  available_on: number;
  status: 'available' | 'pending';
};

export type EventObject = StripeObject & { type: string; pending_webhooks: number };

export type WebhookEndpointObject = StripeObject & {
  url: string;
  enabled_events: string[];
  status: 'enabled' | 'disabled';
  secret?: string;
};

/** Someone who wants to hear about new events (the webhook dispatcher). */
export type EventListener = (event: EventObject, endpoints: WebhookEndpointObject[]) => void;

export const PI_CANCELABLE: PaymentIntentStatus[] = [
  'requires_payment_method',
  'requires_capture',
  'requires_confirmation',
  'requires_action',
  'processing',
];
export const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;
export const CANCELLATION_REASONS = [
  'duplicate',
  'fraudulent',
  'requested_by_customer',
  'abandoned',
] as const;

export interface StripeStateOptions {
  accountId: string;
  /** How long a pending or failing test refund takes to reach its final state. */
  asyncRefundDelayMs: number;
  /** How long after a dispute test card's capture its dispute opens, and after evidence it closes. */
  disputeDelayMs: number;
}

/** Stripe metadata updates merge; a key sent empty is removed. */
export function mergeMetadata(
  current: Record<string, string>,
  update: Record<string, string> | undefined,
): Record<string, string> {
  if (!update) return current;
  const merged = { ...current, ...update };
  for (const [key, value] of Object.entries(update)) if (value === '') delete merged[key];
  return merged;
}

/** The API version the sandbox writes into events (the one stripe 23.1.0 sends). */
export const STRIPE_API_VERSION = '2026-10-28.endive';

export function cardError(decline: CardDecline, param: string): StripeApiError {
  return new StripeApiError(
    402,
    { type: 'card_error', code: decline.code, message: decline.message, param },
    { saved: true, shouldRetry: false },
  );
}

export function unexpectedState(
  pi: PaymentIntentObject,
  action: string,
  allowed: readonly string[],
): StripeApiError {
  const verb = action === 'cancel' ? 'canceled' : action === 'capture' ? 'captured' : 'confirmed';
  return invalidRequest(
    `This PaymentIntent could not be ${verb} because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be ${verb}: ${allowed.join(', ')}.`,
    { code: 'payment_intent_unexpected_state', payment_intent: pi, saved: true },
  );
}
