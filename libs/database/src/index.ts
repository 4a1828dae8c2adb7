export * from './lib/ids';
export * from './lib/base.entity';
export * from './lib/columns';
export * from './lib/migration-types';
export * from './lib/unique-violation';
export * from './lib/transaction-runner';
export * from './lib/statement-counter';
export * from './lib/wal-flusher';
