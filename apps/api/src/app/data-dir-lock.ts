import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';

export const DATA_DIR_LOCK_FILE = 'server.lock';

/** Another server process holds the data folder. */
export class DataDirLockedError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `another Payrail server is already running on the data folder ${dataDir}. ` +
        'SQLite is for one server process on one machine; to run more instances, use PostgreSQL ' +
        '(DATABASE_URL). The one-off commands (payrail migrate, api-key, recover, rotate-master-key) ' +
        'still work beside the running server.',
    );
    this.name = 'DataDirLockedError';
  }
}

/**
 * Holds the SQLite data folder for this server process: an exclusive SQLite transaction on a
 * lock file beside the database. The lock is the operating system's, so it goes with the
 * process however it ends (kill -9 included), and a second server on the folder is refused at
 * once. The CLI never takes it: it opens the database itself, which WAL mode shares.
 */
/** Held for the life of the process: a lock handle that is collected would let the lock go. */
const held: Database.Database[] = [];

export function lockDataDir(dataDir: string): { release(): void } {
  mkdirSync(dataDir, { recursive: true });
  // Loaded here, not at the top: a server on PostgreSQL never takes this lock or loads the driver.
  const Sqlite = require('better-sqlite3') as typeof Database;
  const db = new Sqlite(join(dataDir, DATA_DIR_LOCK_FILE), { timeout: 0 });
  try {
    db.pragma('journal_mode = DELETE');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER, since TEXT)');
    db.exec('BEGIN EXCLUSIVE');
    db.prepare('DELETE FROM holder').run();
    db.prepare('INSERT INTO holder (pid, since) VALUES (?, ?)').run(process.pid, new Date().toISOString());
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new DataDirLockedError(dataDir);
    throw error;
  }
  held.push(db);
  return {
    release: () => {
      held.splice(held.indexOf(db), 1);
      if (!db.open) return;
      db.exec('ROLLBACK');
      db.close();
    },
  };
}
