export {
  startStripeSandbox,
  STRIPE_SANDBOX_DEFAULTS,
  STRIPE_RESOURCES,
  type StripeSandbox,
  type StripeSandboxOptions,
  type RecordedExchange,
  type RestrictedKeyPermissions,
  type PermissionLevel,
  type StripeResource,
} from './stripe-sandbox';
export { stripeSignatureHeader, type WebhookDeliveryAttempt } from './webhook-delivery';
export { TEST_CARDS, TEST_PAYMENT_METHODS } from './cards';
export { loadStripeOpenApi, type StripeOpenApiValidator } from './openapi';
export { STRIPE_SANDBOX } from './sandbox.descriptor';
