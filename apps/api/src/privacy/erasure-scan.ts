import { existsSync, readFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import type { SubjectTerms } from './subject-records';

export interface FileScan {
  file: string;
  bytes: number;
  hits: number;
}

export interface ErasureScan {
  terms: number;
  database_files: FileScan[];
  tables_scanned: number;
  columns_scanned: number;
  table_hits: Array<{ table: string; column: string; rows: number }>;
  logs: FileScan[] | { scanned: false; reason: string };
  clean: boolean;
}

function termBytes(terms: SubjectTerms): string[] {
  return [terms.email, ...terms.names].map((t) => t.toLowerCase()).filter((t) => t.length >= 3);
}

/** Occurrences of any term in a file, as bytes (UTF-8) and case-folded ASCII. */
export function scanFile(file: string, terms: SubjectTerms): FileScan {
  if (!existsSync(file)) return { file, bytes: 0, hits: 0 };
  const content = readFileSync(file);
  const folded = content.toString('latin1').toLowerCase();
  let hits = 0;
  for (const term of termBytes(terms)) {
    const latin = Buffer.from(term, 'utf8').toString('latin1');
    for (let at = folded.indexOf(latin); at !== -1; at = folded.indexOf(latin, at + 1)) hits += 1;
  }
  return { file, bytes: content.length, hits };
}

async function textColumns(dataSource: DataSource): Promise<Array<{ table: string; column: string }>> {
  if (dataSource.options.type === 'postgres') {
    const rows: Array<{ table_name: string; column_name: string }> = await dataSource.query(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'json', 'jsonb')`,
    );
    return rows.map((r) => ({ table: r.table_name, column: r.column_name }));
  }
  const tables: Array<{ name: string }> = await dataSource.query(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
  );
  const out: Array<{ table: string; column: string }> = [];
  for (const { name } of tables) {
    const columns: Array<{ name: string; type: string }> = await dataSource.query(
      `PRAGMA table_info("${name}")`,
    );
    for (const c of columns)
      if (/char|text|clob|json|^$/i.test(c.type)) out.push({ table: name, column: c.name });
  }
  return out;
}

/**
 * After an erasure: the WAL is checkpointed into the database file and truncated (SQLite), then
 * every text column of every table, the database files and the log file are searched for the
 * subject's email and names. `clean` only when nothing is found anywhere.
 */
export async function scanAfterErasure(
  dataSource: DataSource,
  terms: SubjectTerms,
  logFile: string | undefined,
): Promise<ErasureScan> {
  const sqlite = dataSource.options.type !== 'postgres';
  if (sqlite) await dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
  const columns = await textColumns(dataSource);
  const tableHits: ErasureScan['table_hits'] = [];
  for (const { table, column } of columns) {
    for (const term of termBytes(terms)) {
      const [found] = await dataSource.query(
        `SELECT COUNT(*) AS n FROM "${table}" WHERE LOWER(CAST("${column}" AS TEXT)) LIKE ${sqlite ? '?' : '$1'}`,
        [`%${term}%`],
      );
      const rows = Number(found?.n ?? 0);
      if (rows) tableHits.push({ table, column, rows });
    }
  }
  const file = sqlite ? String(dataSource.options.database) : null;
  const databaseFiles = file ? [scanFile(file, terms), scanFile(`${file}-wal`, terms)] : [];
  const logs = logFile
    ? [scanFile(logFile, terms)]
    : ({ scanned: false, reason: 'PAYRAIL_LOG_FILE is not set: Payrail logs to stdout only' } as const);
  const clean =
    tableHits.length === 0 &&
    databaseFiles.every((f) => f.hits === 0) &&
    (Array.isArray(logs) ? logs.every((f) => f.hits === 0) : true);
  return {
    terms: termBytes(terms).length,
    database_files: databaseFiles,
    tables_scanned: new Set(columns.map((c) => c.table)).size,
    columns_scanned: columns.length,
    table_hits: tableHits,
    logs,
    clean,
  };
}
