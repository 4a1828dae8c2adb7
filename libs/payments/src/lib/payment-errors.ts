import { ApiError } from '@payrail/api-contract';
import { ERROR_TAXONOMY, type GatewayError } from '@payrail/plugin-sdk';
import type { Payment } from './entities/payment.entity';
import { gatewayErrorBody } from './error-response';

/** Raised with the payment, so the API's error names the payment that keeps the timeline. */
export class PaymentFailedError extends ApiError {
  constructor(
    readonly payment: Payment,
    error: GatewayError,
  ) {
    super(error.httpStatus, gatewayErrorBody(error, { paymentId: payment.id }));
  }
}

export type ClaimedOperation = 'capture' | 'void' | 'refund';

/** Why a step was refused, in the taxonomy, after its conditional update matched nothing. */
export function refusalOf(p: Payment, operation: ClaimedOperation, amount: number): ApiError {
  const conflict = (code: string, message: string) =>
    new ApiError(409, { type: 'invalid_request_error', code, message, payment_id: p.id });
  if (p.inFlight || p.status === 'capturing' || p.status === 'authorizing' || p.status === 'unknown') {
    return conflict(
      'payment_in_flight',
      `another operation on payment ${p.id} is under way or in doubt (status ${p.status}); retry shortly`,
    );
  }
  if (operation === 'capture') {
    if (['captured', 'partially_refunded', 'refunded'].includes(p.status) && p.amountCapturable === 0)
      return conflict('already_captured', ERROR_TAXONOMY.already_captured.message);
    if (p.amountCapturable > 0 && amount > p.amountCapturable)
      return ApiError.invalid(
        'amount',
        `amount ${amount} exceeds the capturable amount ${p.amountCapturable}`,
      );
    return conflict('invalid_request', `payment ${p.id} is ${p.status} and cannot be captured`);
  }
  if (operation === 'void') {
    if (['captured', 'partially_captured', 'partially_refunded', 'refunded'].includes(p.status))
      return conflict('already_captured', `payment ${p.id} is ${p.status}: refund it instead of voiding`);
    return conflict('invalid_request', `payment ${p.id} is ${p.status} and cannot be voided`);
  }
  const left = p.amountCaptured - p.amountRefunded - p.amountRefundPending;
  if (p.status === 'refunded' || (p.amountCaptured > 0 && p.amountCaptured === p.amountRefunded))
    return conflict('already_refunded', ERROR_TAXONOMY.already_refunded.message);
  if (p.amountCaptured === 0)
    return conflict('invalid_request', `payment ${p.id} is ${p.status}: nothing has been captured to refund`);
  if (amount <= 0) return ApiError.invalid('amount', 'nothing is left to refund');
  return ApiError.invalid('amount', `amount ${amount} exceeds what is left to refund (${left})`);
}
