import { createHash } from 'node:crypto';
import {
  GatewayError,
  MoneyError,
  redactText,
  type CardSummary,
  type GatewayErrorCode,
  type GatewayPaymentSnapshot,
  type GatewayRefundRecord,
  type Money,
} from '@payrail/plugin-sdk';
import type { Square, SquareError } from 'square';
import { squareSdk } from './square.sdk';

/**
 * Every Square error code, mapped onto Payrail's taxonomy. Keyed by the SDK's own code union,
 * so a code a new SDK adds fails to compile until it is mapped here.
 */
export const SQUARE_ERROR_CODES: Readonly<Record<Square.ErrorCode, GatewayErrorCode>> = {
  INTERNAL_SERVER_ERROR: 'gateway_unavailable',
  UNAUTHORIZED: 'authentication_failed',
  ACCESS_TOKEN_EXPIRED: 'authentication_failed',
  ACCESS_TOKEN_REVOKED: 'authentication_failed',
  CLIENT_DISABLED: 'authentication_failed',
  FORBIDDEN: 'permission_denied',
  INSUFFICIENT_SCOPES: 'permission_denied',
  APPLICATION_DISABLED: 'authentication_failed',
  V1_APPLICATION: 'authentication_failed',
  V1_ACCESS_TOKEN: 'authentication_failed',
  CARD_PROCESSING_NOT_ENABLED: 'permission_denied',
  MERCHANT_SUBSCRIPTION_NOT_FOUND: 'permission_denied',
  BAD_REQUEST: 'invalid_request',
  MISSING_REQUIRED_PARAMETER: 'invalid_request',
  INCORRECT_TYPE: 'invalid_request',
  INVALID_TIME: 'invalid_request',
  INVALID_TIME_RANGE: 'invalid_request',
  INVALID_VALUE: 'invalid_request',
  INVALID_CURSOR: 'invalid_request',
  UNKNOWN_QUERY_PARAMETER: 'invalid_request',
  CONFLICTING_PARAMETERS: 'invalid_request',
  EXPECTED_JSON_BODY: 'invalid_request',
  INVALID_SORT_ORDER: 'invalid_request',
  VALUE_REGEX_MISMATCH: 'invalid_request',
  VALUE_TOO_SHORT: 'invalid_request',
  VALUE_TOO_LONG: 'invalid_request',
  VALUE_TOO_LOW: 'invalid_request',
  VALUE_TOO_HIGH: 'invalid_request',
  VALUE_EMPTY: 'invalid_request',
  ARRAY_LENGTH_TOO_LONG: 'invalid_request',
  ARRAY_LENGTH_TOO_SHORT: 'invalid_request',
  ARRAY_EMPTY: 'invalid_request',
  EXPECTED_BOOLEAN: 'invalid_request',
  EXPECTED_INTEGER: 'invalid_request',
  EXPECTED_FLOAT: 'invalid_request',
  EXPECTED_STRING: 'invalid_request',
  EXPECTED_OBJECT: 'invalid_request',
  EXPECTED_ARRAY: 'invalid_request',
  EXPECTED_MAP: 'invalid_request',
  EXPECTED_BASE64_ENCODED_BYTE_ARRAY: 'invalid_request',
  INVALID_ARRAY_VALUE: 'invalid_request',
  INVALID_ENUM_VALUE: 'invalid_request',
  INVALID_CONTENT_TYPE: 'invalid_request',
  INVALID_FORM_VALUE: 'invalid_request',
  CUSTOMER_NOT_FOUND: 'invalid_request',
  ONE_INSTRUMENT_EXPECTED: 'invalid_request',
  NO_FIELDS_SET: 'invalid_request',
  TOO_MANY_MAP_ENTRIES: 'invalid_request',
  MAP_KEY_LENGTH_TOO_SHORT: 'invalid_request',
  MAP_KEY_LENGTH_TOO_LONG: 'invalid_request',
  CUSTOMER_MISSING_NAME: 'invalid_request',
  CUSTOMER_MISSING_EMAIL: 'invalid_request',
  INVALID_PAUSE_LENGTH: 'invalid_request',
  INVALID_DATE: 'invalid_request',
  UNSUPPORTED_COUNTRY: 'invalid_request',
  UNSUPPORTED_CURRENCY: 'currency_not_supported',
  APPLE_TTP_PIN_TOKEN: 'card_declined',
  CARD_EXPIRED: 'expired_card',
  INVALID_EXPIRATION: 'expired_card',
  INVALID_EXPIRATION_YEAR: 'expired_card',
  INVALID_EXPIRATION_DATE: 'expired_card',
  UNSUPPORTED_CARD_BRAND: 'card_declined',
  UNSUPPORTED_ENTRY_METHOD: 'card_declined',
  INVALID_ENCRYPTED_CARD: 'invalid_card_number',
  INVALID_CARD: 'invalid_card_number',
  PAYMENT_AMOUNT_MISMATCH: 'invalid_request',
  GENERIC_DECLINE: 'card_declined',
  CVV_FAILURE: 'incorrect_cvc',
  ADDRESS_VERIFICATION_FAILURE: 'card_declined',
  INVALID_ACCOUNT: 'invalid_card_number',
  CURRENCY_MISMATCH: 'currency_not_supported',
  INSUFFICIENT_FUNDS: 'insufficient_funds',
  INSUFFICIENT_PERMISSIONS: 'invalid_request',
  CARDHOLDER_INSUFFICIENT_PERMISSIONS: 'card_declined',
  INVALID_LOCATION: 'invalid_request',
  TRANSACTION_LIMIT: 'card_declined',
  VOICE_FAILURE: 'card_declined',
  PAN_FAILURE: 'invalid_card_number',
  EXPIRATION_FAILURE: 'expired_card',
  CARD_NOT_SUPPORTED: 'card_declined',
  READER_DECLINED: 'card_declined',
  INVALID_PIN: 'card_declined',
  MISSING_PIN: 'card_declined',
  MISSING_ACCOUNT_TYPE: 'card_declined',
  INVALID_POSTAL_CODE: 'card_declined',
  INVALID_FEES: 'invalid_request',
  MANUALLY_ENTERED_PAYMENT_NOT_SUPPORTED: 'card_declined',
  PAYMENT_LIMIT_EXCEEDED: 'card_declined',
  GIFT_CARD_AVAILABLE_AMOUNT: 'insufficient_funds',
  ACCOUNT_UNUSABLE: 'card_declined',
  BUYER_REFUSED_PAYMENT: 'card_declined',
  DELAYED_TRANSACTION_EXPIRED: 'invalid_request',
  DELAYED_TRANSACTION_CANCELED: 'invalid_request',
  DELAYED_TRANSACTION_CAPTURED: 'already_captured',
  DELAYED_TRANSACTION_FAILED: 'invalid_request',
  CARD_TOKEN_EXPIRED: 'invalid_request',
  CARD_TOKEN_USED: 'invalid_request',
  AMOUNT_TOO_HIGH: 'amount_too_large',
  AMOUNT_TOO_LOW: 'invalid_request',
  UNSUPPORTED_INSTRUMENT_TYPE: 'invalid_request',
  REFUND_AMOUNT_INVALID: 'amount_too_large',
  REFUND_ALREADY_PENDING: 'invalid_request',
  PAYMENT_NOT_REFUNDABLE: 'invalid_request',
  PAYMENT_NOT_REFUNDABLE_DUE_TO_DISPUTE: 'invalid_request',
  REFUND_ERROR_PAYMENT_NEEDS_COMPLETION: 'invalid_request',
  REFUND_DECLINED: 'card_declined',
  INSUFFICIENT_PERMISSIONS_FOR_REFUND: 'permission_denied',
  INVALID_CARD_DATA: 'invalid_card_number',
  SOURCE_USED: 'invalid_request',
  SOURCE_EXPIRED: 'invalid_request',
  UNSUPPORTED_LOYALTY_REWARD_TIER: 'invalid_request',
  LOCATION_MISMATCH: 'invalid_request',
  ORDER_UNPAID_NOT_RETURNABLE: 'invalid_request',
  PARTIAL_PAYMENT_DELAY_CAPTURE_NOT_SUPPORTED: 'invalid_request',
  IDEMPOTENCY_KEY_REUSED: 'invalid_request',
  UNEXPECTED_VALUE: 'invalid_request',
  SANDBOX_NOT_SUPPORTED: 'invalid_request',
  INVALID_EMAIL_ADDRESS: 'invalid_request',
  INVALID_PHONE_NUMBER: 'invalid_request',
  CHECKOUT_EXPIRED: 'invalid_request',
  BAD_CERTIFICATE: 'authentication_failed',
  INVALID_SQUARE_VERSION_FORMAT: 'invalid_request',
  API_VERSION_INCOMPATIBLE: 'invalid_request',
  CARD_PRESENCE_REQUIRED: 'card_declined',
  UNSUPPORTED_SOURCE_TYPE: 'invalid_request',
  CARD_MISMATCH: 'card_declined',
  PLAID_ERROR: 'processing_error',
  PLAID_ERROR_ITEM_LOGIN_REQUIRED: 'processing_error',
  PLAID_ERROR_RATE_LIMIT: 'rate_limited',
  PLAID_ERROR_INVALID_ACCESS_TOKEN: 'processing_error',
  PLAID_ERROR_INVALID_ACCOUNT_ID: 'processing_error',
  PLAID_ERROR_NO_ACCOUNTS: 'processing_error',
  PLAID_ERROR_ITEM_NOT_FOUND: 'processing_error',
  PLAID_ERROR_INSUFFICIENT_CREDENTIALS: 'processing_error',
  PLAID_ERROR_ITEM_NOT_SUPPORTED: 'processing_error',
  PLAID_ERROR_PRODUCT_NOT_READY: 'processing_error',
  PAYMENT_SOURCE_NOT_ENABLED_FOR_TARGET: 'invalid_request',
  CARD_DECLINED: 'card_declined',
  VERIFY_CVV_FAILURE: 'incorrect_cvc',
  VERIFY_AVS_FAILURE: 'card_declined',
  CARD_DECLINED_CALL_ISSUER: 'card_declined',
  CARD_DECLINED_VERIFICATION_REQUIRED: 'authentication_required',
  BAD_EXPIRATION: 'expired_card',
  CHIP_INSERTION_REQUIRED: 'card_declined',
  ALLOWABLE_PIN_TRIES_EXCEEDED: 'card_declined',
  RESERVATION_DECLINED: 'card_declined',
  UNKNOWN_BODY_PARAMETER: 'invalid_request',
  CART_INELIGIBLE_FOR_EBT: 'card_declined',
  NOT_FOUND: 'invalid_request',
  APPLE_PAYMENT_PROCESSING_CERTIFICATE_HASH_NOT_FOUND: 'invalid_request',
  METHOD_NOT_ALLOWED: 'invalid_request',
  NOT_ACCEPTABLE: 'invalid_request',
  REQUEST_TIMEOUT: 'gateway_timeout',
  CONFLICT: 'invalid_request',
  GONE: 'invalid_request',
  REQUEST_ENTITY_TOO_LARGE: 'invalid_request',
  UNSUPPORTED_MEDIA_TYPE: 'invalid_request',
  UNPROCESSABLE_ENTITY: 'invalid_request',
  RATE_LIMITED: 'rate_limited',
  NOT_IMPLEMENTED: 'invalid_request',
  BAD_GATEWAY: 'gateway_unavailable',
  SERVICE_UNAVAILABLE: 'gateway_unavailable',
  TEMPORARY_ERROR: 'gateway_unavailable',
  GATEWAY_TIMEOUT: 'gateway_timeout',
};

