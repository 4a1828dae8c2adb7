export { StripePlugin } from './stripe.plugin';
export {
  StripeGateway,
  STRIPE_FIELDS,
  STRIPE_ORIGINS,
  STRIPE_PLUGIN_OPTIONS,
  type StripeConnectionValues,
  type StripePluginOptions,
} from './stripe.gateway';
export { STRIPE_ERROR_TABLE, type StripeErrorKey } from './stripe.transformers';
export { STRIPE_SIGNATURE_HEADER, STRIPE_WEBHOOK_EVENTS } from './stripe.webhooks';
export { STRIPE_DESCRIPTOR } from './stripe.descriptor';
