import { GatewayError, type GatewayErrorCode } from '@payrail/plugin-sdk';
import { SquareError, type Square } from 'square';
import {
  attemptFrom,
  mapSquareError,
  minorUnits,
  SQUARE_ERROR_CODES,
  squareIdempotencyKey,
  tagWithAttempt,
  toGatewayError,
  toSnapshot,
} from './square.transformers';

/** What each Square error code must become: one row per entry of SQUARE_ERROR_CODES. */
const EXPECTED: Array<[string, GatewayErrorCode]> = [
  ['INTERNAL_SERVER_ERROR', 'gateway_unavailable'],
  ['UNAUTHORIZED', 'authentication_failed'],
  ['ACCESS_TOKEN_EXPIRED', 'authentication_failed'],
  ['ACCESS_TOKEN_REVOKED', 'authentication_failed'],
  ['CLIENT_DISABLED', 'authentication_failed'],
  ['FORBIDDEN', 'permission_denied'],
  ['INSUFFICIENT_SCOPES', 'permission_denied'],
  ['APPLICATION_DISABLED', 'authentication_failed'],
  ['V1_APPLICATION', 'authentication_failed'],
  ['V1_ACCESS_TOKEN', 'authentication_failed'],
  ['CARD_PROCESSING_NOT_ENABLED', 'permission_denied'],
  ['MERCHANT_SUBSCRIPTION_NOT_FOUND', 'permission_denied'],
  ['BAD_REQUEST', 'invalid_request'],
  ['MISSING_REQUIRED_PARAMETER', 'invalid_request'],
  ['INCORRECT_TYPE', 'invalid_request'],
  ['INVALID_TIME', 'invalid_request'],
  ['INVALID_TIME_RANGE', 'invalid_request'],
  ['INVALID_VALUE', 'invalid_request'],
  ['INVALID_CURSOR', 'invalid_request'],
  ['UNKNOWN_QUERY_PARAMETER', 'invalid_request'],
  ['CONFLICTING_PARAMETERS', 'invalid_request'],
  ['EXPECTED_JSON_BODY', 'invalid_request'],
  ['INVALID_SORT_ORDER', 'invalid_request'],
  ['VALUE_REGEX_MISMATCH', 'invalid_request'],
  ['VALUE_TOO_SHORT', 'invalid_request'],
  ['VALUE_TOO_LONG', 'invalid_request'],
  ['VALUE_TOO_LOW', 'invalid_request'],
  ['VALUE_TOO_HIGH', 'invalid_request'],
  ['VALUE_EMPTY', 'invalid_request'],
  ['ARRAY_LENGTH_TOO_LONG', 'invalid_request'],
  ['ARRAY_LENGTH_TOO_SHORT', 'invalid_request'],
  ['ARRAY_EMPTY', 'invalid_request'],
  ['EXPECTED_BOOLEAN', 'invalid_request'],
  ['EXPECTED_INTEGER', 'invalid_request'],
  ['EXPECTED_FLOAT', 'invalid_request'],
  ['EXPECTED_STRING', 'invalid_request'],
  ['EXPECTED_OBJECT', 'invalid_request'],
  ['EXPECTED_ARRAY', 'invalid_request'],
  ['EXPECTED_MAP', 'invalid_request'],
  ['EXPECTED_BASE64_ENCODED_BYTE_ARRAY', 'invalid_request'],
  ['INVALID_ARRAY_VALUE', 'invalid_request'],
  ['INVALID_ENUM_VALUE', 'invalid_request'],
  ['INVALID_CONTENT_TYPE', 'invalid_request'],
  ['INVALID_FORM_VALUE', 'invalid_request'],
  ['CUSTOMER_NOT_FOUND', 'invalid_request'],
  ['ONE_INSTRUMENT_EXPECTED', 'invalid_request'],
  ['NO_FIELDS_SET', 'invalid_request'],
  ['TOO_MANY_MAP_ENTRIES', 'invalid_request'],
  ['MAP_KEY_LENGTH_TOO_SHORT', 'invalid_request'],
  ['MAP_KEY_LENGTH_TOO_LONG', 'invalid_request'],
  ['CUSTOMER_MISSING_NAME', 'invalid_request'],
  ['CUSTOMER_MISSING_EMAIL', 'invalid_request'],
  ['INVALID_PAUSE_LENGTH', 'invalid_request'],
  ['INVALID_DATE', 'invalid_request'],
  ['UNSUPPORTED_COUNTRY', 'invalid_request'],
  ['UNSUPPORTED_CURRENCY', 'currency_not_supported'],
  ['APPLE_TTP_PIN_TOKEN', 'card_declined'],
  ['CARD_EXPIRED', 'expired_card'],
  ['INVALID_EXPIRATION', 'expired_card'],
  ['INVALID_EXPIRATION_YEAR', 'expired_card'],
  ['INVALID_EXPIRATION_DATE', 'expired_card'],
  ['UNSUPPORTED_CARD_BRAND', 'card_declined'],
  ['UNSUPPORTED_ENTRY_METHOD', 'card_declined'],
  ['INVALID_ENCRYPTED_CARD', 'invalid_card_number'],
  ['INVALID_CARD', 'invalid_card_number'],
  ['PAYMENT_AMOUNT_MISMATCH', 'invalid_request'],
  ['GENERIC_DECLINE', 'card_declined'],
  ['CVV_FAILURE', 'incorrect_cvc'],
  ['ADDRESS_VERIFICATION_FAILURE', 'card_declined'],
  ['INVALID_ACCOUNT', 'invalid_card_number'],
  ['CURRENCY_MISMATCH', 'currency_not_supported'],
  ['INSUFFICIENT_FUNDS', 'insufficient_funds'],
  ['INSUFFICIENT_PERMISSIONS', 'invalid_request'],
  ['CARDHOLDER_INSUFFICIENT_PERMISSIONS', 'card_declined'],
  ['INVALID_LOCATION', 'invalid_request'],
  ['TRANSACTION_LIMIT', 'card_declined'],
  ['VOICE_FAILURE', 'card_declined'],
  ['PAN_FAILURE', 'invalid_card_number'],
  ['EXPIRATION_FAILURE', 'expired_card'],
  ['CARD_NOT_SUPPORTED', 'card_declined'],
  ['READER_DECLINED', 'card_declined'],
  ['INVALID_PIN', 'card_declined'],
  ['MISSING_PIN', 'card_declined'],
  ['MISSING_ACCOUNT_TYPE', 'card_declined'],
  ['INVALID_POSTAL_CODE', 'card_declined'],
  ['INVALID_FEES', 'invalid_request'],
  ['MANUALLY_ENTERED_PAYMENT_NOT_SUPPORTED', 'card_declined'],
  ['PAYMENT_LIMIT_EXCEEDED', 'card_declined'],
  ['GIFT_CARD_AVAILABLE_AMOUNT', 'insufficient_funds'],
  ['ACCOUNT_UNUSABLE', 'card_declined'],
  ['BUYER_REFUSED_PAYMENT', 'card_declined'],
  ['DELAYED_TRANSACTION_EXPIRED', 'invalid_request'],
  ['DELAYED_TRANSACTION_CANCELED', 'invalid_request'],
  ['DELAYED_TRANSACTION_CAPTURED', 'already_captured'],
  ['DELAYED_TRANSACTION_FAILED', 'invalid_request'],
  ['CARD_TOKEN_EXPIRED', 'invalid_request'],
  ['CARD_TOKEN_USED', 'invalid_request'],
  ['AMOUNT_TOO_HIGH', 'amount_too_large'],
  ['AMOUNT_TOO_LOW', 'invalid_request'],
  ['UNSUPPORTED_INSTRUMENT_TYPE', 'invalid_request'],
  ['REFUND_AMOUNT_INVALID', 'amount_too_large'],
  ['REFUND_ALREADY_PENDING', 'invalid_request'],
  ['PAYMENT_NOT_REFUNDABLE', 'invalid_request'],
  ['PAYMENT_NOT_REFUNDABLE_DUE_TO_DISPUTE', 'invalid_request'],
  ['REFUND_ERROR_PAYMENT_NEEDS_COMPLETION', 'invalid_request'],
  ['REFUND_DECLINED', 'card_declined'],
  ['INSUFFICIENT_PERMISSIONS_FOR_REFUND', 'permission_denied'],
  ['INVALID_CARD_DATA', 'invalid_card_number'],
  ['SOURCE_USED', 'invalid_request'],
  ['SOURCE_EXPIRED', 'invalid_request'],
  ['UNSUPPORTED_LOYALTY_REWARD_TIER', 'invalid_request'],
  ['LOCATION_MISMATCH', 'invalid_request'],
  ['ORDER_UNPAID_NOT_RETURNABLE', 'invalid_request'],
  ['PARTIAL_PAYMENT_DELAY_CAPTURE_NOT_SUPPORTED', 'invalid_request'],
  ['IDEMPOTENCY_KEY_REUSED', 'invalid_request'],
  ['UNEXPECTED_VALUE', 'invalid_request'],
  ['SANDBOX_NOT_SUPPORTED', 'invalid_request'],
  ['INVALID_EMAIL_ADDRESS', 'invalid_request'],
  ['INVALID_PHONE_NUMBER', 'invalid_request'],
  ['CHECKOUT_EXPIRED', 'invalid_request'],
  ['BAD_CERTIFICATE', 'authentication_failed'],
  ['INVALID_SQUARE_VERSION_FORMAT', 'invalid_request'],
  ['API_VERSION_INCOMPATIBLE', 'invalid_request'],
  ['CARD_PRESENCE_REQUIRED', 'card_declined'],
  ['UNSUPPORTED_SOURCE_TYPE', 'invalid_request'],
  ['CARD_MISMATCH', 'card_declined'],
  ['PLAID_ERROR', 'processing_error'],
  ['PLAID_ERROR_ITEM_LOGIN_REQUIRED', 'processing_error'],
  ['PLAID_ERROR_RATE_LIMIT', 'rate_limited'],
  ['PLAID_ERROR_INVALID_ACCESS_TOKEN', 'processing_error'],
  ['PLAID_ERROR_INVALID_ACCOUNT_ID', 'processing_error'],
  ['PLAID_ERROR_NO_ACCOUNTS', 'processing_error'],
  ['PLAID_ERROR_ITEM_NOT_FOUND', 'processing_error'],
  ['PLAID_ERROR_INSUFFICIENT_CREDENTIALS', 'processing_error'],
  ['PLAID_ERROR_ITEM_NOT_SUPPORTED', 'processing_error'],
  ['PLAID_ERROR_PRODUCT_NOT_READY', 'processing_error'],
  ['PAYMENT_SOURCE_NOT_ENABLED_FOR_TARGET', 'invalid_request'],
  ['CARD_DECLINED', 'card_declined'],
  ['VERIFY_CVV_FAILURE', 'incorrect_cvc'],
  ['VERIFY_AVS_FAILURE', 'card_declined'],
  ['CARD_DECLINED_CALL_ISSUER', 'card_declined'],
  ['CARD_DECLINED_VERIFICATION_REQUIRED', 'authentication_required'],
  ['BAD_EXPIRATION', 'expired_card'],
  ['CHIP_INSERTION_REQUIRED', 'card_declined'],
  ['ALLOWABLE_PIN_TRIES_EXCEEDED', 'card_declined'],
  ['RESERVATION_DECLINED', 'card_declined'],
  ['UNKNOWN_BODY_PARAMETER', 'invalid_request'],
  ['CART_INELIGIBLE_FOR_EBT', 'card_declined'],
  ['NOT_FOUND', 'invalid_request'],
  ['APPLE_PAYMENT_PROCESSING_CERTIFICATE_HASH_NOT_FOUND', 'invalid_request'],
  ['METHOD_NOT_ALLOWED', 'invalid_request'],
  ['NOT_ACCEPTABLE', 'invalid_request'],
  ['REQUEST_TIMEOUT', 'gateway_timeout'],
  ['CONFLICT', 'invalid_request'],
  ['GONE', 'invalid_request'],
  ['REQUEST_ENTITY_TOO_LARGE', 'invalid_request'],
  ['UNSUPPORTED_MEDIA_TYPE', 'invalid_request'],
  ['UNPROCESSABLE_ENTITY', 'invalid_request'],
  ['RATE_LIMITED', 'rate_limited'],
  ['NOT_IMPLEMENTED', 'invalid_request'],
  ['BAD_GATEWAY', 'gateway_unavailable'],
  ['SERVICE_UNAVAILABLE', 'gateway_unavailable'],
  ['TEMPORARY_ERROR', 'gateway_unavailable'],
  ['GATEWAY_TIMEOUT', 'gateway_timeout'],
];

