import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConnectionService } from './connection.service';
import { GatewayConnectionRecord } from './gateway-connection.entity';
import { GatewayRegistry } from './gateway-registry';
import { ConnectionsController, PluginsController } from './connections.controller';

export const GATEWAY_ENTITIES = [GatewayConnectionRecord];

/**
 * Needs `SecretBox`, `SecretResolver`, `TransactionRunner`, `AuditService` and `GATEWAY_TIMEOUT_MS`
 * provided globally by the host app. Serves `/admin/plugins` and `/admin/connections`.
 */
@Module({
  imports: [DiscoveryModule, TypeOrmModule.forFeature(GATEWAY_ENTITIES)],
  controllers: [PluginsController, ConnectionsController],
  providers: [GatewayRegistry, ConnectionService],
  exports: [GatewayRegistry, ConnectionService],
})
export class GatewaysModule {}
