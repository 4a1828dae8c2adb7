import {
  GatewayError,
  redactText,
  type CardSummary,
  type GatewayErrorCode,
  type GatewayPaymentSnapshot,
  type GatewayPaymentStatus,
  type GatewayRefundRecord,
  type NextAction,
} from '@payrail/plugin-sdk';
import type Stripe from 'stripe';

/** Metadata keys Payrail writes on Stripe objects, so `sync` can tell which attempt made what. */
export const METADATA = {
  paymentId: 'payrail_payment_id',
  attemptId: 'payrail_attempt_id',
  captureAttemptId: 'payrail_capture_attempt_id',
  refundReason: 'payrail_refund_reason',
  customerId: 'payrail_customer_id',
} as const;

/**
 * Every Stripe error Payrail knows, onto the taxonomy. Keys are `decline_code:…` (the issuer's
 * reason, checked first), `code:…`, then `status:…`, `type:…` and `network:…` fallbacks.
 * Lost and stolen cards count as fraud so they are never retried on another gateway.
 */
export const STRIPE_ERROR_TABLE = {
  'decline_code:generic_decline': 'card_declined',
  'decline_code:insufficient_funds': 'insufficient_funds',
  'decline_code:lost_card': 'fraud_suspected',
  'decline_code:stolen_card': 'fraud_suspected',
  'decline_code:fraudulent': 'fraud_suspected',
  'decline_code:card_velocity_exceeded': 'card_declined',
  'decline_code:authentication_required': 'authentication_required',
  'code:card_declined': 'card_declined',
  'code:expired_card': 'expired_card',
  'code:incorrect_cvc': 'incorrect_cvc',
  'code:invalid_cvc': 'incorrect_cvc',
  'code:processing_error': 'processing_error',
  'code:incorrect_number': 'invalid_card_number',
  'code:invalid_number': 'invalid_card_number',
  'code:invalid_expiry_month': 'invalid_request',
  'code:invalid_expiry_year': 'expired_card',
  'code:authentication_required': 'authentication_required',
  'code:payment_intent_authentication_failure': 'authentication_required',
  'code:payment_intent_unexpected_state': 'invalid_request',
  'code:charge_already_captured': 'already_captured',
  'code:charge_already_refunded': 'already_refunded',
  'code:amount_too_small': 'invalid_request',
  'code:amount_too_large': 'amount_too_large',
  'code:invalid_currency': 'currency_not_supported',
  'code:parameter_missing': 'invalid_request',
  'code:parameter_invalid_integer': 'invalid_request',
  'code:parameter_unknown': 'invalid_request',
  'code:resource_missing': 'invalid_request',
  'code:token_already_used': 'invalid_request',
  'code:idempotency_key_in_use': 'rate_limited',
  'code:rate_limit': 'rate_limited',
  'code:lock_timeout': 'rate_limited',
  'status:401': 'authentication_failed',
  'status:403': 'permission_denied',
  'status:429': 'rate_limited',
  'type:card_error': 'card_declined',
  'type:invalid_request_error': 'invalid_request',
  'type:idempotency_error': 'invalid_request',
  'type:api_error': 'gateway_unavailable',
  'network:timeout': 'gateway_timeout',
  'network:connection': 'gateway_unavailable',
} as const satisfies Record<string, GatewayErrorCode>;

export type StripeErrorKey = keyof typeof STRIPE_ERROR_TABLE;

/** Stripe's restricted-key permission names (`rak_refund_write`) in Payrail's words (`refunds:write`). */
const PERMISSION_RESOURCES: Record<string, string> = {
  account: 'account',
  balance: 'balance',
  charge: 'charges',
  event: 'events',
  payment_intent: 'payment_intents',
  payment_method: 'payment_methods',
  refund: 'refunds',
  token: 'tokens',
  webhook: 'webhook_endpoints',
};

export function permissionFromMessage(message: string): string | undefined {
  const match = /'rak_([a-z_]+?)_(read|write)'/.exec(message);
  if (!match) return undefined;
  return `${PERMISSION_RESOURCES[match[1]] ?? match[1]}:${match[2]}`;
}

/** The parts of a `StripeError` (or a raw error envelope) the mapping reads. */
export interface StripeErrorLike {
  /** The SDK's class name (`StripeCardError`, `StripeConnectionError`…). */
  type?: string;
  /** Stripe's `error.type` (`card_error`, `invalid_request_error`…). */
  rawType?: string;
  statusCode?: number;
  code?: string;
  decline_code?: string;
  message?: string;
  param?: string;
  requestId?: string;
  payment_intent?: { id?: string; status?: string } | null;
  detail?: unknown;
}

