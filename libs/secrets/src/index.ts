export * from './lib/secret-box';
export * from './lib/keyring-loader';
export * from './lib/secret-references';
export * from './lib/rewrap-all';
export * from './lib/secret-hint';
