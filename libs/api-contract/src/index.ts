export * from './lib/errors';
export * from './lib/payments';
export * from './lib/connections';
export * from './lib/audit';
export * from './lib/admin';
export * from './lib/console';
export * from './lib/webhooks';
export * from './lib/jobs';
