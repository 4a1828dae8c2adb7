import type {
  ApiError,
  AuthorizationStatus,
  CaptureStatus,
  RefundStatus,
  AuthorizationWithAdditionalData,
  Order,
  OrdersCapture,
  Refund,
} from '@paypal/paypal-server-sdk';
import { paypalSdk } from './paypal.sdk';
import {
  fromDecimalString,
  GatewayError,
  redactText,
  PAYPAL_CURRENCIES,
  PAYPAL_WHOLE_UNIT_CURRENCIES,
  toDecimalString,
  type GatewayCaptureRecord,
  type GatewayErrorCode,
  type GatewayPaymentSnapshot,
  type GatewayPaymentStatus,
  type GatewayRefundRecord,
} from '@payrail/plugin-sdk';

/**
 * Every PayPal error code Payrail knows, onto the taxonomy: `details[].issue` codes, the
 * envelope `name`s, the OAuth `error`, and card processor response codes (`processor:<code>`).
 */
export const PAYPAL_ERROR_TABLE = {
  // Orders v2 (create / authorize / capture)
  ORDER_NOT_APPROVED: 'authentication_required',
  ORDER_ALREADY_CAPTURED: 'already_captured',
  ORDER_ALREADY_AUTHORIZED: 'invalid_request',
  INSTRUMENT_DECLINED: 'card_declined',
  TRANSACTION_REFUSED: 'card_declined',
  PAYER_ACTION_REQUIRED: 'authentication_required',
  PAYER_CANNOT_PAY: 'card_declined',
  DUPLICATE_INVOICE_ID: 'invalid_request',
  MAX_NUMBER_OF_PAYMENT_ATTEMPTS_EXCEEDED: 'card_declined',
  ACTION_DOES_NOT_MATCH_INTENT: 'invalid_request',
  CARD_EXPIRED: 'expired_card',
  INVALID_SECURITY_CODE_LENGTH: 'incorrect_cvc',
  INVALID_CURRENCY_CODE: 'currency_not_supported',
  CANNOT_BE_ZERO_OR_NEGATIVE: 'invalid_request',
  MAX_VALUE_EXCEEDED: 'amount_too_large',
  // Payments v2: capture an authorization
  AUTHORIZATION_ALREADY_CAPTURED: 'already_captured',
  AUTHORIZATION_VOIDED: 'invalid_request',
  AUTHORIZATION_EXPIRED: 'invalid_request',
  AUTHORIZATION_DENIED: 'card_declined',
  MAX_CAPTURE_AMOUNT_EXCEEDED: 'amount_too_large',
  MAX_CAPTURE_COUNT_EXCEEDED: 'invalid_request',
  DECIMAL_PRECISION: 'invalid_request',
  DECIMALS_NOT_SUPPORTED: 'invalid_request',
  CURRENCY_MISMATCH: 'invalid_request',
  REAUTHORIZATION_NOT_SUPPORTED: 'invalid_request',
  // Payments v2: void
  PREVIOUSLY_CAPTURED: 'already_captured',
  PREVIOUSLY_VOIDED: 'invalid_request',
  CANNOT_BE_VOIDED: 'invalid_request',
  // Payments v2: refund
  REFUND_AMOUNT_EXCEEDED: 'amount_too_large',
  CAPTURE_FULLY_REFUNDED: 'already_refunded',
  PARTIAL_REFUND_NOT_ALLOWED: 'invalid_request',
  REFUND_TIME_LIMIT_EXCEEDED: 'invalid_request',
  REFUND_FAILED_INSUFFICIENT_FUNDS: 'processing_error',
  REFUND_NOT_ALLOWED: 'invalid_request',
  REFUND_CAPTURE_CURRENCY_MISMATCH: 'invalid_request',
  // 400 / 403 / 404 issues
  INVALID_PARAMETER_VALUE: 'invalid_request',
  MISSING_REQUIRED_PARAMETER: 'invalid_request',
  INVALID_STRING_LENGTH: 'invalid_request',
  INVALID_PARAMETER_SYNTAX: 'invalid_request',
  MALFORMED_REQUEST_JSON: 'invalid_request',
  PERMISSION_DENIED: 'permission_denied',
  INVALID_RESOURCE_ID: 'invalid_request',
  // envelope names, by HTTP status
  INVALID_REQUEST: 'invalid_request',
  AUTHENTICATION_FAILURE: 'authentication_failed',
  NOT_AUTHORIZED: 'permission_denied',
  RESOURCE_NOT_FOUND: 'invalid_request',
  RESOURCE_CONFLICT: 'processing_error',
  UNSUPPORTED_MEDIA_TYPE: 'invalid_request',
  UNPROCESSABLE_ENTITY: 'invalid_request',
  RATE_LIMIT_REACHED: 'rate_limited',
  INTERNAL_SERVER_ERROR: 'gateway_unavailable',
  SERVICE_UNAVAILABLE: 'gateway_unavailable',
  // OAuth
  invalid_client: 'authentication_failed',
  // card processor response codes (card-holder name triggers in the sandbox)
  'processor:0500': 'card_declined',
  'processor:9500': 'fraud_suspected',
  'processor:5400': 'expired_card',
  'processor:5180': 'invalid_card_number',
  'processor:5120': 'insufficient_funds',
  'processor:9520': 'fraud_suspected',
  'processor:1330': 'card_declined',
  'processor:5100': 'card_declined',
  'processor:00N7': 'incorrect_cvc',
  'processor:5110': 'incorrect_cvc',
} as const satisfies Record<string, GatewayErrorCode>;