export type SquareErrorCategory = SquareError.ErrorCategory;

/** For a code this SDK does not know yet: decide by the error's category. */
export function categoryFallback(category: SquareErrorCategory, status: number): GatewayErrorCode {
  switch (category) {
    case 'API_ERROR':
      return status === 504 ? 'gateway_timeout' : 'gateway_unavailable';
    case 'AUTHENTICATION_ERROR':
      return status === 403 ? 'permission_denied' : 'authentication_failed';
    case 'INVALID_REQUEST_ERROR':
    case 'REFUND_ERROR':
    case 'V1_ERROR':
      return 'invalid_request';
    case 'RATE_LIMIT_ERROR':
      return 'rate_limited';
    case 'PAYMENT_METHOD_ERROR':
      return 'card_declined';
    case 'MERCHANT_SUBSCRIPTION_ERROR':
      return 'permission_denied';
    case 'EXTERNAL_VENDOR_ERROR':
      return 'gateway_unavailable';
  }
}

function statusFallback(status: number): GatewayErrorCode {
  if (status === 401) return 'authentication_failed';
  if (status === 403) return 'permission_denied';
  if (status === 429) return 'rate_limited';
  if (status === 408 || status === 504) return 'gateway_timeout';
  if (status >= 500) return 'gateway_unavailable';
  return 'invalid_request';
}

