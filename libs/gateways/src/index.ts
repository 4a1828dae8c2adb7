export * from './lib/gateway-connection.entity';
export * from './lib/gateway-registry';
export * from './lib/connection.service';
export * from './lib/gateways.module';
export * from './lib/connection.presenter';
export * from './lib/connections.controller';
export * from './lib/string-map.validator';