export type PayPalErrorCode = keyof typeof PAYPAL_ERROR_TABLE;

export function isPayPalErrorCode(code: string): code is PayPalErrorCode {
  return Object.prototype.hasOwnProperty.call(PAYPAL_ERROR_TABLE, code);
}

/** What a status answers with when the body names no code we know. */
function statusFallback(status: number): GatewayErrorCode {
  if (status === 401) return 'authentication_failed';
  if (status === 403) return 'permission_denied';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'gateway_unavailable';
  return 'invalid_request';
}

interface PayPalErrorBody {
  name?: string;
  message?: string;
  debug_id?: string;
  details?: { issue?: string; field?: string; description?: string }[];
  error?: string;
  error_description?: string;
}

/** A declined card: the processor's response code onto the taxonomy. */
export function processorDecline(responseCode: string | undefined, reference?: string): GatewayError {
  const key = `processor:${responseCode ?? ''}`;
  const code = isPayPalErrorCode(key) ? PAYPAL_ERROR_TABLE[key] : 'card_declined';
  return new GatewayError(code, {
    gatewayCode: responseCode ? `processor_response ${responseCode}` : undefined,
    reference,
    detail: `PayPal declined the card (processor response ${responseCode ?? 'unknown'})`,
  });
}

/** Any failure of an SDK call, in the taxonomy. Timeouts and 5xx are indeterminate. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof paypalSdk().ApiError) {
    const body = ((error as ApiError<unknown>).result ?? parseBody(error.body)) as
      PayPalErrorBody | undefined;
    const status = error.statusCode;
    const issue = body?.details?.find((d) => d.issue)?.issue;
    const candidates = [issue, body?.name, body?.error].filter((c): c is string => !!c);
    const known = candidates.find(isPayPalErrorCode);
    const code = known ? PAYPAL_ERROR_TABLE[known] : statusFallback(status);
    const field = body?.details?.find((d) => d.field)?.field;
    const words = [body?.message ?? body?.error_description, issue, field ? `(${field})` : undefined].filter(
      Boolean,
    );
    return new GatewayError(code, {
      gatewayCode: issue ?? body?.name ?? body?.error,
      gatewayRequestId: body?.debug_id ?? error.headers?.['paypal-debug-id'],
      gatewayStatus: status,
      indeterminate: status >= 500,
      // PayPal refuses a second capture with the attempt's invoice id: the first one reached it.
      keyReused: candidates.includes('DUPLICATE_INVOICE_ID'),
      param: field,
      detail: redactText(`PayPal answered ${status}${words.length ? `: ${words.join(' ')}` : ''}`),
    });
  }
  const err = error as { code?: string; message?: string } | undefined;
  const transport = err?.code ?? '';
  const message = redactText(err?.message ?? String(error));
  if (
    transport === 'ECONNABORTED' ||
    transport === 'ETIMEDOUT' ||
    /timeout/i.test(message) ||
    /aborted/i.test(message)
  ) {
    return new GatewayError('gateway_timeout', {
      indeterminate: true,
      detail: `PayPal did not answer in time: ${message}`,
    });
  }
  if (transport === 'ECONNREFUSED' || transport === 'ENOTFOUND' || transport === 'EAI_AGAIN') {
    return new GatewayError('gateway_unavailable', {
      indeterminate: false,
      detail: `PayPal could not be reached: ${message}`,
    });
  }
  // A dropped connection or an unexpected response: PayPal may have acted.
  return new GatewayError('gateway_unavailable', {
    indeterminate: true,
    detail: `PayPal call failed: ${message}`,
  });
}

export function isOAuthRejection(error: unknown): boolean {
  return error instanceof paypalSdk().ApiError && (error.statusCode === 401 || error.statusCode === 400);
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export function toPayPalMoney(amount: number, currency: string): { currencyCode: string; value: string } {
  let value = toDecimalString(amount, currency);
  if (PAYPAL_WHOLE_UNIT_CURRENCIES.includes(currency)) value = value.replace(/\.0+$/, '');
  return { currencyCode: currency, value };
}

export function fromPayPalMoney(
  money: { currencyCode?: string; value?: string } | undefined,
  fallbackCurrency: string,
): number {
  if (!money?.value) return 0;
  return fromDecimalString(money.value, money.currencyCode ?? fallbackCurrency);
}

/** Refuses, before any call, what PayPal cannot take: its currency list and whole-unit currencies. */
export function checkAmount(amount: number, currency: string): GatewayError | undefined {
  if (!(PAYPAL_CURRENCIES as readonly string[]).includes(currency.toUpperCase())) {
    return new GatewayError('currency_not_supported', {
      param: 'currency',
      detail: `PayPal does not take ${currency}; it takes ${PAYPAL_CURRENCIES.join(', ')}`,
    });
  }
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    return new GatewayError('invalid_request', {
      param: 'amount',
      detail: 'amount must be a positive integer count of minor units',
    });
  }
  if (
    PAYPAL_WHOLE_UNIT_CURRENCIES.includes(currency.toUpperCase()) &&
    /\.\d*[1-9]/.test(toDecimalString(amount, currency))
  ) {
    return new GatewayError('invalid_request', {
      param: 'amount',
      detail: `PayPal takes ${currency} in whole units only`,
    });
  }
  return undefined;
}

