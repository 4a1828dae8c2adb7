/** Every status a payment can have, in lifecycle order (the console's filters list them so). */
export const PAYMENT_STATUSES = [
  'requires_payment_method',
  'authorizing',
  'requires_action',
  'authorized',
  'capturing',
  'partially_captured',
  'captured',
  'partially_refunded',
  'refunded',
  'voided',
  'failed',
  'unknown',
] as const;

export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
