import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransactionRunner } from '@payrail/database';
import { AUDIT_ENTITIES, AuditModule } from './audit.module';
import { AuditService } from './audit.service';
import { AuditTrail1767000000000 } from './audit-trail.migration';

/** What the host app does: one TransactionRunner for every module. */
@Global()
@Module({ providers: [TransactionRunner], exports: [TransactionRunner] })
class HostDatabaseModule {}

describe('AuditModule', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'payrail-audit-module-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const compile = (audit: ReturnType<typeof AuditModule.forRoot>) =>
    Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({
          type: 'better-sqlite3',
          database: join(dir, 'test.sqlite'),
          entities: AUDIT_ENTITIES,
          migrations: [AuditTrail1767000000000],
          migrationsRun: true,
        }),
        HostDatabaseModule,
        audit,
      ],
    }).compile();

  it('provides AuditService with the configured retention, sharing the host’s TransactionRunner', async () => {
    const app = await compile(AuditModule.forRoot({ retentionDays: 730 }));
    try {
      const audit = app.get(AuditService);
      expect(audit.retentionDays).toBe(730);
      await audit.record({ actor: { type: 'system' }, action: 'merchant.created' });
      await expect(audit.verify()).resolves.toEqual({ intact: true, count: 1 });
    } finally {
      await app.close();
    }
  });

  it('defaults retention to 400 days and stops start-up below 365', async () => {
    const app = await compile(AuditModule.forRoot({}));
    expect(app.get(AuditService).retentionDays).toBe(400);
    await app.close();
    await expect(compile(AuditModule.forRoot({ retentionDays: 90 }))).rejects.toThrow(
      'audit retentionDays is 90: expected a whole number of days, at least 365',
    );
  });
});
