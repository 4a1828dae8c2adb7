import { DataSource } from 'typeorm';
import { TransactionRunner } from '@payrail/database';
import {
  describeEachDatabase,
  describeWithPostgres,
  openTestDataSource,
  type DatabaseKind,
  type TestDataSource,
} from '@payrail/testing';
import { AUDIT_ENTITIES } from './audit.module';
import { AuditService } from './audit.service';
import { AuditTrail1767000000000 } from './audit-trail.migration';

const openTestDatabase = (kind: DatabaseKind) =>
  openTestDataSource(kind, { entities: AUDIT_ENTITIES, migrations: [AuditTrail1767000000000] });

describeEachDatabase('the audit trail migration on %s', (kind) => {
  it('creates both tables, and down removes them again', async () => {
    const db = await openTestDatabase(kind);
    try {
      const runner = db.dataSource.createQueryRunner();
      expect(await runner.hasTable('audit_entries')).toBe(true);
      expect(await runner.hasTable('audit_checkpoints')).toBe(true);
      await db.dataSource.undoLastMigration();
      expect(await runner.hasTable('audit_entries')).toBe(false);
      expect(await runner.hasTable('audit_checkpoints')).toBe(false);
      await db.dataSource.runMigrations();
      expect(await runner.hasTable('audit_entries')).toBe(true);
      await runner.release();
    } finally {
      await db.close();
    }
  });
});

describeWithPostgres()('on PostgreSQL the audit tables are append-only', () => {
  let db: TestDataSource;

  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    const audit = new AuditService(new TransactionRunner(db.dataSource));
    await audit.record({ actor: { type: 'user', id: 'usr_1' }, action: 'auth.login' });
    await audit.record({ actor: { type: 'user', id: 'usr_1' }, action: 'role.assigned' });
    await db.dataSource.query(
      `INSERT INTO audit_checkpoints (id, through_sequence, through_hash, purged_before, purged_count)
       VALUES ('audcp_1', 0, '${'0'.repeat(64)}', now(), 0)`,
    );
  });

  afterAll(async () => {
    await db?.close();
  });

  const count = async () =>
    Number((await db.dataSource.query('SELECT count(*) AS n FROM audit_entries'))[0].n);

  it.each([
    ['UPDATE', `UPDATE audit_entries SET action = 'auth.logout' WHERE sequence = 1`],
    ['DELETE', 'DELETE FROM audit_entries WHERE sequence = 2'],
    ['TRUNCATE', 'TRUNCATE audit_entries'],
  ])('refuses %s on audit_entries', async (op, sql) => {
    await expect(db.dataSource.query(sql)).rejects.toThrow(
      `the audit trail is append-only: ${op} on audit_entries is refused`,
    );
    expect(await count()).toBe(2);
    const [first] = await db.dataSource.query('SELECT action FROM audit_entries WHERE sequence = 1');
    expect(first.action).toBe('auth.login');
  });

  it.each([
    ['UPDATE', 'UPDATE audit_checkpoints SET through_sequence = 9'],
    ['DELETE', 'DELETE FROM audit_checkpoints'],
  ])('refuses %s on audit_checkpoints', async (op, sql) => {
    await expect(db.dataSource.query(sql)).rejects.toThrow(
      `the audit trail is append-only: ${op} on audit_checkpoints is refused`,
    );
  });

  it('lets DELETE through only inside a transaction that set payrail.audit_purge, and never UPDATE', async () => {
    await expect(
      db.dataSource.transaction(async (m) => {
        await m.query(`SET LOCAL payrail.audit_purge = 'on'`);
        await m.query(`UPDATE audit_entries SET action = 'auth.logout' WHERE sequence = 1`);
      }),
    ).rejects.toThrow(/append-only: UPDATE/);

    await expect(
      db.dataSource.transaction(async (m) => {
        await m.query(`SET LOCAL payrail.audit_purge = 'on'`);
        await m.query('DELETE FROM audit_entries WHERE sequence = 1');
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await count()).toBe(2);

    // SET LOCAL ends with its transaction: afterwards a plain DELETE is refused again.
    await db.dataSource.transaction(async (m) => {
      await m.query(`SET LOCAL payrail.audit_purge = 'on'`);
      await m.query('DELETE FROM audit_entries WHERE sequence = 1');
    });
    expect(await count()).toBe(1);
    await expect(db.dataSource.query('DELETE FROM audit_entries')).rejects.toThrow(/append-only: DELETE/);
  });

  it('guards the tables in the schema the connection is configured with', async () => {
    await db.dataSource.query('CREATE SCHEMA tenant_a');
    const inSchema = await new DataSource({
      type: 'postgres',
      url: (db.dataSource.options as { url: string }).url,
      schema: 'tenant_a',
      entities: AUDIT_ENTITIES,
      migrations: [AuditTrail1767000000000],
    }).initialize();
    try {
      await inSchema.runMigrations();
      const audit = new AuditService(new TransactionRunner(inSchema));
      const entry = await audit.record({ actor: { type: 'system' }, action: 'master_key.rotated' });
      expect(entry.sequence).toBe(1);
      await expect(inSchema.query(`UPDATE tenant_a.audit_entries SET action = 'auth.login'`)).rejects.toThrow(
        /append-only: UPDATE on audit_entries/,
      );
      await expect(audit.verify()).resolves.toEqual({ intact: true, count: 1 });
      await inSchema.undoLastMigration();
      const [{ n }] = await inSchema.query(
        `SELECT count(*) AS n FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace WHERE s.nspname = 'tenant_a'`,
      );
      expect(Number(n)).toBe(0);
    } finally {
      await inSchema.destroy();
    }
  });
});
