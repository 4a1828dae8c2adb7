import { ApiError } from '@payrail/api-contract';
import type { ConnectionService, GatewayConnectionRecord } from '@payrail/gateways';
import { assertAmount, MoneyError, normalizeCurrency } from '@payrail/plugin-sdk';
import type { Payment } from './entities/payment.entity';

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
