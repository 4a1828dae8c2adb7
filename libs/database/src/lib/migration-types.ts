import { TableColumn, type QueryRunner, type TableColumnOptions } from 'typeorm';

/** Column types that differ between SQLite and PostgreSQL, for migrations written once for both. */
export function columnTypes(queryRunner: QueryRunner) {
  const postgres = queryRunner.connection.options.type === 'postgres';
  return {
    postgres,
    timestamp: postgres ? 'timestamp' : 'datetime',
    now: postgres ? 'now()' : "(datetime('now'))",
  };
}

/** A `varchar(length)` column, not null unless said. */
export function varcharColumn(name: string, length: number, isNullable = false): TableColumnOptions {
  return { name, type: 'varchar', length: String(length), isNullable };
}

/** `id`, `created_at`, `updated_at`, as `BaseRecord` declares them. */
export function baseColumns(queryRunner: QueryRunner): TableColumnOptions[] {
  const t = columnTypes(queryRunner);
  return [
    { name: 'id', type: 'varchar', length: '40', isPrimary: true },
    { name: 'created_at', type: t.timestamp, default: t.now },
    { name: 'updated_at', type: t.timestamp, default: t.now },
  ];
}

export function timestampColumn(queryRunner: QueryRunner, name: string, isNullable = true): TableColumn {
  return new TableColumn({ name, type: columnTypes(queryRunner).timestamp, isNullable });
}
