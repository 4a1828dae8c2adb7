import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GatewayConnectionRecord, GatewaysModule } from '@payrail/gateways';
import { GatewayHealthCheck } from './gateway-health-check.entity';
import { GatewayHealthService } from './gateway-health.service';
import { MonitoringController } from './monitoring.controller';

export const MONITORING_ENTITIES = [GatewayHealthCheck];

/** Gateway health: the scheduled checks and the monitoring routes. */
@Module({
  imports: [TypeOrmModule.forFeature([GatewayHealthCheck, GatewayConnectionRecord]), GatewaysModule],
  controllers: [MonitoringController],
  providers: [GatewayHealthService],
  exports: [GatewayHealthService],
})
export class MonitoringModule {}
