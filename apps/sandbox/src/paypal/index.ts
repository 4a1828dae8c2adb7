export {
  startPayPalSandbox,
  PAYPAL_SANDBOX_DEFAULTS,
  type PayPalSandbox,
  type PayPalSandboxOptions,
  type RecordedExchange,
} from './paypal-sandbox';
export { PAYPAL_ISSUES, type PayPalIssue } from './paypal-errors';
export type { SignedDelivery, DeliveryRecord, WebhookEnvelope } from './paypal-webhooks';
export { PayPalSpecValidator, PAYPAL_FIELDS_NEWER_THAN_SPEC, type SpecViolation } from './paypal-openapi';
export { PAYPAL_SANDBOX } from './sandbox.descriptor';
