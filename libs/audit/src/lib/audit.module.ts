import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditCheckpoint } from './audit-checkpoint.entity';
import { AuditEntry } from './audit-entry.entity';
import { AuditConfigurableModule } from './audit.module-definition';
import { AuditService } from './audit.service';

export const AUDIT_ENTITIES = [AuditEntry, AuditCheckpoint];

/**
 * `AuditModule.forRoot({ retentionDays })` (or `forRootAsync`). Needs `TransactionRunner`
 * provided globally by the host app, the same instance every other writer uses.
 */
@Module({
  imports: [TypeOrmModule.forFeature(AUDIT_ENTITIES)],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule extends AuditConfigurableModule {}