export function authorizationStatus(status: AuthorizationStatus | undefined): GatewayPaymentStatus {
  switch (status) {
    case paypalSdk().AuthorizationStatus.Created:
      return 'authorized';
    case paypalSdk().AuthorizationStatus.Pending:
    case undefined:
      return 'pending';
    case paypalSdk().AuthorizationStatus.PartiallyCaptured:
      return 'partially_captured';
    case paypalSdk().AuthorizationStatus.Captured:
      return 'captured';
    case paypalSdk().AuthorizationStatus.Voided:
      return 'voided';
    case paypalSdk().AuthorizationStatus.Denied:
      return 'failed';
  }
}

/** Whether a capture moved money (and so counts as captured). */
export function captureMovedMoney(status: CaptureStatus | undefined): boolean {
  switch (status) {
    case paypalSdk().CaptureStatus.Completed:
    case paypalSdk().CaptureStatus.PartiallyRefunded:
    case paypalSdk().CaptureStatus.Refunded:
    case paypalSdk().CaptureStatus.Pending:
      return true;
    case paypalSdk().CaptureStatus.Declined:
    case paypalSdk().CaptureStatus.Failed:
    case undefined:
      return false;
  }
}

export function refundStatus(status: RefundStatus | undefined): GatewayRefundRecord['status'] {
  switch (status) {
    case paypalSdk().RefundStatus.Completed:
      return 'succeeded';
    case paypalSdk().RefundStatus.Pending:
    case undefined:
      return 'pending';
    case paypalSdk().RefundStatus.Failed:
    case paypalSdk().RefundStatus.Cancelled:
      return 'failed';
  }
}

