export * from './lib/secret-box';
export * from './lib/keyring-loader';
