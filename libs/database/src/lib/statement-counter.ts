import { appendFileSync } from 'node:fs';
import type { Logger } from 'typeorm';
import { STATEMENT_SEPARATOR } from './deferred-writes';

export interface StatementCounts {
  /** Statements other than transaction control. */
  statements: number;
  /** Transactions that committed. */
  commits: number;
  rollbacks: number;
  /** Texts sent: a merged one counts once, though it carries several statements. */
  roundTrips: number;
}

const CONTROL =
  /^\s*(BEGIN|START TRANSACTION|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET LOCAL synchronous_commit)\b/i;

/**
 * Counts the statements the process sends to its database, for the benchmark's per-operation
 * figures. It is a TypeORM logger (TypeORM reports every query to its logger), installed only
 * when asked for; statements that bypass TypeORM call `count` themselves.
 */
export class StatementCounter implements Logger {
  private readonly totals: StatementCounts = { statements: 0, commits: 0, rollbacks: 0, roundTrips: 0 };
  /** A file every counted statement is appended to, one a line with the time it was sent (`PAYRAIL_TRACE_STATEMENTS`), to find repeated ones. */
  traceFile: string | null = null;

  count(sql: string): void {
    this.totals.roundTrips++;
    // A transaction's start and its queued inserts travel as one text (`DeferredWrites`).
    for (const part of sql.split(STATEMENT_SEPARATOR)) this.countOne(part);
  }

  private countOne(sql: string): void {
    // Milliseconds since the process started, so a trace shows where each request's time goes.
    if (this.traceFile)
      appendFileSync(this.traceFile, `${performance.now().toFixed(2)} ${sql.replace(/\s+/g, ' ')}\n`);
    const control = CONTROL.exec(sql)?.[1]?.toUpperCase();
    if (!control) this.totals.statements++;
    else if (control === 'COMMIT') this.totals.commits++;
    else if (control === 'ROLLBACK' && !/TO SAVEPOINT/i.test(sql)) this.totals.rollbacks++;
  }

  snapshot(): StatementCounts {
    return { ...this.totals };
  }

  logQuery(query: string): void {
    this.count(query);
  }
  logQueryError(): void {
    // Failed statements were counted when they were sent.
  }
  logQuerySlow(): void {
    // Not a statement of its own.
  }
  logSchemaBuild(): void {
    // Schema building is not part of the request path.
  }
  logMigration(): void {
    // Migrations are not part of the request path.
  }
  log(): void {
    // TypeORM's own notices are not statements.
  }
}

/** The process's counter; it counts only once the data source is given it as its logger. */
export const STATEMENT_COUNTER = new StatementCounter();