const squareError = (
  code: string,
  status = 400,
  category = 'INVALID_REQUEST_ERROR',
  body: Record<string, unknown> = {},
) =>
  new SquareError({
    statusCode: status,
    body: { errors: [{ category, code, detail: `detail of ${code}` }], ...body },
  });

describe('Square error table', () => {
  it('has one expected row per table entry, and no more', () => {
    expect(EXPECTED.map(([code]) => code).sort()).toEqual(Object.keys(SQUARE_ERROR_CODES).sort());
  });

  it.each(EXPECTED)('maps %s to %s', (code, expected) => {
    const status = expected === 'gateway_unavailable' ? 503 : expected === 'gateway_timeout' ? 504 : 400;
    const error = toGatewayError(squareError(code, status));
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.code).toBe(expected);
    expect(error.gatewayCode).toBe(code);
    expect(error.gatewayStatus).toBe(status);
    // A reused key means the first call reached Square: never a definite answer.
    expect(error.indeterminate).toBe(status >= 500 || code === 'IDEMPOTENCY_KEY_REUSED');
    expect(error.message).toContain(code);
  });

  it('says a key reused with other data is no verdict on the first call', () => {
    const error = toGatewayError(squareError('IDEMPOTENCY_KEY_REUSED', 400));
    expect(error).toMatchObject({ keyReused: true, indeterminate: true });
    expect(toGatewayError(squareError('CARD_DECLINED', 402))).toMatchObject({ keyReused: false });
  });
});

