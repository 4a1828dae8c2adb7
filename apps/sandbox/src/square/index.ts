export {
  startSquareSandbox,
  SQUARE_SANDBOX_DEFAULTS,
  type SquareSandbox,
  type SquareSandboxOptions,
  type RecordedExchange,
} from './server';
export { signSquareWebhook, SUPPORTED_EVENT_TYPES, type WebhookDelivery } from './webhooks';
export { FIXED_NONCES, FIXED_CARDS_ON_FILE, USED_NONCE } from './test-values';
export { loadSquareOpenApi, type SquareOpenApi } from './openapi';
export { SQUARE_SANDBOX } from './sandbox.descriptor';
