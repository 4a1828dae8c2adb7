/** The error taxonomy every gateway's failures are mapped onto. */
export const GATEWAY_ERROR_CODES = [
  'card_declined',
  'insufficient_funds',
  'expired_card',
  'incorrect_cvc',
  'invalid_card_number',
  'authentication_required',
  'fraud_suspected',
  'processing_error',
  'invalid_request',
  'amount_too_large',
  'currency_not_supported',
  'already_captured',
  'already_refunded',
  'rate_limited',
  'gateway_unavailable',
  'gateway_timeout',
  'authentication_failed',
  'permission_denied',
] as const;

export type GatewayErrorCode = (typeof GATEWAY_ERROR_CODES)[number];

export interface ErrorCodeInfo {
  /** HTTP status Payrail answers with when this code ends a merchant's request. */
  httpStatus: number;
  /** Whether the same request may succeed if tried again (later, or on another gateway). */
  retryable: boolean;
  /** Safe to show to the paying customer or the merchant's support staff. */
  message: string;
  /** Knowledge-base article that explains the cause and what to do. */
  article: string;
}

export const ERROR_TAXONOMY: Readonly<Record<GatewayErrorCode, ErrorCodeInfo>> = Object.freeze({
  card_declined: {
    httpStatus: 402,
    retryable: false,
    message: 'The card was declined. Ask the customer to use another card or contact their bank.',
    article: 'kb/card-declined',
  },
  insufficient_funds: {
    httpStatus: 402,
    retryable: false,
    message: 'The card has insufficient funds for this payment.',
    article: 'kb/insufficient-funds',
  },
  expired_card: {
    httpStatus: 402,
    retryable: false,
    message: 'The card has expired. Ask the customer for a current card.',
    article: 'kb/expired-card',
  },
  incorrect_cvc: {
    httpStatus: 402,
    retryable: false,
    message: "The card's security code is incorrect.",
    article: 'kb/incorrect-cvc',
  },
  invalid_card_number: {
    httpStatus: 402,
    retryable: false,
    message: 'The card number is not valid.',
    article: 'kb/invalid-card-number',
  },
  authentication_required: {
    httpStatus: 402,
    retryable: false,
    message: 'The bank requires the customer to authenticate this payment (3-D Secure).',
    article: 'kb/authentication-required',
  },
  fraud_suspected: {
    httpStatus: 402,
    retryable: false,
    message: 'The payment was declined because it looks fraudulent.',
    article: 'kb/fraud-suspected',
  },
  processing_error: {
    httpStatus: 402,
    retryable: true,
    message: 'An error occurred while processing the card. Try again in a little while.',
    article: 'kb/processing-error',
  },
  invalid_request: {
    httpStatus: 400,
    retryable: false,
    message: 'The gateway refused the request as invalid.',
    article: 'kb/invalid-request',
  },
  amount_too_large: {
    httpStatus: 400,
    retryable: false,
    message: 'The amount is larger than the gateway accepts.',
    article: 'kb/amount-too-large',
  },
  currency_not_supported: {
    httpStatus: 400,
    retryable: false,
    message: 'The gateway does not support this currency.',
    article: 'kb/currency-not-supported',
  },
  already_captured: {
    httpStatus: 409,
    retryable: false,
    message: 'The payment has already been captured.',
    article: 'kb/already-captured',
  },
  already_refunded: {
    httpStatus: 409,
    retryable: false,
    message: 'The payment has already been refunded in full.',
    article: 'kb/already-refunded',
  },
  rate_limited: {
    httpStatus: 429,
    retryable: true,
    message: 'The gateway is limiting requests. Try again shortly.',
    article: 'kb/rate-limited',
  },
  gateway_unavailable: {
    httpStatus: 503,
    retryable: true,
    message: 'The payment gateway is unavailable. Try again shortly.',
    article: 'kb/gateway-unavailable',
  },
  gateway_timeout: {
    httpStatus: 504,
    retryable: true,
    message: 'The payment gateway did not answer in time; the outcome is being checked.',
    article: 'kb/gateway-timeout',
  },
  authentication_failed: {
    httpStatus: 502,
    retryable: false,
    message: "The gateway refused this connection's credentials.",
    article: 'kb/authentication-failed',
  },
  permission_denied: {
    httpStatus: 502,
    retryable: false,
    message: "This connection's key lacks a permission the operation needs.",
    article: 'kb/permission-denied',
  },
});

export function isGatewayErrorCode(value: unknown): value is GatewayErrorCode {
  return typeof value === 'string' && (GATEWAY_ERROR_CODES as readonly string[]).includes(value);
}

export interface GatewayErrorDetails {
  /** The gateway's own code (Stripe `code`/`decline_code`, PayPal `issue`, Square `code`). */
  gatewayCode?: string;
  /** The gateway's request or debug id, for a support ticket with the gateway. */
  gatewayRequestId?: string;
  /** HTTP status the gateway answered with, if it answered. */
  gatewayStatus?: number;
  /** The gateway object the failure left behind (a failed PaymentIntent, order or payment), if any. */
  reference?: string;
  /**
   * True when the gateway may have acted although we saw no success (a timeout, a dropped
   * connection, a 5xx): the attempt's outcome is unknown until `sync` says.
   */
  indeterminate?: boolean;
  /** Which request parameter was wrong, for `invalid_request`. */
  param?: string;
  /**
   * The gateway refused an idempotency key it had already seen with other parameters: the
   * first call reached it, so this says nothing about that call's outcome (always indeterminate).
   */
  keyReused?: boolean;
  /** The gateway confirmed it holds nothing made by this request (a replay under its key found nothing). */
  absent?: boolean;
  /** A developer-facing explanation; must already be free of card data and secrets. */
  detail?: string;
}

/**
 * A gateway failure in the taxonomy. Plugins return it inside an `Outcome` for expected
 * failures (declines, invalid requests) and may throw it for outages; the core treats
 * anything else thrown as an indeterminate `processing_error`.
 */
export class GatewayError extends Error {
  readonly retryable: boolean;
  readonly userMessage: string;
  readonly httpStatus: number;
  readonly gatewayCode?: string;
  readonly gatewayRequestId?: string;
  readonly gatewayStatus?: number;
  readonly reference?: string;
  readonly indeterminate: boolean;
  readonly param?: string;
  readonly keyReused: boolean;
  readonly absent: boolean;

  constructor(
    readonly code: GatewayErrorCode,
    details: GatewayErrorDetails = {},
  ) {
    const info = ERROR_TAXONOMY[code];
    super(details.detail ?? info.message);
    this.name = 'GatewayError';
    this.retryable = info.retryable;
    this.userMessage = info.message;
    this.httpStatus = info.httpStatus;
    this.gatewayCode = details.gatewayCode;
    this.gatewayRequestId = details.gatewayRequestId;
    this.gatewayStatus = details.gatewayStatus;
    this.reference = details.reference;
    this.keyReused = details.keyReused ?? false;
    this.indeterminate = this.keyReused || (details.indeterminate ?? code === 'gateway_timeout');
    this.param = details.param;
    this.absent = details.absent ?? false;
  }

  toJSON() {
    return {
      code: this.code,
      message: this.userMessage,
      detail: this.message,
      retryable: this.retryable,
      gateway_code: this.gatewayCode,
      gateway_request_id: this.gatewayRequestId,
      gateway_status: this.gatewayStatus,
      indeterminate: this.indeterminate,
    };
  }
}

/** The result of an operation: a value, or a failure in the taxonomy. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: GatewayError };

export const succeed = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const fail = <T = never>(error: GatewayError): Outcome<T> => ({ ok: false, error });
