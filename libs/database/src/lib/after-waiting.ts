import { QueryFailedError, type EntityManager } from 'typeorm';
import { deferredWritesOf, STATEMENT_SEPARATOR } from './deferred-writes';
import { STATEMENT_COUNTER } from './statement-counter';

/** One statement's answer in a simple query of several. */
export interface StatementResult {
  rows: Record<string, unknown>[];
  rowCount: number | null;
}

/**
 * Sends `text` (no parameters: values written as literals) on the PostgreSQL connection of `m`'s
 * transaction, after what the transaction has waiting (its start, queued writes), as one simple
 * query, and gives every statement's result in order. It goes on the driver's own client because
 * TypeORM's `query` keeps only one result of such a query; a failure is TypeORM's
 * `QueryFailedError`, as `query` would throw.
 */
export async function queryAfterWaiting(m: EntityManager, text: string): Promise<StatementResult[]> {
  if (!m.queryRunner) throw new Error('queryAfterWaiting needs a transaction');
  const queued = deferredWritesOf(m)?.take();
  const sql = queued ? `${queued}${STATEMENT_SEPARATOR}${text}` : text;
  const client = (await m.queryRunner.connect()) as {
    query: (text: string) => Promise<StatementResult | StatementResult[]>;
  };
  if (m.connection.logger === STATEMENT_COUNTER) STATEMENT_COUNTER.count(sql);
  try {
    const results = await client.query(sql);
    return Array.isArray(results) ? results : [results];
  } catch (error) {
    throw new QueryFailedError(sql, [], error as Error);
  }
}