let knownCategories: readonly string[] | undefined;
/** The error categories this SDK knows, read from it on first need. */
function isKnownCategory(category: string): boolean {
  knownCategories ??= Object.values(squareSdk().SquareError.ErrorCategory);
  return knownCategories.includes(category);
}

/** The taxonomy code for one Square error object answered with HTTP `status`. */
export function mapSquareError(
  code: string | undefined,
  category: string | undefined,
  status: number,
): GatewayErrorCode {
  if (code && Object.prototype.hasOwnProperty.call(SQUARE_ERROR_CODES, code))
    return SQUARE_ERROR_CODES[code as Square.ErrorCode];
  if (category && isKnownCategory(category)) return categoryFallback(category as SquareErrorCategory, status);
  return statusFallback(status);
}

function causeCode(cause: unknown, depth = 0): string | undefined {
  if (!cause || typeof cause !== 'object' || depth > 4) return undefined;
  const { code, cause: inner, errors } = cause as { code?: unknown; cause?: unknown; errors?: unknown[] };
  if (typeof code === 'string') return code;
  return causeCode(inner, depth + 1) ?? (Array.isArray(errors) ? causeCode(errors[0], depth + 1) : undefined);
}

/**
 * Turns anything a Square call threw into a `GatewayError`. A timeout, a dropped connection
 * or a 5xx is indeterminate: Square may have acted although we saw no success.
 */
