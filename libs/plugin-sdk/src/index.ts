export * from './lib/currencies';
export * from './lib/money';
export * from './lib/errors';
export * from './lib/gateway';
export * from './lib/plugin';
export * from './lib/endpoint';
export * from './lib/redact';
export * from './lib/descriptor';
