export * from './conformance';
export * from './in-memory-gateway';
export * from './descriptor-checks';
export * from './workspace-root';
export * from './in-memory-settlements';
export * from './settlements';
export * from './vault-conformance';
export * from './dispute-files-conformance';
