import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WalCheckpointer } from './wal-checkpointer';

const autocheckpoint = (db: Database.Database) => db.pragma('wal_autocheckpoint', { simple: true });

async function until(check: () => boolean, withinMs = 5_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Writes `batches` transactions of about 200 kB each, pausing between them as a serving API would. */
async function write(db: Database.Database, batches: number): Promise<number> {
  const insert = db.prepare('INSERT INTO rows (body) VALUES (?)');
  const batch = db.transaction(() => {
    for (let i = 0; i < 200; i++) insert.run('x'.repeat(1_000));
  });
  for (let i = 0; i < batches; i++) {
    batch();
    await new Promise((resolve) => setTimeout(resolve, 60));
  }
  return batches * 200 * 1_000;
}

describe('WalCheckpointer', () => {
  let dir: string;
  let db: Database.Database;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'payrail-checkpoint-'));
    file = join(dir, 'db.sqlite');
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT)');
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('checkpoints from its thread while the connection checkpoints no more, and hands back when closed', async () => {
    const checkpointer = new WalCheckpointer(file, db, 50);
    await until(() => autocheckpoint(db) === 0);
    expect(checkpointer.running).toBe(true);
    const written = await write(db, 30);
    // The log is reused once checkpointed: it stays far smaller than what went through it.
    await until(() => statSync(`${file}-wal`).size < written / 3);
    expect(db.prepare('SELECT COUNT(*) AS n FROM rows').get()).toEqual({ n: 6_000 });
    await checkpointer.close();
    expect(checkpointer.running).toBe(false);
    expect(autocheckpoint(db)).toBe(1_000);
  });

  it('leaves checkpoints to the connection when its thread cannot open the database', async () => {
    const checkpointer = new WalCheckpointer(join(dir, 'missing.sqlite'), db, 50);
    await until(() => !checkpointer.running);
    expect(autocheckpoint(db)).toBe(1_000);
    await checkpointer.close();
  });
});
