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
    expect(counter.snapshot()).toEqual({ statements: 3, commits: 1, rollbacks: 1 });
  });
});
