import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GatewayConnectionRecord } from '@payrail/gateways';
import { GatewayHealthCheck } from '../monitoring/gateway-health-check.entity';
import { AlertConfigService } from './alert-config.service';
import { ALERT_ENTITIES } from './alert-entities';
import { AlertEvaluator } from './alert-evaluator.service';
import {
  AlertChannelsController,
  AlertRulesController,
  AlertsController,
  AlertSilencesController,
} from './alerts.controller';

/** Stored alert rules, channels, silences and episodes; the scheduled evaluation; `/admin/alerts`. */
@Module({
  imports: [TypeOrmModule.forFeature([...ALERT_ENTITIES, GatewayConnectionRecord, GatewayHealthCheck])],
  // The fixed paths before `/admin/alerts/:id`.
  controllers: [AlertRulesController, AlertChannelsController, AlertSilencesController, AlertsController],
  providers: [AlertConfigService, AlertEvaluator],
  exports: [AlertConfigService, AlertEvaluator],
})
export class AlertsModule {}