function isStripeErrorLike(error: unknown): error is StripeErrorLike & Error {
  return (
    typeof error === 'object' && error !== null && typeof (error as { type?: unknown }).type === 'string'
  );
}

/** Which table entry an error hits. Exported for the table's spec. */
export function stripeErrorKey(error: StripeErrorLike): StripeErrorKey | undefined {
  const has = (key: string): key is StripeErrorKey => key in STRIPE_ERROR_TABLE;
  if (error.type === 'StripeConnectionError') {
    const detail = error.detail as { code?: string } | undefined;
    const timedOut = detail?.code === 'ETIMEDOUT' || /timeout/i.test(error.message ?? '');
    return timedOut ? 'network:timeout' : 'network:connection';
  }
  const status = `status:${error.statusCode}`;
  if ((error.statusCode === 401 || error.statusCode === 403) && has(status)) return status;
  const decline = `decline_code:${error.decline_code}`;
  if (error.decline_code && has(decline)) return decline;
  const code = `code:${error.code}`;
  if (error.code && has(code)) return code;
  if (has(status)) return status;
  const type = `type:${error.rawType}`;
  if (error.rawType && has(type)) return type;
  if ((error.statusCode ?? 0) >= 500) return 'type:api_error';
  return undefined;
}

/**
 * A failed Stripe call as a `GatewayError`. Timeouts, dropped connections, 5xx answers and a
 * key still in use by another request are indeterminate: Stripe may have acted. A refused
 * connection is definite: the request never left.
 */
export function toGatewayError(error: unknown, operation?: 'capture' | 'void' | 'refund'): GatewayError {
  if (error instanceof GatewayError) return error;
  if (!isStripeErrorLike(error)) {
    return new GatewayError('processing_error', {
      indeterminate: true,
      detail: `unexpected failure calling Stripe: ${redactText(error instanceof Error ? error.message : String(error))}`,
    });
  }
  const key = stripeErrorKey(error);
  let code: GatewayErrorCode =
    key !== undefined
      ? STRIPE_ERROR_TABLE[key]
      : error.rawType === 'card_error'
        ? 'card_declined'
        : 'invalid_request';
  // Stripe answers a second capture or a late cancel with "unexpected state"; say what happened.
  if (
    key === 'code:payment_intent_unexpected_state' &&
    error.payment_intent?.status === 'succeeded' &&
    (operation === 'capture' || operation === 'void')
  ) {
    code = 'already_captured';
  }
  const status = error.statusCode;
  // The key was used before with other parameters: the first call reached Stripe, whatever it did.
  const keyReused = error.rawType === 'idempotency_error' || error.type === 'StripeIdempotencyError';
  // A refused TCP connection never carried the request: Stripe cannot have acted on it.
  const refused =
    key === 'network:connection' && (error.detail as { code?: string } | undefined)?.code === 'ECONNREFUSED';
  const indeterminate =
    keyReused ||
    key === 'network:timeout' ||
    (key === 'network:connection' && !refused) ||
    key === 'code:idempotency_key_in_use' ||
    (status !== undefined && status >= 500);
  const message = redactText(error.message ?? '');
  const permission = code === 'permission_denied' ? permissionFromMessage(message) : undefined;
  return new GatewayError(code, {
    gatewayCode: error.decline_code || error.code || error.rawType || error.type,
    gatewayRequestId: error.requestId,
    gatewayStatus: status,
    reference: error.payment_intent?.id,
    indeterminate,
    keyReused,
    param: error.param,
    detail: permission ? `the Stripe key lacks ${permission}: ${message}` : message || undefined,
  });
}

/** The PaymentIntent statuses of the API version the SDK pins (its type also admits any string). */
export const PAYMENT_INTENT_STATUSES = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'processing',
  'requires_capture',
  'canceled',
  'succeeded',
] as const;
type PaymentIntentStatus = (typeof PAYMENT_INTENT_STATUSES)[number];

function isKnownStatus(status: string): status is PaymentIntentStatus {
  return (PAYMENT_INTENT_STATUSES as readonly string[]).includes(status);
}

/** Stripe's PaymentIntent status in Payrail's words; `refunded` is what the refunds add up to. */
export function paymentStatus(pi: Stripe.PaymentIntent, refunded: number): GatewayPaymentStatus {
  const status: string = pi.status;
  // A status newer than this plugin: not final as far as Payrail can tell, so `sync` again later.
  if (!isKnownStatus(status)) return 'pending';
  switch (status) {
    case 'requires_payment_method':
      return pi.last_payment_error ? 'failed' : 'pending';
    case 'requires_confirmation':
    case 'processing':
      return 'pending';
    case 'requires_action':
      return 'requires_action';
    case 'requires_capture':
      return 'authorized';
    case 'canceled':
      return 'voided';
    case 'succeeded':
      if (refunded <= 0) return 'captured';
      return refunded >= pi.amount_received ? 'refunded' : 'partially_refunded';
    default: {
      const unknown: never = status;
      throw new GatewayError('processing_error', {
        detail: `unknown PaymentIntent status ${String(unknown)}`,
      });
    }
  }
}

