// What the three sandboxes share: routing, the exchange recorder, idempotent replay, and where
// the vendored gateway specs are.
export * from './exchanges';
export * from './idempotency';
export * from './router';
export * from './specs';
export * from './workspace';
export * from './browser';
export * from './unavailability';
export * from './multipart';
export * from './webhook-post';
