export * from './lib/metrics';
export * from './lib/http-metrics';