export function toGatewayError(error: unknown, timedOut = false): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof MoneyError)
    return new GatewayError('invalid_request', { detail: error.message, param: 'amount' });
  const { SquareError, SquareTimeoutError } = squareSdk();
  // The SDK reports its own timeout as a status-less SquareError whose cause is "timeout".
  const sdkTimeout =
    error instanceof SquareTimeoutError ||
    (error instanceof SquareError && error.statusCode === undefined && error.cause === 'timeout');
  if (timedOut || sdkTimeout)
    return new GatewayError('gateway_timeout', {
      detail: 'Square did not answer within the connection timeout',
    });
  if (error instanceof SquareError) {
    if (error.statusCode === undefined) {
      const refused = causeCode(error.cause) === 'ECONNREFUSED';
      return new GatewayError('gateway_unavailable', {
        indeterminate: !refused,
        detail: `could not reach Square: ${redactText(error.message)}`,
      });
    }
    const first = error.errors[0] as
      { code?: string; category?: string; detail?: string; field?: string } | undefined;
    const code = mapSquareError(first?.code, first?.category, error.statusCode);
    const payment = (error.body as { payment?: { id?: string } } | undefined)?.payment;
    return new GatewayError(code, {
      gatewayCode: first?.code,
      gatewayStatus: error.statusCode,
      reference: payment?.id,
      param: first?.field,
      // A key reused with other data means the first call reached Square, whatever it did.
      keyReused: first?.code === 'IDEMPOTENCY_KEY_REUSED',
      indeterminate: error.statusCode >= 500 || code === 'gateway_timeout',
      detail: redactText(
        `Square answered ${error.statusCode} ${first?.code ?? ''}: ${first?.detail ?? error.message}`,
      ),
    });
  }
  return new GatewayError('processing_error', {
    indeterminate: true,
    detail: redactText(
      `unexpected failure calling Square: ${error instanceof Error ? error.message : String(error)}`,
    ),
  });
}

/** Square takes idempotency keys of at most 45 characters; longer keys are hashed, deterministically. */
export function squareIdempotencyKey(key: string): string {
  if (!key)
    throw new GatewayError('invalid_request', {
      detail: 'idempotencyKey is required',
      param: 'idempotencyKey',
    });
  return key.length <= 45 ? key : createHash('sha256').update(key).digest('base64url').slice(0, 43);
}

export function toSquareMoney(money: Money): Square.Money {
  return { amount: BigInt(money.amount), currency: money.currency.toUpperCase() as Square.Currency };
}

/** SDK amounts are BigInt (a plain number when the SDK skipped parsing); the contract wants safe integers. */
export function minorUnits(amount: bigint | number | null | undefined): number {
  if (amount === null || amount === undefined) return 0;
  const value = typeof amount === 'bigint' ? Number(amount) : amount;
  if (!Number.isSafeInteger(value) || BigInt(value) !== BigInt(amount))
    throw new GatewayError('processing_error', {
      detail: `Square returned an amount (${amount}) outside the safe integer range`,
    });
  return value;
}

const ATTEMPT_TAG = /\[attempt ([^\]]+)\]$/;

/** Square refunds have no metadata: the attempt id rides at the end of `reason` (max 192). */
export function tagWithAttempt(text: string | undefined, attemptId: string, max: number): string {
  const tag = `[attempt ${attemptId}]`;
  if (tag.length > max) return text?.slice(0, max) ?? '';
  const room = max - tag.length - 1;
  return text ? `${text.slice(0, room)} ${tag}` : tag;
}

export function attemptFrom(text: string | null | undefined): string | undefined {
  return text ? ATTEMPT_TAG.exec(text)?.[1] : undefined;
}

