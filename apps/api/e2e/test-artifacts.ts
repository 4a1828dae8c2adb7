import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { TestApi } from './harness';

/**
 * When PAYRAIL_TEST_ARTIFACTS names a folder (`npm test` sets it), a suite leaves there, before
 * its database is dropped, every row of every table as JSON lines and every line the API
 * logged, for the leak scan that runs after the whole suite (scripts/leak-scan.mjs).
 */
export async function keepTestArtifacts(api: Pick<TestApi, 'app' | 'database' | 'logs'>): Promise<void> {
  const root = process.env['PAYRAIL_TEST_ARTIFACTS'];
  if (!root) return;
  const spec = basename(expect.getState().testPath ?? 'unknown').replace(/\.spec\.ts$/, '');
  const name = `${spec}-${api.database.kind}-${randomBytes(3).toString('hex')}`;
  mkdirSync(join(root, 'db'), { recursive: true });
  mkdirSync(join(root, 'logs'), { recursive: true });
  writeFileSync(join(root, 'logs', `${name}.log`), api.logs.join(''));

  const dataSource = api.app.get<DataSource>(getDataSourceToken());
  const file = join(root, 'db', `${name}.jsonl`);
  writeFileSync(file, '');
  const tables: { name: string }[] =
    api.database.kind === 'postgres'
      ? await dataSource.query(
          'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_type = $2',
          [api.database.schema, 'BASE TABLE'],
        )
      : await dataSource.query(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        );
  for (const { name: table } of tables) {
    const rows: unknown[] = await dataSource.query(`SELECT * FROM "${table.replace(/"/g, '""')}"`);
    if (rows.length) appendFileSync(file, rows.map((row) => `${JSON.stringify({ table, row })}\n`).join(''));
  }
}
