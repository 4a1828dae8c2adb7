import { Worker } from 'node:worker_threads';

/** How often the checkpointer copies the log's committed pages into the database file. */
export const CHECKPOINT_INTERVAL_MS = 200;

/** SQLite's own default: a commit that finds this many pages in the log checkpoints it itself. */
const AUTOCHECKPOINT_PAGES = 1000;

/**
 * The checkpointer's thread: its own connection to the database, a PASSIVE checkpoint (it never
 * waits for, nor blocks, a reader or a writer) every interval. better-sqlite3 is loaded the way
 * the process's entry point would load it.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const Database = createRequire(workerData.from)('better-sqlite3');
const db = new Database(workerData.file, { fileMustExist: true, timeout: 5000 });
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = 0');
parentPort.postMessage('ready');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or failed: the next interval tries again, and nothing depends on this one.
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** What the checkpointer needs of the event loop's connection: its pragmas. */
export interface PragmaConnection {
  pragma(source: string): unknown;
}

/**
 * Moves SQLite's checkpoints off the event loop. By default the commit that finds 1,000 pages in
 * the write-ahead log copies them into the database file and syncs both, on the event loop,
 * holding every request for about 2 ms each time (every seventh authorize + capture or so). A
 * worker thread with its own connection checkpoints instead, and the event loop's connection
 * stops checkpointing once it runs. If the thread cannot start or stops, that connection
 * checkpoints again, as SQLite does by default.
 */
export class WalCheckpointer {
  private worker: Worker | null = null;
  private closing = false;

  constructor(
    file: string,
    private readonly connection: PragmaConnection,
    intervalMs = CHECKPOINT_INTERVAL_MS,
  ) {
    try {
      this.worker = new Worker(WORKER_SOURCE, {
        eval: true,
        // A connection and a timer: a small heap is plenty.
        resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2, stackSizeMb: 1 },
        workerData: { file, from: process.argv[1] ?? `${process.cwd()}/`, intervalMs },
      });
    } catch {
      return;
    }
    this.worker.unref();
    this.worker.on('message', (message: unknown) => {
      if (message === 'ready' && !this.closing) this.autocheckpoint(0);
    });
    const fallBack = () => {
      this.worker = null;
      if (!this.closing) this.autocheckpoint(AUTOCHECKPOINT_PAGES);
    };
    this.worker.on('error', fallBack);
    this.worker.on('exit', fallBack);
  }

  /** Whether a thread checkpoints (else the event loop's connection does). */
  get running(): boolean {
    return this.worker !== null;
  }

  /** Stops the thread; the connection checkpoints again until it closes. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.closing = true;
    this.worker = null;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('close');
    const timeout = setTimeout(() => void worker.terminate(), 2_000);
    await exited;
    clearTimeout(timeout);
    this.autocheckpoint(AUTOCHECKPOINT_PAGES);
  }

  /** Sets when the event loop's connection checkpoints itself (0: never), unless it is closed already. */
  private autocheckpoint(pages: number): void {
    try {
      this.connection.pragma(`wal_autocheckpoint = ${pages}`);
    } catch {
      // Closed: nothing is written through it any more.
    }
  }
}
