export * from './lib/metrics';
export * from './lib/http-metrics';
export * from './lib/circuit-store';
export * from './lib/circuit-breaker';
export * from './lib/circuit-breaker.module';
export * from './lib/alerts/alert-conditions';
export * from './lib/alerts/alert-engine';
export * from './lib/alerts/alert-aggregates';
