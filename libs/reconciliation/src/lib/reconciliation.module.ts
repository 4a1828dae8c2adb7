import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GatewayConnectionRecord, GatewaysModule } from '@payrail/gateways';
import { IdentityModule } from '@payrail/identity';
import { ReconciliationException } from './entities/reconciliation-exception.entity';
import { ReconciliationItem } from './entities/reconciliation-item.entity';
import { ReconciliationRun } from './entities/reconciliation-run.entity';
import { ReportExport } from './entities/report-export.entity';
import { SettlementPayoutRow } from './entities/settlement-payout.entity';
import { SettlementRecordRow } from './entities/settlement-record.entity';
import { ReconciliationController } from './reconciliation.controller';
import { ReconciliationMetrics } from './reconciliation.metrics';
import { RECONCILIATION_OPTIONS, type ReconciliationOptions } from './reconciliation.options';
import { ReconciliationRunner } from './reconciliation-runner';
import { ReconciliationSchedule } from './reconciliation.schedule';
import { ReconciliationService } from './reconciliation.service';
import { SettlementImporter } from './settlement-importer';
import { ReportExportsService } from './reports/report-exports.service';
import { MerchantReportsController, ReportsController } from './reports/reports.controller';
import { ReportsService } from './reports/reports.service';

export const RECONCILIATION_ENTITIES = [
  SettlementRecordRow,
  SettlementPayoutRow,
  ReconciliationRun,
  ReconciliationItem,
  ReconciliationException,
  ReportExport,
];

/** `ReconciliationModule.forRoot(options)`: import, matching, runs, exceptions, reports and exports. Needs `JobsModule` and the audit trail. */
@Module({})
export class ReconciliationModule {
  static forRoot(options: ReconciliationOptions): DynamicModule {
    return {
      module: ReconciliationModule,
      imports: [
        TypeOrmModule.forFeature([...RECONCILIATION_ENTITIES, GatewayConnectionRecord]),
        GatewaysModule,
        IdentityModule,
      ],
      controllers: [ReconciliationController, ReportsController, MerchantReportsController],
      providers: [
        { provide: RECONCILIATION_OPTIONS, useValue: options },
        SettlementImporter,
        ReconciliationRunner,
        ReconciliationService,
        ReconciliationSchedule,
        ReconciliationMetrics,
        ReportsService,
        ReportExportsService,
      ],
      exports: [
        ReconciliationService,
        ReconciliationRunner,
        SettlementImporter,
        ReconciliationSchedule,
        ReportsService,
        ReportExportsService,
      ],
    };
  }
}
