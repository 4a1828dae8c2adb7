import { toDecimalString } from '@payrail/plugin-sdk';
import type { SessionView } from './payment-sessions.service';

/** The merchant's view of a session (its server, with the secret key). */
export function presentSession(view: SessionView) {
  const s = view.session;
  return {
    id: s.id,
    object: 'payment_session' as const,
    status: view.status,
    amount: s.amount,
    currency: s.currency,
    capture_method: s.captureMethod,
    gateway: s.gateway,
    connection_id: s.connectionId,
    livemode: s.mode === 'live',
    customer: s.customerEmail || s.customerName ? { email: s.customerEmail, name: s.customerName } : null,
    description: s.description,
    metadata: s.metadata ?? {},
    return_url: s.returnUrl,
    payment_id: view.payment?.id ?? null,
    payment_status: view.payment?.status ?? null,
    attempts: s.attempts,
    last_error: view.lastError,
    expires_at: s.expiresAt.toISOString(),
    created_at: s.createdAt.toISOString(),
  };
}

/** What a browser holding the client secret sees: no customer, metadata or connection details. */
export function presentClientSession(view: SessionView) {
  const s = view.session;
  return {
    id: s.id,
    object: 'payment_session' as const,
    status: view.status,
    amount: s.amount,
    /** The amount in major units as a decimal string, for display and for SDKs that take one (PayPal). */
    amount_decimal: toDecimalString(s.amount, s.currency),
    currency: s.currency,
    gateway: s.gateway,
    livemode: s.mode === 'live',
    return_url: s.returnUrl,
    expires_at: s.expiresAt.toISOString(),
    payment: view.payment
      ? { id: view.payment.id, status: view.payment.status, next_action: view.payment.nextAction }
      : null,
    last_error: view.lastError,
  };
}
