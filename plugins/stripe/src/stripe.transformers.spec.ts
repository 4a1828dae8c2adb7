import type { GatewayErrorCode } from '@payrail/plugin-sdk';
import type Stripe from 'stripe';
import {
  paymentStatus,
  STRIPE_ERROR_TABLE,
  stripeErrorKey,
  toGatewayError,
  toSnapshot,
  type StripeErrorKey,
  type StripeErrorLike,
} from './stripe.transformers';

/** An error as the SDK raises it for each table entry, and the code Payrail must report. */
const ROWS: [StripeErrorKey, StripeErrorLike, GatewayErrorCode][] = [
  [
    'decline_code:generic_decline',
    {
      type: 'StripeCardError',
      rawType: 'card_error',
      statusCode: 402,
      code: 'card_declined',
      decline_code: 'generic_decline',
    },
    'card_declined',
  ],
  [
    'decline_code:insufficient_funds',
    {
      type: 'StripeCardError',
      rawType: 'card_error',
      statusCode: 402,
      code: 'card_declined',
      decline_code: 'insufficient_funds',
    },
    'insufficient_funds',
  ],
  [
    'decline_code:lost_card',
    {
      type: 'StripeCardError',
      rawType: 'card_error',
      statusCode: 402,
      code: 'card_declined',
      decline_code: 'lost_card',
    },
    'fraud_suspected',
  ],
  [
    'decline_code:stolen_card',
    {
      type: 'StripeCardError',
      rawType: 'card_error',
      statusCode: 402,
      code: 'card_declined',
      decline_code: 'stolen_card',
    },
    'fraud_suspected',
  ],
  [
    'decline_code:fraudulent',
    {
      type: 'StripeCardError',
      rawType: 'card_error',
      statusCode: 402,
      code: 'card_declined',
      decline_code: 'fraudulent',
    },
    'fraud_suspected',
  ],
  [
    'decline_code:card_velocity_exceeded',
    {
      type: 'StripeCardError',
      rawType: 'card_error',
      statusCode: 402,
      code: 'card_declined',
      decline_code: 'card_velocity_exceeded',
    },
    'card_declined',
  ],
  [
    'decline_code:authentication_required',
    {
      type: 'StripeCardError',
      rawType: 'card_error',
      statusCode: 402,
      code: 'authentication_required',
      decline_code: 'authentication_required',
    },
    'authentication_required',
  ],
  [
    'code:card_declined',
    {
      type: 'StripeCardError',
      rawType: 'card_error',
      statusCode: 402,
      code: 'card_declined',
      decline_code: 'do_not_honor',
    },
    'card_declined',
  ],
  [
    'code:expired_card',
    { type: 'StripeCardError', rawType: 'card_error', statusCode: 402, code: 'expired_card' },
    'expired_card',
  ],
  [
    'code:incorrect_cvc',
    { type: 'StripeCardError', rawType: 'card_error', statusCode: 402, code: 'incorrect_cvc' },
    'incorrect_cvc',
  ],
  [
    'code:invalid_cvc',
    { type: 'StripeCardError', rawType: 'card_error', statusCode: 402, code: 'invalid_cvc', param: 'cvc' },
    'incorrect_cvc',
  ],
  [
    'code:processing_error',
    { type: 'StripeCardError', rawType: 'card_error', statusCode: 402, code: 'processing_error' },
    'processing_error',
  ],
  [
    'code:incorrect_number',
    { type: 'StripeCardError', rawType: 'card_error', statusCode: 402, code: 'incorrect_number' },
    'invalid_card_number',
  ],
  [
    'code:invalid_number',
    { type: 'StripeCardError', rawType: 'card_error', statusCode: 402, code: 'invalid_number' },
    'invalid_card_number',
  ],
  [
    'code:invalid_expiry_month',
    { type: 'StripeCardError', rawType: 'card_error', statusCode: 402, code: 'invalid_expiry_month' },
    'invalid_request',
  ],
  [
    'code:invalid_expiry_year',
    { type: 'StripeCardError', rawType: 'card_error', statusCode: 402, code: 'invalid_expiry_year' },
    'expired_card',
  ],
  [
    'code:authentication_required',
    { type: 'StripeCardError', rawType: 'card_error', statusCode: 402, code: 'authentication_required' },
    'authentication_required',
  ],
  [
    'code:payment_intent_authentication_failure',
    {
      type: 'StripeInvalidRequestError',
      rawType: 'invalid_request_error',
      statusCode: 400,
      code: 'payment_intent_authentication_failure',
    },
    'authentication_required',
  ],
  [
    'code:payment_intent_unexpected_state',
    {
      type: 'StripeInvalidRequestError',
      rawType: 'invalid_request_error',
      statusCode: 400,
      code: 'payment_intent_unexpected_state',
      payment_intent: { id: 'pi_1', status: 'canceled' },
    },
    'invalid_request',
  ],
  [
    'code:charge_already_captured',
    {
      type: 'StripeInvalidRequestError',
      rawType: 'invalid_request_error',
      statusCode: 400,
      code: 'charge_already_captured',
    },
    'already_captured',
  ],
  [
    'code:charge_already_refunded',
    {
      type: 'StripeInvalidRequestError',
      rawType: 'invalid_request_error',
      statusCode: 400,
      code: 'charge_already_refunded',
    },
    'already_refunded',
  ],
  [
    'code:amount_too_small',
    {
      type: 'StripeInvalidRequestError',
      rawType: 'invalid_request_error',
      statusCode: 400,
      code: 'amount_too_small',
    },
    'invalid_request',
  ],
  [
    'code:amount_too_large',
    {
      type: 'StripeInvalidRequestError',
      rawType: 'invalid_request_error',
      statusCode: 400,
      code: 'amount_too_large',
    },
    'amount_too_large',
  ],
  [
    'code:invalid_currency',
    {
      type: 'StripeInvalidRequestError',
      rawType: 'invalid_request_error',
      statusCode: 400,
      code: 'invalid_currency',
    },
    'currency_not_supported',
  ],
  [
    'code:parameter_missing',
    {
      type: 'StripeInvalidRequestError',
      rawType: 'invalid_request_error',
      statusCode: 400,
      code: 'parameter_missing',
      param: 'amount',
    },
    'invalid_request',
  ],
  [
    'code:parameter_invalid_integer',
    {
      type: 'StripeInvalidRequestError',
      rawType: 'invalid_request_error',
      statusCode: 400,
      code: 'parameter_invalid_integer',
    },
    'invalid_request',
  ],
  [
    'code:parameter_unknown',
    {
      type: 'StripeInvalidRequestError',
      rawType: 'invalid_request_error',
      statusCode: 400,
      code: 'parameter_unknown',
    },
    'invalid_request',
  ],
  [
    'code:resource_missing',
    {
      type: 'StripeInvalidRequestError',
      rawType: 'invalid_request_error',
      statusCode: 404,
      code: 'resource_missing',
    },
    'invalid_request',
  ],
  [
    'code:token_already_used',
    {
      type: 'StripeInvalidRequestError',
      rawType: 'invalid_request_error',
      statusCode: 400,
      code: 'token_already_used',
    },
    'invalid_request',
  ],
  [
    'code:idempotency_key_in_use',
    {
      type: 'StripeInvalidRequestError',
      rawType: 'invalid_request_error',
      statusCode: 409,
      code: 'idempotency_key_in_use',
    },
    'rate_limited',
  ],
  [
    'code:rate_limit',
    { type: 'StripeRateLimitError', rawType: 'invalid_request_error', statusCode: 400, code: 'rate_limit' },
    'rate_limited',
  ],
  [
    'code:lock_timeout',
    {
      type: 'StripeInvalidRequestError',
      rawType: 'invalid_request_error',
      statusCode: 400,
      code: 'lock_timeout',
    },
    'rate_limited',
  ],
  [
    'status:401',
    { type: 'StripeAuthenticationError', rawType: 'invalid_request_error', statusCode: 401 },
    'authentication_failed',
  ],
  [
    'status:403',
    { type: 'StripePermissionError', rawType: 'invalid_request_error', statusCode: 403 },
    'permission_denied',
  ],
  [
    'status:429',
    { type: 'StripeRateLimitError', rawType: 'invalid_request_error', statusCode: 429 },
    'rate_limited',
  ],
  [
    'type:card_error',
    { type: 'StripeCardError', rawType: 'card_error', statusCode: 402, code: 'some_new_card_code' },
    'card_declined',
  ],
  [
    'type:invalid_request_error',
    { type: 'StripeInvalidRequestError', rawType: 'invalid_request_error', statusCode: 400 },
    'invalid_request',
  ],
  [
    'type:idempotency_error',
    { type: 'StripeIdempotencyError', rawType: 'idempotency_error', statusCode: 400 },
    'invalid_request',
  ],
  [
    'type:api_error',
    { type: 'StripeAPIError', rawType: 'api_error', statusCode: 500 },
    'gateway_unavailable',
  ],
  [
    'network:timeout',
    {
      type: 'StripeConnectionError',
      message: 'Request aborted due to timeout being reached (300ms)',
      detail: { code: 'ETIMEDOUT' },
    },
    'gateway_timeout',
  ],
  [
    'network:connection',
    {
      type: 'StripeConnectionError',
      message: 'An error occurred with our connection to Stripe.',
      detail: { code: 'ECONNREFUSED' },
    },
    'gateway_unavailable',
  ],
];

