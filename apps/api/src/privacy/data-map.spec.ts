import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { openTestDataSource } from '@payrail/testing';
import { MIGRATIONS } from '../migrations';
import { RETENTION_CLASSES } from './retention-classes';
import { PRIVACY_COLUMNS, SUBJECT_TABLES } from './subject-tables';
import { dataMapProblems, erasableColumns, flaggedAsPersonal, type DataMap, type Schema } from './data-map';

function workspaceRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) dir = dirname(dir);
  return dir;
}

const root = workspaceRoot();
const loadMap = (): DataMap => parse(readFileSync(join(root, 'docs/compliance/data-map.yaml'), 'utf8'));

class AddsCustomerPhone1771500000001 implements MigrationInterface {
  name = 'AddsCustomerPhone1771500000001';
  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'payments',
      new TableColumn({ name: 'customer_phone', type: 'varchar', isNullable: true }),
    );
  }
  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('payments', 'customer_phone');
  }
}

/** The schema the given migrations build on an empty SQLite database. */
async function migratedSchema(migrations: Array<new () => MigrationInterface>): Promise<Schema> {
  const db = await openTestDataSource('sqlite', { migrations });
  try {
    const tables: Array<{ name: string }> = await db.dataSource.query(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'migrations'`,
    );
    const schema: Schema = {};
    for (const { name } of tables) {
      const columns: Array<{ name: string }> = await db.dataSource.query(`PRAGMA table_info("${name}")`);
      schema[name] = columns.map((c) => c.name);
    }
    return schema;
  } finally {
    await db.close();
  }
}

describe('the data map', () => {
  let schema: Schema;

  beforeAll(async () => {
    schema = await migratedSchema(MIGRATIONS);
  });

  it('lists every column the naming rule flags, and only columns that exist', () => {
    expect(dataMapProblems(loadMap(), schema)).toEqual([]);
  });

  it('fails when a migration adds a personal-data column the map does not list', async () => {
    const grown = await migratedSchema([...MIGRATIONS, AddsCustomerPhone1771500000001]);
    expect(dataMapProblems(loadMap(), grown)).toEqual([
      expect.stringContaining('payments.customer_phone may hold personal data'),
    ]);
  });

  it('fails when the map lists a column that does not exist', () => {
    const map = loadMap();
    map.tables['payments'].columns['customer_fax'] = { class: 'contact', erasure: 'null' };
    expect(dataMapProblems(map, schema)).toEqual([
      'the map lists payments.customer_fax, which does not exist',
    ]);
  });

  it('flags by identity words anywhere and content words at the end', () => {
    expect(
      ['customer_email', 'ip', 'billing_city', 'raw_body', 'response_excerpt'].every(flaggedAsPersonal),
    ).toBe(true);
    expect(['gateway_event_id', 'event_type', 'amount', 'status'].some(flaggedAsPersonal)).toBe(false);
  });

  it('gives each purged retention class the period the purge uses by default, and every timed class is purged', () => {
    const map = loadMap();
    for (const retention of RETENTION_CLASSES)
      expect([retention.name, map.retention[retention.name]?.days]).toEqual([
        retention.name,
        retention.defaultDays,
      ]);
    // The audit trail has its own purge (PAYRAIL_AUDIT_RETENTION_DAYS); every other timed class is the purge's.
    const timed = Object.entries(map.retention).filter(
      ([name, spec]) => spec.days !== null && name !== 'audit-trail',
    );
    expect(timed.map(([name]) => name).sort()).toEqual(RETENTION_CLASSES.map((c) => c.name).sort());
  });

  it('erases every column the map says erasure changes, the way the map says', () => {
    const handled = [
      ...SUBJECT_TABLES.flatMap((t) =>
        Object.entries(t.columns).map(([column, erasure]) => `${t.table}.${column}: ${erasure}`),
      ),
      ...Object.entries(PRIVACY_COLUMNS).flatMap(([table, columns]) =>
        Object.entries(columns).map(([column, erasure]) => `${table}.${column}: ${erasure}`),
      ),
    ].sort();
    const mapped = erasableColumns(loadMap())
      .map((c) => `${c.table}.${c.column}: ${c.erasure}`)
      .sort();
    // A column the map marks for erasure must be in apps/api/src/privacy/subject-tables.ts, and the reverse.
    expect(handled).toEqual(mapped);
  });

  it('data-map.md is what the map renders to', () => {
    const check = spawnSync(process.execPath, ['scripts/data-map.mjs', '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
