export { PayPalPlugin } from './paypal.plugin';
export {
  PayPalGateway,
  PAYPAL_FIELDS,
  PAYPAL_PLUGIN_OPTIONS,
  type PayPalConnectionValues,
  type PayPalPluginOptions,
} from './paypal.gateway';
export { PAYPAL_ERROR_TABLE, type PayPalErrorCode } from './paypal.transformers';
export { PAYPAL_DESCRIPTOR } from './paypal.descriptor';