describe('STRIPE_ERROR_TABLE', () => {
  it('has exactly one spec row per entry', () => {
    expect(ROWS.map(([key]) => key).sort()).toEqual(Object.keys(STRIPE_ERROR_TABLE).sort());
  });

  it.each(ROWS)('%s maps to the taxonomy', (key, error, expected) => {
    expect(stripeErrorKey(error)).toBe(key);
    expect(STRIPE_ERROR_TABLE[key]).toBe(expected);
    expect(toGatewayError(error).code).toBe(expected);
  });
});

describe('toGatewayError', () => {
  it('marks timeouts, dropped connections, 5xx and a key in use as indeterminate, declines not', () => {
    const indeterminate = (error: StripeErrorLike) => toGatewayError(error).indeterminate;
    expect(indeterminate({ type: 'StripeConnectionError', detail: { code: 'ETIMEDOUT' } })).toBe(true);
    expect(indeterminate({ type: 'StripeConnectionError', detail: { code: 'ECONNRESET' } })).toBe(true);
    // Refused before any byte was sent: Stripe cannot have acted, so the call may go elsewhere.
    expect(indeterminate({ type: 'StripeConnectionError', detail: { code: 'ECONNREFUSED' } })).toBe(false);
    expect(toGatewayError({ type: 'StripeConnectionError', detail: { code: 'ECONNREFUSED' } }).code).toBe(
      'gateway_unavailable',
    );
    expect(indeterminate({ type: 'StripeAPIError', rawType: 'api_error', statusCode: 503 })).toBe(true);
    expect(
      indeterminate({ type: 'StripeInvalidRequestError', statusCode: 409, code: 'idempotency_key_in_use' }),
    ).toBe(true);
    expect(
      indeterminate({
        type: 'StripeCardError',
        rawType: 'card_error',
        statusCode: 402,
        code: 'card_declined',
      }),
    ).toBe(false);
  });

  it('never takes "keys can only be used with the same parameters" for a verdict on the first call', () => {
    const error = toGatewayError({
      type: 'StripeIdempotencyError',
      rawType: 'idempotency_error',
      statusCode: 400,
      message:
        'Keys for idempotent requests can only be used with the same parameters they were first used with.',
    });
    expect(error).toMatchObject({ keyReused: true, indeterminate: true });
  });

  it('says already_captured when capture or void meets a succeeded intent', () => {
    const error = {
      type: 'StripeInvalidRequestError',
      rawType: 'invalid_request_error',
      statusCode: 400,
      code: 'payment_intent_unexpected_state',
      payment_intent: { id: 'pi_1', status: 'succeeded' },
    };
    expect(toGatewayError(error, 'capture').code).toBe('already_captured');
    expect(toGatewayError(error, 'void').code).toBe('already_captured');
    expect(toGatewayError(error).code).toBe('invalid_request');
  });

  it('names the missing permission of a restricted key, and keeps secrets out of the detail', () => {
    const error = toGatewayError({
      type: 'StripePermissionError',
      rawType: 'invalid_request_error',
      statusCode: 403,
      message:
        "The provided key 'rk_test_abcdefghijkl1234' does not have the required permissions. Having the 'rak_refund_write' permission would allow this request to continue.",
    });
    expect(error.code).toBe('permission_denied');
    expect(error.message).toContain('refunds:write');
    expect(error.message).not.toContain('rk_test_abcdefghijkl1234');
  });

  it('turns anything else thrown into an indeterminate processing_error', () => {
    expect(toGatewayError(new TypeError('boom'))).toMatchObject({
      code: 'processing_error',
      indeterminate: true,
    });
  });
});

