import { ApiError } from '@payrail/api-contract';
import type { ConnectionService, GatewayConnectionRecord } from '@payrail/gateways';
import { assertAmount, MoneyError, normalizeCurrency, type PaymentGateway } from '@payrail/plugin-sdk';
import type { Payment } from './entities/payment.entity';
import type { IdempotencyService, RequestKey } from './idempotency.service';
import type { PaymentOwner } from './payment-owner';
import type { PaymentReads } from './payment-reads';

/** The currency's code once amount and currency are valid money; a 400 naming the parameter otherwise. */
export function validMoney(amount: number, currency: string, param = 'amount'): string {
  let code: string;
  try {
    code = normalizeCurrency(currency);
  } catch (error) {
    throw ApiError.invalid('currency', (error as Error).message);
  }
  try {
    assertAmount(amount, code);
  } catch (error) {
    if (error instanceof MoneyError) throw ApiError.invalid(param, error.message);
    throw error;
  }
  return code;
}

/** The connection a payment was made on; it may have been deleted since. */
export async function connectionOf(
  connections: ConnectionService,
  payment: Payment,
): Promise<GatewayConnectionRecord> {
  const record = await connections.findById(payment.connectionId);
  if (!record)
    throw new ApiError(409, {
      type: 'invalid_request_error',
      code: 'invalid_request',
      message: `the payment's connection ${payment.connectionId} no longer exists`,
    });
  return record;
}

/**
 * What a capture, void or refund acts on: the owner's payment (now tied to the request's
 * Idempotency-Key), the connection it was made on and that connection's gateway.
 */
export async function actionTarget(
  services: { reads: PaymentReads; idempotency: IdempotencyService; connections: ConnectionService },
  owner: PaymentOwner,
  id: string,
  requestKey: RequestKey | undefined,
): Promise<{ payment: Payment; record: GatewayConnectionRecord; gateway: PaymentGateway }> {
  const payment = await services.reads.get(owner, id);
  await services.idempotency.attachResource(requestKey, undefined, payment.id);
  const record = await connectionOf(services.connections, payment);
  return { payment, record, gateway: services.connections.gatewayFor(record) };
}
