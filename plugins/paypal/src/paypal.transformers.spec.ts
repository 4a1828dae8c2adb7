import { ApiError } from '@paypal/paypal-server-sdk';
import { GATEWAY_ERROR_CODES } from '@payrail/plugin-sdk';
import {
  PAYPAL_ERROR_TABLE,
  processorDecline,
  toGatewayError,
  type PayPalErrorCode,
} from './paypal.transformers';

/** An SDK error as a PayPal answer would produce it. */
function paypalError(status: number, body: Record<string, unknown>): ApiError {
  const error = new ApiError(
    {
      request: { method: 'POST', url: 'https://api-m.sandbox.paypal.com/x' },
      response: { statusCode: status, headers: {}, body: JSON.stringify(body) },
    } as never,
    'PayPal error',
  );
  (error as ApiError<unknown>).result = body;
  return error;
}

const rows = Object.entries(PAYPAL_ERROR_TABLE) as [
  PayPalErrorCode,
  (typeof PAYPAL_ERROR_TABLE)[PayPalErrorCode],
][];

describe('PayPal error table', () => {
  it.each(rows)('maps %s to %s', (paypalCode, expected) => {
    expect(GATEWAY_ERROR_CODES).toContain(expected);
    let error;
    if (paypalCode.startsWith('processor:'))
      error = processorDecline(paypalCode.slice('processor:'.length), 'AUTH1');
    else if (paypalCode === 'invalid_client')
      error = toGatewayError(
        paypalError(401, { error: paypalCode, error_description: 'Client Authentication failed' }),
      );
    else if (
      /^[A-Z_]+$/.test(paypalCode) &&
      [
        'INVALID_REQUEST',
        'AUTHENTICATION_FAILURE',
        'NOT_AUTHORIZED',
        'RESOURCE_NOT_FOUND',
        'RESOURCE_CONFLICT',
        'UNSUPPORTED_MEDIA_TYPE',
        'UNPROCESSABLE_ENTITY',
        'RATE_LIMIT_REACHED',
        'INTERNAL_SERVER_ERROR',
        'SERVICE_UNAVAILABLE',
      ].includes(paypalCode)
    )
      error = toGatewayError(paypalError(418, { name: paypalCode, message: 'm', debug_id: 'dbg1' }));
    else
      error = toGatewayError(
        paypalError(422, {
          name: 'UNPROCESSABLE_ENTITY',
          message: 'm',
          debug_id: 'dbg1',
          details: [{ issue: paypalCode, description: 'd' }],
        }),
      );
    expect(error.code).toBe(expected);
  });
});

describe('toGatewayError', () => {
  it('keeps the issue, debug id and status, and marks 5xx indeterminate', () => {
    const error = toGatewayError(
      paypalError(500, { name: 'INTERNAL_SERVER_ERROR', message: 'boom', debug_id: 'dbg9' }),
    );
    expect(error).toMatchObject({
      code: 'gateway_unavailable',
      gatewayRequestId: 'dbg9',
      gatewayStatus: 500,
      indeterminate: true,
    });
    const declined = toGatewayError(
      paypalError(422, {
        name: 'UNPROCESSABLE_ENTITY',
        message: 'm',
        debug_id: 'd',
        details: [{ issue: 'INSTRUMENT_DECLINED' }],
      }),
    );
    expect(declined).toMatchObject({
      code: 'card_declined',
      gatewayCode: 'INSTRUMENT_DECLINED',
      indeterminate: false,
    });
  });

  it('takes a capture refused for its reused invoice id as no verdict: the first capture reached PayPal', () => {
    const error = toGatewayError(
      paypalError(422, {
        name: 'UNPROCESSABLE_ENTITY',
        message: 'm',
        details: [{ issue: 'DUPLICATE_INVOICE_ID' }],
      }),
    );
    expect(error).toMatchObject({ keyReused: true, indeterminate: true });
  });

  it('turns a timeout into gateway_timeout, indeterminate', () => {
    const error = toGatewayError(
      Object.assign(new Error('timeout of 300ms exceeded'), { code: 'ECONNABORTED' }),
    );
    expect(error).toMatchObject({ code: 'gateway_timeout', indeterminate: true, retryable: true });
  });

  it('never repeats a card number it is shown', () => {
    const error = toGatewayError(new Error('failed for 4111111111111111'));
    expect(error.message).not.toContain('4111111111111111');
  });
});
