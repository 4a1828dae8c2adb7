import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DataSource, type DataSourceOptions, type MigrationInterface } from 'typeorm';
import { describeWithPostgres } from './availability';
import { postgresUrl } from './test-database';

export type DatabaseKind = 'sqlite' | 'postgres';

/** A library's own database for one test: open, used, closed (and removed). */
export interface TestDataSource {
  kind: DatabaseKind;
  dataSource: DataSource;
  close(): Promise<void>;
}

export interface TestDataSourceOptions {
  entities?: DataSourceOptions['entities'];
  migrations?: Array<new () => MigrationInterface>;
  /** Runs once the database is open and migrated, e.g. to create the one table a spec needs. */
  prepare?: (dataSource: DataSource) => Promise<void>;
}

/**
 * The kinds a library's database suite runs on: SQLite always, PostgreSQL as well when the run
 * asks for it (`PAYRAIL_TEST_DB=postgres` or TEST_DATABASE_URL set).
 */
export function libraryDatabaseKinds(): DatabaseKind[] {
  const wantsPostgres =
    process.env['PAYRAIL_TEST_DB'] === 'postgres' || Boolean(process.env['TEST_DATABASE_URL']);
  return wantsPostgres ? ['sqlite', 'postgres'] : ['sqlite'];
}

/**
 * `describe` once per kind of `libraryDatabaseKinds()`, with `%s` in the name replaced by the
 * kind; the PostgreSQL suite is a jest skip, with the reason printed, when none can be had.
 */
export function describeEachDatabase(name: string, fn: (kind: DatabaseKind) => void): void {
  for (const kind of libraryDatabaseKinds()) {
    const describeHere = kind === 'postgres' ? describeWithPostgres() : describe;
    describeHere(name.replace('%s', kind), () => fn(kind));
  }
}

/**
 * A fresh database with the given entities and migrations run: a temp SQLite file, or a new
 * PostgreSQL database (not a schema: migrations that add triggers and functions stay apart).
 */
export async function openTestDataSource(
  kind: DatabaseKind,
  options: TestDataSourceOptions = {},
): Promise<TestDataSource> {
  const common = {
    entities: options.entities ?? [],
    migrations: options.migrations ?? [],
    logging: false,
  } as const;
  let dataSource: DataSource;
  let cleanup: () => Promise<void>;
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'payrail-lib-'));
    dataSource = await new DataSource({
      type: 'better-sqlite3',
      database: join(dir, 'test.sqlite'),
      ...common,
    }).initialize();
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const url = await postgresUrl();
    const name = `payrail_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = await new DataSource({ type: 'postgres', url }).initialize();
    await admin.query(`CREATE DATABASE ${name}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    dataSource = await new DataSource({ type: 'postgres', url: target.toString(), ...common }).initialize();
    cleanup = async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    };
  }
  if (common.migrations.length) await dataSource.runMigrations();
  if (options.prepare) await options.prepare(dataSource);
  return {
    kind,
    dataSource,
    close: async () => {
      await dataSource.destroy();
      await cleanup();
    },
  };
}