export function refundStatus(status: string | null): GatewayRefundRecord['status'] {
  switch (status) {
    case 'succeeded':
      return 'succeeded';
    case 'failed':
    case 'canceled':
      return 'failed';
    default:
      return 'pending';
  }
}

export function toRefundRecord(refund: Stripe.Refund): GatewayRefundRecord {
  return {
    reference: refund.id,
    amount: refund.amount,
    status: refundStatus(refund.status),
    attemptId: refund.metadata?.[METADATA.attemptId],
    captureReference: typeof refund.charge === 'string' ? refund.charge : refund.charge?.id,
  };
}

function nextAction(pi: Stripe.PaymentIntent): NextAction | undefined {
  const action = pi.next_action;
  if (!action) return undefined;
  if (action.redirect_to_url?.url) return { type: 'redirect_to_url', url: action.redirect_to_url.url };
  const sdk = action.use_stripe_sdk as { stripe_js?: unknown } | undefined;
  return { type: 'redirect_to_url', url: typeof sdk?.stripe_js === 'string' ? sdk.stripe_js : undefined };
}

function cardSummary(pi: Stripe.PaymentIntent): CardSummary | undefined {
  const charge = typeof pi.latest_charge === 'object' ? pi.latest_charge : undefined;
  const fromCharge = charge?.payment_method_details?.card;
  const method = typeof pi.payment_method === 'object' ? pi.payment_method?.card : undefined;
  const card = fromCharge ?? method;
  if (!card) return undefined;
  return {
    brand: card.brand ?? undefined,
    last4: card.last4 ?? undefined,
    expMonth: card.exp_month,
    expYear: card.exp_year,
  };
}

/** One PaymentIntent (with `latest_charge` expanded where available) and its refunds, as Payrail sees a payment. */
export function toSnapshot(pi: Stripe.PaymentIntent, refunds: Stripe.Refund[] = []): GatewayPaymentSnapshot {
  const records = refunds.map(toRefundRecord);
  const refunded = records.filter((r) => r.status !== 'failed').reduce((sum, r) => sum + r.amount, 0);
  const status = paymentStatus(pi, refunded);
  const chargeId = typeof pi.latest_charge === 'string' ? pi.latest_charge : pi.latest_charge?.id;
  // A canceled intent was authorized only if its last charge went through (not after a decline).
  const releasedCharge =
    pi.status === 'canceled' &&
    typeof pi.latest_charge === 'object' &&
    pi.latest_charge?.status === 'succeeded';
  const authorized = status === 'authorized' || pi.status === 'succeeded' || releasedCharge;
  const snapshot: GatewayPaymentSnapshot = {
    reference: pi.id,
    status,
    currency: pi.currency.toUpperCase(),
    amountAuthorized: authorized ? pi.amount : 0,
    amountCapturable: pi.amount_capturable,
    amountCaptured: pi.amount_received,
    amountRefunded: refunded,
    captures:
      pi.status === 'succeeded' && chargeId && pi.amount_received > 0
        ? [
            {
              reference: chargeId,
              amount: pi.amount_received,
              attemptId: pi.metadata?.[METADATA.captureAttemptId],
            },
          ]
        : [],
    refunds: records,
  };
  const action = status === 'requires_action' ? nextAction(pi) : undefined;
  if (action) snapshot.nextAction = action;
  const card = cardSummary(pi);
  if (card) snapshot.card = card;
  if (status === 'failed' && pi.last_payment_error) {
    const failure = toGatewayError({
      type: 'StripeCardError',
      rawType: pi.last_payment_error.type,
      code: pi.last_payment_error.code,
      decline_code: pi.last_payment_error.decline_code,
      message: pi.last_payment_error.message,
      statusCode: pi.last_payment_error.type === 'card_error' ? 402 : 400,
    });
    snapshot.failure = {
      code: failure.code,
      message: failure.message,
      gatewayCode: failure.gatewayCode,
    };
  }
  return snapshot;
}

/** Payrail's free-text refund reason onto Stripe's three, when it is one of them. */
export function refundReason(reason: string | undefined): Stripe.RefundCreateParams.Reason | undefined {
  switch (reason) {
    case 'duplicate':
    case 'fraudulent':
    case 'requested_by_customer':
      return reason;
    default:
      return undefined;
  }
}