describe('Square error mapping', () => {
  it.each([
    ['PAYMENT_METHOD_ERROR', 400, 'card_declined'],
    ['AUTHENTICATION_ERROR', 401, 'authentication_failed'],
    ['AUTHENTICATION_ERROR', 403, 'permission_denied'],
    ['RATE_LIMIT_ERROR', 429, 'rate_limited'],
    ['API_ERROR', 500, 'gateway_unavailable'],
    ['REFUND_ERROR', 400, 'invalid_request'],
    ['SOMETHING_NEW', 502, 'gateway_unavailable'],
  ] as const)(
    'falls back on category %s (HTTP %d) for a code it does not know',
    (category, status, expected) => {
      expect(mapSquareError('A_CODE_FROM_THE_FUTURE', category, status)).toBe(expected);
    },
  );

  it('keeps the failed payment as the reference of a decline', () => {
    const error = toGatewayError(
      squareError('GENERIC_DECLINE', 400, 'PAYMENT_METHOD_ERROR', {
        payment: { id: 'pay123', status: 'FAILED' },
      }),
    );
    expect(error).toMatchObject({
      code: 'card_declined',
      reference: 'pay123',
      indeterminate: false,
      retryable: false,
    });
  });

  it('reads the SDK timeout and an aborted call as gateway_timeout, indeterminate', () => {
    const sdkTimeout = new SquareError({ message: '"timeout"', cause: 'timeout' });
    expect(toGatewayError(sdkTimeout)).toMatchObject({
      code: 'gateway_timeout',
      indeterminate: true,
      retryable: true,
    });
    expect(toGatewayError(new SquareError({ message: 'The user aborted a request' }), true).code).toBe(
      'gateway_timeout',
    );
  });

  it('treats a refused connection as unavailable but determinate, a dropped one as indeterminate', () => {
    const refused = new SquareError({ message: 'fetch failed', cause: { cause: { code: 'ECONNREFUSED' } } });
    expect(toGatewayError(refused)).toMatchObject({ code: 'gateway_unavailable', indeterminate: false });
    const dropped = new SquareError({ message: 'fetch failed', cause: { cause: { code: 'ECONNRESET' } } });
    expect(toGatewayError(dropped)).toMatchObject({ code: 'gateway_unavailable', indeterminate: true });
  });

  it('never lets a token or card number into the message', () => {
    const error = toGatewayError(new Error('failed with Bearer EAAAsecret-token-value and 4111111111111111'));
    expect(error.message).not.toContain('EAAAsecret-token-value');
    expect(error.message).not.toContain('4111111111111111');
  });
});

