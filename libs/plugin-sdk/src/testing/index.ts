export * from './conformance';
export * from './in-memory-gateway';
