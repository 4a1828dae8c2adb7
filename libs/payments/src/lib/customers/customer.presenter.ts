import type { CustomerResource, SavedPaymentMethodResource } from '@payrail/api-contract';
import type { Customer } from './customer.entity';
import type { SavedPaymentMethod } from './saved-payment-method.entity';

export function presentCustomer(c: Customer): CustomerResource {
  return {
    id: c.id,
    object: 'customer',
    email: c.email,
    name: c.name,
    phone: c.phone,
    metadata: c.metadata ?? {},
    mode: c.mode,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

export function presentSavedMethod(
  m: SavedPaymentMethod,
  nextAction?: { type: string; url?: string },
): SavedPaymentMethodResource {
  return {
    id: m.id,
    object: 'saved_payment_method',
    customer_id: m.customerId,
    connection_id: m.connectionId,
    gateway: m.gateway,
    status: m.status,
    card: {
      brand: m.cardBrand,
      last4: m.cardLast4,
      exp_month: m.cardExpMonth,
      exp_year: m.cardExpYear,
      fingerprint: m.cardFingerprint,
    },
    next_action: nextAction ?? null,
    created_at: m.createdAt.toISOString(),
  };
}