describe('Square request and response mapping', () => {
  it('keeps short idempotency keys and hashes long ones to a stable 43-character key', () => {
    expect(squareIdempotencyKey('short-key')).toBe('short-key');
    const long = `conf-replay-${'x'.repeat(40)}`;
    expect(squareIdempotencyKey(long)).toHaveLength(43);
    expect(squareIdempotencyKey(long)).toBe(squareIdempotencyKey(long));
    expect(squareIdempotencyKey(long)).not.toBe(squareIdempotencyKey(`${long}y`));
  });

  it('tags text with the attempt id within the field limit and reads it back', () => {
    const tagged = tagWithAttempt('r'.repeat(300), 'att_123', 192);
    expect(tagged).toHaveLength(192);
    expect(attemptFrom(tagged)).toBe('att_123');
    expect(attemptFrom('no tag here')).toBeUndefined();
  });

  it('converts BigInt amounts exactly and refuses ones beyond the safe integer range', () => {
    expect(minorUnits(BigInt(1234))).toBe(1234);
    expect(minorUnits(undefined)).toBe(0);
    expect(() => minorUnits(BigInt('90071992547409930'))).toThrow(GatewayError);
  });

  const payment = (fields: Partial<Square.Payment>): Square.Payment => ({
    id: 'p1',
    amountMoney: { amount: BigInt(600), currency: 'USD' },
    totalMoney: { amount: BigInt(600), currency: 'USD' },
    approvedMoney: { amount: BigInt(1000), currency: 'USD' },
    ...fields,
  });

  it.each([
    ['APPROVED', 'authorized', 600, 0],
    ['PENDING', 'pending', 0, 0],
    ['COMPLETED', 'captured', 0, 600],
    ['CANCELED', 'voided', 0, 0],
    ['FAILED', 'failed', 0, 0],
  ])('maps payment status %s to %s', (status, expected, capturable, captured) => {
    const snapshot = toSnapshot(payment({ status }));
    expect(snapshot).toMatchObject({
      status: expected,
      amountCapturable: capturable,
      amountCaptured: captured,
    });
  });

  it('reports partial and full refunds of a completed payment, pending refunds included', () => {
    const refund = (id: string, amount: number, status: string): Square.PaymentRefund => ({
      id,
      amountMoney: { amount: BigInt(amount), currency: 'USD' },
      status,
      paymentId: 'p1',
      reason: tagWithAttempt('Refund', `att_${id}`, 192),
    });
    const partial = toSnapshot(payment({ status: 'COMPLETED' }), [
      refund('r1', 200, 'COMPLETED'),
      refund('r0', 400, 'FAILED'),
    ]);
    expect(partial).toMatchObject({ status: 'partially_refunded', amountRefunded: 200 });
    expect(partial.refunds).toEqual([
      { reference: 'r1', amount: 200, status: 'succeeded', attemptId: 'att_r1', captureReference: 'p1' },
      { reference: 'r0', amount: 400, status: 'failed', attemptId: 'att_r0', captureReference: 'p1' },
    ]);
    const full = toSnapshot(payment({ status: 'COMPLETED' }), [
      refund('r1', 200, 'COMPLETED'),
      refund('r2', 400, 'PENDING'),
    ]);
    expect(full).toMatchObject({ status: 'refunded', amountRefunded: 600 });
  });

  it('refuses a payment status it does not know instead of guessing', () => {
    expect(() => toSnapshot(payment({ status: 'SOMETHING' }))).toThrow(/unknown payment status/);
  });
});