export type SquarePaymentStatus = 'APPROVED' | 'PENDING' | 'COMPLETED' | 'CANCELED' | 'FAILED';
export type SquareRefundStatus = 'PENDING' | 'COMPLETED' | 'REJECTED' | 'FAILED';

function paymentStatus(value: string | undefined): SquarePaymentStatus {
  if (
    value === 'APPROVED' ||
    value === 'PENDING' ||
    value === 'COMPLETED' ||
    value === 'CANCELED' ||
    value === 'FAILED'
  )
    return value;
  throw new GatewayError('processing_error', {
    detail: `Square returned an unknown payment status '${value}'`,
  });
}

export function refundStatus(value: string | null | undefined): GatewayRefundRecord['status'] {
  const status = (value ?? 'PENDING') as SquareRefundStatus;
  switch (status) {
    case 'PENDING':
      return 'pending';
    case 'COMPLETED':
      return 'succeeded';
    case 'REJECTED':
    case 'FAILED':
      return 'failed';
    default: {
      const unknown: never = status;
      throw new GatewayError('processing_error', {
        detail: `Square returned an unknown refund status '${String(unknown)}'`,
      });
    }
  }
}

export function toRefundRecord(refund: Square.PaymentRefund): GatewayRefundRecord {
  return {
    reference: refund.id,
    amount: minorUnits(refund.amountMoney.amount),
    status: refundStatus(refund.status),
    attemptId: attemptFrom(refund.reason),
    captureReference: refund.paymentId ?? undefined,
  };
}

export function cardSummary(card: Square.Card | undefined): CardSummary | undefined {
  if (!card) return undefined;
  return {
    brand: card.cardBrand?.toLowerCase(),
    last4: card.last4,
    expMonth: card.expMonth === undefined || card.expMonth === null ? undefined : minorUnits(card.expMonth),
    expYear: card.expYear === undefined || card.expYear === null ? undefined : minorUnits(card.expYear),
  };
}

/**
 * Square's view of one payment, in Payrail's vocabulary. Square has no capture object: a
 * completed payment is one capture whose reference is the payment id.
 */
export function toSnapshot(
  payment: Square.Payment,
  refunds?: Square.PaymentRefund[],
): GatewayPaymentSnapshot {
  const reference = payment.id ?? '';
  const currency = (payment.totalMoney?.currency ?? payment.amountMoney?.currency ?? '') as string;
  const total = minorUnits(payment.totalMoney?.amount ?? payment.amountMoney?.amount);
  const approved = minorUnits(payment.approvedMoney?.amount ?? payment.totalMoney?.amount);
  const refundRecords = (refunds ?? []).map(toRefundRecord);
  const refunded = refunds
    ? refundRecords.filter((r) => r.status !== 'failed').reduce((sum, r) => sum + r.amount, 0)
    : minorUnits(payment.refundedMoney?.amount);
  const base = {
    reference,
    currency,
    captures: [] as GatewayPaymentSnapshot['captures'],
    refunds: refundRecords,
    card: cardSummary(payment.cardDetails?.card),
  };
  const status = paymentStatus(payment.status);
  switch (status) {
    case 'APPROVED':
      return {
        ...base,
        status: 'authorized',
        amountAuthorized: approved,
        amountCapturable: total,
        amountCaptured: 0,
        amountRefunded: 0,
      };
    case 'PENDING':
      return {
        ...base,
        status: 'pending',
        amountAuthorized: approved,
        amountCapturable: 0,
        amountCaptured: 0,
        amountRefunded: 0,
      };
    case 'COMPLETED':
      return {
        ...base,
        status:
          refunded >= total && total > 0 ? 'refunded' : refunded > 0 ? 'partially_refunded' : 'captured',
        amountAuthorized: approved,
        amountCapturable: 0,
        amountCaptured: total,
        amountRefunded: refunded,
        captures: [{ reference, amount: total }],
      };
    case 'CANCELED':
      return {
        ...base,
        status: 'voided',
        amountAuthorized: approved,
        amountCapturable: 0,
        amountCaptured: 0,
        amountRefunded: 0,
      };
    case 'FAILED': {
      const error = payment.cardDetails?.errors?.[0];
      const code = mapSquareError(error?.code, error?.category, 400);
      return {
        ...base,
        status: 'failed',
        amountAuthorized: 0,
        amountCapturable: 0,
        amountCaptured: 0,
        amountRefunded: 0,
        failure: {
          code,
          message: error?.detail ?? `Square declined the payment (${error?.code ?? 'FAILED'})`,
          gatewayCode: error?.code,
        },
      };
    }
  }
}
