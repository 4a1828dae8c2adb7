import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DataSource, type MigrationInterface } from 'typeorm';
import { AUDIT_ENTITIES } from '../lib/audit.module';

export type DatabaseKind = 'sqlite' | 'postgres';

/** SQLite always; PostgreSQL too when TEST_DATABASE_URL is set. */
export const DATABASE_KINDS: DatabaseKind[] = process.env['TEST_DATABASE_URL']
  ? ['sqlite', 'postgres']
  : ['sqlite'];

export interface TestDatabase {
  kind: DatabaseKind;
  dataSource: DataSource;
  close(): Promise<void>;
}

function workspaceRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('nx.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

/** The app's migration, loaded by path: apps are not importable libraries. */
export function auditTrailMigration(): new () => MigrationInterface {
  const file = join(workspaceRoot(), 'apps/api/src/migrations/1767000000000-audit-trail');
  return (require(file) as { AuditTrail1767000000000: new () => MigrationInterface }).AuditTrail1767000000000;
}

/** A fresh migrated database of the given kind: a temp SQLite file, or a new PostgreSQL database. */
export async function openTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const common = { entities: AUDIT_ENTITIES, migrations: [auditTrailMigration()], logging: false };
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'payrail-audit-'));
    const dataSource = await new DataSource({
      type: 'better-sqlite3',
      database: join(dir, 'test.sqlite'),
      ...common,
    }).initialize();
    await dataSource.runMigrations();
    return {
      kind,
      dataSource,
      close: async () => {
        await dataSource.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = process.env['TEST_DATABASE_URL'] as string;
  const name = `payrail_audit_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await new DataSource({ type: 'postgres', url }).initialize();
  await admin.query(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const dataSource = await new DataSource({
    type: 'postgres',
    url: target.toString(),
    ...common,
  }).initialize();
  await dataSource.runMigrations();
  return {
    kind,
    dataSource,
    close: async () => {
      await dataSource.destroy();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}
