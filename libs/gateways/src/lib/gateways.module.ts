import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConnectionService } from './connection.service';
import { GatewayConnectionRecord } from './gateway-connection.entity';
import { GatewayRegistry } from './gateway-registry';

export const GATEWAY_ENTITIES = [GatewayConnectionRecord];

/** Needs `SecretBox` and `GATEWAY_TIMEOUT_MS` provided globally by the host app. */
@Module({
  imports: [DiscoveryModule, TypeOrmModule.forFeature(GATEWAY_ENTITIES)],
  providers: [GatewayRegistry, ConnectionService],
  exports: [GatewayRegistry, ConnectionService],
})
export class GatewaysModule {}
