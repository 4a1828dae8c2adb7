import { STATEMENT_SEPARATOR } from './deferred-writes';
import { StatementCounter } from './statement-counter';

describe('StatementCounter', () => {
  it('counts statements and commits apart from the rest of transaction control', () => {
    const counter = new StatementCounter();
    for (const sql of [
      'BEGIN TRANSACTION',
      'INSERT INTO "payment" VALUES (?)',
      'SAVEPOINT typeorm_1',
      'UPDATE "payment" SET "status" = ?',
      'ROLLBACK TO SAVEPOINT typeorm_1',
      'RELEASE SAVEPOINT typeorm_1',
      'COMMIT',
      'START TRANSACTION',
      'select 1',
      'ROLLBACK',
    ])
      counter.logQuery(sql);
    expect(counter.snapshot()).toEqual({ statements: 3, commits: 1, rollbacks: 1, roundTrips: 10 });
  });

  it('counts each statement of a merged text, and the text as one round trip', () => {
    const counter = new StatementCounter();
    counter.logQuery(
      [
        'START TRANSACTION',
        'SET LOCAL synchronous_commit TO OFF',
        "INSERT INTO t VALUES ('a')",
        'COMMIT',
      ].join(STATEMENT_SEPARATOR),
    );
    counter.logQuery('SELECT 1');
    expect(counter.snapshot()).toEqual({ statements: 2, commits: 1, rollbacks: 0, roundTrips: 2 });
  });
});
