import { open, type FileHandle } from 'node:fs/promises';

/**
 * Makes SQLite's write-ahead log durable with `fdatasync` on the thread pool. A sync covers every
 * frame written before it started, so callers that arrive while one runs share the next one.
 */
export class WalFlusher {
  private handle: Promise<FileHandle | null> | null = null;
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(private readonly path: string) {}

  flush(): Promise<void> {
    if (!this.running) {
      this.running = this.sync().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    // The running sync may have started before this caller's commit: it waits for the next one.
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = null;
        return this.flush();
      });
    return this.next;
  }

  async close(): Promise<void> {
    const handle = await this.handle?.catch(() => null);
    this.handle = null;
    await handle?.close().catch(() => undefined);
  }

  private async sync(): Promise<void> {
    this.handle ??= open(this.path, 'r').catch((error: NodeJS.ErrnoException) => {
      // No log yet means nothing was written through it; it is opened on the next flush.
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    const handle = await this.handle;
    if (!handle) {
      this.handle = null;
      return;
    }
    await handle.datasync();
  }
}
