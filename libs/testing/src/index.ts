export * from './lib/availability';
export * from './lib/test-database';
export * from './lib/test-data-source';
export * from './lib/test-certificates';
