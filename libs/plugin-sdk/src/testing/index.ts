export * from './conformance';
export * from './in-memory-gateway';
export * from './descriptor-checks';
