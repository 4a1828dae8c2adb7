import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DataSource, Table } from 'typeorm';

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

/** A fresh database (temp SQLite file, or a new PostgreSQL database) with a `gateway_connections` table. */
export async function openConnectionsDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  let dataSource: DataSource;
  let cleanup: () => Promise<void>;
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'payrail-secrets-'));
    dataSource = await new DataSource({
      type: 'better-sqlite3',
      database: join(dir, 'test.sqlite'),
    }).initialize();
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const url = process.env['TEST_DATABASE_URL'] as string;
    const name = `payrail_secrets_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = await new DataSource({ type: 'postgres', url }).initialize();
    await admin.query(`CREATE DATABASE ${name}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    dataSource = await new DataSource({ type: 'postgres', url: target.toString() }).initialize();
    cleanup = async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    };
  }
  const runner = dataSource.createQueryRunner();
  await runner.createTable(
    new Table({
      name: 'gateway_connections',
      columns: [
        { name: 'id', type: 'varchar', length: '40', isPrimary: true },
        { name: 'gateway', type: 'varchar', length: '40' },
        { name: 'secret_values', type: 'text' },
      ],
    }),
  );
  await runner.release();
  return {
    kind,
    dataSource,
    close: async () => {
      await dataSource.destroy();
      await cleanup();
    },
  };
}
