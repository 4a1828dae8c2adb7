import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { testDatabaseKind } from './availability';

export type TestDatabaseKind = 'sqlite' | 'postgres';

export interface TestDatabase {
  kind: TestDatabaseKind;
  /** Absent for SQLite. */
  databaseUrl?: string;
  /** PostgreSQL: a schema of its own for this suite, dropped afterwards. */
  schema?: string;
  dataDir: string;
  drop(): Promise<void>;
}

let container: { getConnectionUri(): string; stop(): Promise<unknown> } | undefined;
let containerFailure: string | undefined;

/**
 * TEST_DATABASE_URL first; else a Testcontainers PostgreSQL. Suites only get here when
 * `postgresAvailability()` said one can be had, so a failure now is a failure, not a skip.
 */
export async function postgresUrl(): Promise<string> {
  const given = process.env['TEST_DATABASE_URL'];
  if (given) return given;
  if (containerFailure) throw new Error(containerFailure);
  if (!container) {
    try {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      container = await new PostgreSqlContainer('postgres:16-alpine').start();
    } catch (error) {
      containerFailure = `Testcontainers could not start PostgreSQL: ${(error as Error).message.split('\n')[0]}`;
      throw new Error(containerFailure);
    }
  }
  return container.getConnectionUri();
}

/** A fresh, empty database for one suite (wrap the suite in `describeWithDatabase()`). */
export async function provisionTestDatabase(kind = testDatabaseKind()): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'payrail-test-'));
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (kind === 'sqlite') return { kind, dataDir, drop: async () => removeDir() };
  let baseUrl: string;
  try {
    baseUrl = await postgresUrl();
  } catch (error) {
    removeDir();
    throw error;
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const client = new Client({ connectionString: baseUrl });
  await client.connect();
  await client.query(`CREATE SCHEMA "${schema}"`);
  await client.end();
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    kind,
    databaseUrl: url.toString(),
    schema,
    dataDir,
    drop: async () => {
      const c = new Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
      removeDir();
    },
  };
}