/** The capture a refund belongs to, from its `up` link. */
export function refundCaptureId(refund: Refund): string | undefined {
  const up = refund.links?.find((l) => l.rel === 'up')?.href ?? '';
  return /\/captures\/([^/?]+)/.exec(up)?.[1];
}

/** The payment as Payrail sees it: one authorization of an order, with its captures and refunds. */
export function snapshotFromOrder(order: Order, authorizationId?: string): GatewayPaymentSnapshot {
  const payments = order.purchaseUnits?.[0]?.payments;
  const auth: AuthorizationWithAdditionalData | undefined = authorizationId
    ? payments?.authorizations?.find((a) => a.id === authorizationId)
    : payments?.authorizations?.[payments.authorizations.length - 1];
  const currency = auth?.amount?.currencyCode ?? order.purchaseUnits?.[0]?.amount?.currencyCode ?? 'USD';
  const authorized = fromPayPalMoney(auth?.amount ?? order.purchaseUnits?.[0]?.amount, currency);
  const ownCaptures = (payments?.captures ?? []).filter((c: OrdersCapture) => {
    const up = c.links?.find((l) => l.rel === 'up')?.href ?? '';
    return !auth?.id || up.includes(auth.id) || !up.includes('/authorizations/');
  });
  const moved = ownCaptures.filter((c) => captureMovedMoney(c.status));
  const captures: GatewayCaptureRecord[] = moved.map((c) => ({
    reference: c.id ?? '',
    amount: fromPayPalMoney(c.amount, currency),
    ...(c.invoiceId ? { attemptId: c.invoiceId } : {}),
  }));
  const captureIds = new Set(moved.map((c) => c.id));
  const refunds: GatewayRefundRecord[] = (payments?.refunds ?? [])
    .filter((r) => captureIds.has(refundCaptureId(r)))
    .map((r) => ({
      reference: r.id ?? '',
      amount: fromPayPalMoney(r.amount, currency),
      status: refundStatus(r.status),
      ...(r.customId ? { attemptId: r.customId } : {}),
      captureReference: refundCaptureId(r),
    }));
  const amountCaptured = captures.reduce((sum, c) => sum + c.amount, 0);
  const amountRefunded = refunds.filter((r) => r.status !== 'failed').reduce((sum, r) => sum + r.amount, 0);
  let status = auth
    ? authorizationStatus(auth.status)
    : order.status === 'PAYER_ACTION_REQUIRED' || order.status === 'CREATED'
      ? 'requires_action'
      : 'pending';
  const capturable =
    status === 'authorized' || status === 'partially_captured' ? Math.max(0, authorized - amountCaptured) : 0;
  if (amountRefunded > 0)
    status = amountRefunded >= amountCaptured && capturable === 0 ? 'refunded' : 'partially_refunded';
  const card = order.paymentSource?.card;
  const approve = order.links?.find((l) => l.rel === 'payer-action' || l.rel === 'approve');
  return {
    reference: auth?.id ?? order.id ?? '',
    status,
    currency,
    amountAuthorized: auth && status !== 'failed' ? authorized : 0,
    amountCapturable: capturable,
    amountCaptured,
    amountRefunded,
    captures,
    refunds,
    ...(status === 'requires_action' && approve
      ? { nextAction: { type: 'approve' as const, url: approve.href } }
      : {}),
    ...(card ? { card: { brand: card.brand?.toLowerCase(), last4: card.lastDigits } } : {}),
    ...(status === 'failed' ? { failure: failureOf(auth) } : {}),
  };
}

function failureOf(auth: AuthorizationWithAdditionalData | undefined): GatewayPaymentSnapshot['failure'] {
  const error = processorDecline(auth?.processorResponse?.responseCode);
  return { code: error.code, message: error.userMessage, gatewayCode: error.gatewayCode };
}
