export { SquarePlugin } from './square.plugin';
export {
  SquareGateway,
  SQUARE_FIELDS,
  SQUARE_ORIGINS,
  SQUARE_PLUGIN_OPTIONS,
  type SquareConnectionValues,
  type SquarePluginOptions,
} from './square.gateway';
export { SQUARE_ERROR_CODES } from './square.transformers';
export { SQUARE_SIGNATURE_HEADER, SQUARE_WEBHOOK_EVENT_TYPES } from './square.webhooks';
export { SQUARE_DESCRIPTOR } from './square.descriptor';
