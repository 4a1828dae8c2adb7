import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { INestApplication } from '@nestjs/common';

/**
 * Tables a refused request must leave as they were. Timeline entries from gateway webhooks are
 * left out: the sandboxes deliver them on their own schedule, whatever a client sends.
 */
const WATCHED = {
  payments: '',
  payment_attempts: '',
  payment_events: "WHERE type <> 'webhook'",
  refunds: '',
  idempotency_keys: '',
  webhook_endpoints: '',
  audit_entries: '',
} as const;

export type RowCounts = Record<keyof typeof WATCHED, number>;

/** How many rows each watched table holds now. */
export async function rowCounts(app: INestApplication): Promise<RowCounts> {
  const data = app.get<DataSource>(getDataSourceToken());
  const counts = {} as RowCounts;
  for (const [table, where] of Object.entries(WATCHED) as Array<[keyof RowCounts, string]>) {
    const [row] = await data.query(`SELECT COUNT(*) AS n FROM ${table} ${where}`);
    counts[table] = Number(row.n);
  }
  return counts;
}
