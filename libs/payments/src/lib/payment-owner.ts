import type { FindOptionsWhere } from 'typeorm';
import type { Payment } from './entities/payment.entity';

export type PaymentMode = Payment['mode'];

/**
 * Whose payments a caller reaches: a merchant's (the console, jobs), or a merchant's in one mode
 * (an API key: a test key sees test payments only, a live key live ones; another mode's payment is
 * not found, as Stripe keeps test and live data apart).
 */
export type PaymentOwner = string | { merchantId: string; mode: PaymentMode };

export function ownerWhere(owner: PaymentOwner): FindOptionsWhere<Payment> {
  return typeof owner === 'string'
    ? { merchantId: owner }
    : { merchantId: owner.merchantId, mode: owner.mode };
}

export function ownerMerchant(owner: PaymentOwner): string {
  return typeof owner === 'string' ? owner : owner.merchantId;
}

export function ownerMode(owner: PaymentOwner): PaymentMode | undefined {
  return typeof owner === 'string' ? undefined : owner.mode;
}
