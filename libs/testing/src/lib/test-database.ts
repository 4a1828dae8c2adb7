import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

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

/** Which database this run's integration specs use: `PAYRAIL_TEST_DB=postgres`, else SQLite. */
export function testDatabaseKind(): TestDatabaseKind {
  return process.env['PAYRAIL_TEST_DB'] === 'postgres' ? 'postgres' : 'sqlite';
}

let container: { getConnectionUri(): string; stop(): Promise<unknown> } | undefined;
let containerFailure: string | undefined;

/** TEST_DATABASE_URL first; else a Testcontainers PostgreSQL where a Docker engine answers; else null with the reason. */
async function postgresUrl(): Promise<{ url: string } | { skipped: string }> {
  const given = process.env['TEST_DATABASE_URL'];
  if (given) return { url: given };
  if (containerFailure) return { skipped: containerFailure };
  if (!container) {
    try {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      container = await new PostgreSqlContainer('postgres:16-alpine').start();
    } catch (error) {
      containerFailure = `PostgreSQL run skipped: TEST_DATABASE_URL is not set and no Docker engine answered for Testcontainers (${(error as Error).message.split('\n')[0]})`;
      return { skipped: containerFailure };
    }
  }
  return { url: container.getConnectionUri() };
}

/** A fresh, empty database for one suite. */
export async function provisionTestDatabase(
  kind = testDatabaseKind(),
): Promise<TestDatabase | { skipped: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'payrail-test-'));
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (kind === 'sqlite') return { kind, dataDir, drop: async () => removeDir() };
  const found = await postgresUrl();
  if ('skipped' in found) {
    removeDir();
    return found;
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const client = new Client({ connectionString: found.url });
  await client.connect();
  await client.query(`CREATE SCHEMA "${schema}"`);
  await client.end();
  const url = new URL(found.url);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    kind,
    databaseUrl: url.toString(),
    schema,
    dataDir,
    drop: async () => {
      const c = new Client({ connectionString: found.url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
      removeDir();
    },
  };
}
