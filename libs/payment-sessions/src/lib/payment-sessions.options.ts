export const PAYMENT_SESSIONS_OPTIONS = Symbol('payrail.payment-sessions.options');

export interface PaymentSessionsOptions {
  /** The API's address as browsers reach it: 3-D Secure challenges and approvals come back under it. */
  publicUrl: string;
  /** How long a session takes a card when the merchant does not say (ms). */
  defaultTtlMs?: number;
}