describe('paymentStatus', () => {
  const pi = (status: string, extra: Partial<Stripe.PaymentIntent> = {}) =>
    ({
      id: 'pi_1',
      status,
      amount: 1000,
      amount_received: 1000,
      amount_capturable: 0,
      currency: 'usd',
      last_payment_error: null,
      latest_charge: 'ch_1',
      metadata: {},
      next_action: null,
      ...extra,
    }) as unknown as Stripe.PaymentIntent;

  it.each([
    ['requires_payment_method', 0, 'pending'],
    ['requires_confirmation', 0, 'pending'],
    ['processing', 0, 'pending'],
    ['requires_action', 0, 'requires_action'],
    ['requires_capture', 0, 'authorized'],
    ['canceled', 0, 'voided'],
    ['succeeded', 0, 'captured'],
    ['succeeded', 400, 'partially_refunded'],
    ['succeeded', 1000, 'refunded'],
    ['some_future_status', 0, 'pending'],
  ])('%s with %i refunded is %s', (status, refunded, expected) => {
    expect(paymentStatus(pi(status), refunded)).toBe(expected);
  });

  it('is failed after a decline, with the reason in the taxonomy', () => {
    const declined = pi('requires_payment_method', {
      amount_received: 0,
      last_payment_error: {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'insufficient_funds',
        message: 'Your card has insufficient funds.',
      } as Stripe.PaymentIntent.LastPaymentError,
    });
    expect(toSnapshot(declined)).toMatchObject({
      status: 'failed',
      amountAuthorized: 0,
      failure: { code: 'insufficient_funds', gatewayCode: 'insufficient_funds' },
    });
  });
});
