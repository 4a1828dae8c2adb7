import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TransactionRunner } from '@payrail/database';
import {
  describeWithDatabase,
  describeWithRedis,
  provisionTestDatabase,
  testDatabaseKind,
} from '@payrail/testing';
import { BullMqJobQueue } from './bullmq-job-queue';
import { DatabaseJobQueue } from './database-job-queue';
import { Job } from './job.entity';
import { JobQueue, JobQueueError, scheduleBackoff } from './job-queue';

interface Backend {
  name: string;
  /** A fresh queue on a shared store; several calls share jobs like several API instances. */
  open(): Promise<JobQueue>;
  close(): Promise<void>;
  dataSource?: DataSource;
}

async function databaseBackend(): Promise<Backend> {
  const db = await provisionTestDatabase();
  const dataSource = await new DataSource(
    db.databaseUrl
      ? {
          type: 'postgres',
          url: db.databaseUrl,
          schema: db.schema,
          entities: [Job],
          synchronize: true,
          logging: false,
        }
      : {
          type: 'better-sqlite3',
          database: `${db.dataDir}/jobs.sqlite`,
          entities: [Job],
          synchronize: true,
          logging: false,
        },
  ).initialize();
  const tx = new TransactionRunner(dataSource);
  const queues: JobQueue[] = [];
  return {
    name: `database (${testDatabaseKind()})`,
    dataSource,
    open: async () => {
      const q = new DatabaseJobQueue(tx, { pollMs: 20 });
      queues.push(q);
      return q;
    },
    close: async () => {
      await Promise.all(queues.map((q) => q.stop()));
      await dataSource.destroy();
      await db.drop();
    },
  };
}

function bullBackend(): Backend {
  const redisUrl = process.env['REDIS_URL_TEST'] as string;
  const prefix = `payrail-test-${randomBytes(4).toString('hex')}`;
  const queues: JobQueue[] = [];
  return {
    name: 'bullmq',
    open: async () => {
      const q = new BullMqJobQueue({ redisUrl, prefix });
      queues.push(q);
      return q;
    },
    close: async () => {
      await Promise.all(queues.map((q) => q.stop()));
    },
  };
}

const until = async (check: () => Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not met in time');
};

/** `describeWhere` skips the suite (jest's skip) when its store cannot be had. */
function describeJobQueue(
  label: string,
  describeWhere: typeof describe,
  makeBackend: () => Promise<Backend> | Backend,
) {
  describeWhere(`job queue on ${label}`, () => {
    let backend: Backend | undefined;
    beforeAll(async () => {
      backend = await makeBackend();
    }, 60_000);
    afterAll(async () => backend?.close());

    const test = (name: string, fn: (backend: Backend) => Promise<void>) =>
      it(name, async () => fn(backend!), 30_000);

    test('runs an enqueued job once and shows it completed', async (b) => {
      const q = await b.open();
      const seen: unknown[] = [];
      q.define('greet', async (payload) => void seen.push(payload));
      await q.start();
      const id = await q.enqueue('greet', { to: 'merchant' });
      await q.drain();
      expect(seen).toEqual([{ to: 'merchant' }]);
      expect((await q.get(id))?.state).toBe('completed');
    });

    test('retries a failing job with growing waits, then completes it', async (b) => {
      const q = await b.open();
      const tries: number[] = [];
      q.define(
        'flaky',
        async (_payload, context) => {
          tries.push(Date.now());
          if (context.attempt < 3) throw new Error(`try ${context.attempt} failed`);
        },
        { maxAttempts: 5, backoff: (attempt) => 100 * 2 ** (attempt - 1) },
      );
      await q.start();
      const id = await q.enqueue('flaky', {});
      await until(async () => (await q.get(id))?.state === 'completed');
      expect(tries).toHaveLength(3);
      expect(tries[1] - tries[0]).toBeGreaterThanOrEqual(90);
      expect(tries[2] - tries[1]).toBeGreaterThanOrEqual(190);
      expect((await q.get(id))?.attempts).toBe(3);
    });

    test('marks a job dead after its last try, lists it, and a retry by hand runs it again', async (b) => {
      const q = await b.open();
      let healthy = false;
      let runs = 0;
      q.define(
        'doomed',
        async () => {
          runs++;
          if (!healthy) throw new Error('the endpoint is down');
        },
        { maxAttempts: 2, backoff: scheduleBackoff([30]) },
      );
      await q.start();
      const id = await q.enqueue('doomed', { n: 1 });
      await until(async () => (await q.get(id))?.state === 'dead');
      const dead = await q.get(id);
      expect(dead).toMatchObject({ state: 'dead', attempts: 2, lastError: 'the endpoint is down' });
      expect((await q.list({ state: 'dead' })).map((j) => j.id)).toContain(id);
      expect((await q.stats()).find((s) => s.queue === 'doomed')?.dead).toBe(1);
      healthy = true;
      await q.retry(id);
      await until(async () => (await q.get(id))?.state === 'completed');
      expect(runs).toBe(3);
      await expect(q.retry(id)).rejects.toBeInstanceOf(JobQueueError);
      await expect(q.retry('job_missing')).rejects.toMatchObject({ status: 404 });
    });

    test('enqueues a job with a unique key once', async (b) => {
      const q = await b.open();
      let runs = 0;
      q.define('once', async () => void runs++);
      const ids = await Promise.all(
        Array.from({ length: 5 }, () => q.enqueue('once', {}, { uniqueKey: 'sweep-42' })),
      );
      expect(new Set(ids).size).toBe(1);
      await q.start();
      await q.drain();
      expect(runs).toBe(1);
    });

    test('two workers sharing the store run each of 20 jobs exactly once', async (b) => {
      const first = await b.open();
      const second = await b.open();
      const runs = new Map<number, number>();
      const handler = async (payload: { n: number }) => {
        await new Promise((r) => setTimeout(r, 5));
        runs.set(payload.n, (runs.get(payload.n) ?? 0) + 1);
      };
      first.define('shared', handler, { concurrency: 3 });
      second.define('shared', handler, { concurrency: 3 });
      for (let n = 0; n < 20; n++) await first.enqueue('shared', { n });
      await Promise.all([first.start(), second.start()]);
      await until(async () => runs.size === 20);
      await Promise.all([first.drain(), second.drain()]);
      expect([...runs.values()].every((count) => count === 1)).toBe(true);
    });

    test('refuses a bad list limit, naming it', async (b) => {
      const q = await b.open();
      await expect(q.list({ limit: 0 })).rejects.toMatchObject({ param: 'limit' });
    });
  });
}

describeJobQueue('the database', describeWithDatabase(), databaseBackend);
describeJobQueue('BullMQ (Redis)', describeWithRedis(), bullBackend);

describeWithDatabase()('database job queue specifics', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await databaseBackend();
  }, 60_000);
  afterAll(async () => backend?.close());

  it('enqueues inside a transaction: a rolled-back change leaves no job', async () => {
    const q = await backend.open();
    q.define('atomic', async () => undefined);
    const tx = new TransactionRunner(backend.dataSource!);
    let id = '';
    await expect(
      tx.run(async (m) => {
        id = await q.enqueue('atomic', { n: 1 }, {}, m);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await q.get(id)).toBeNull();
  });

  it('deletes completed jobs after a week and keeps dead ones', async () => {
    const q = await backend.open();
    q.define('old', async () => undefined);
    const done = await q.enqueue('old', {});
    const dead = await q.enqueue('old', {});
    const repo = backend.dataSource!.getRepository(Job);
    const longAgo = new Date(Date.now() - 8 * 24 * 3600_000);
    await repo.update({ id: done }, { state: 'completed', finishedAt: longAgo });
    await repo.update({ id: dead }, { state: 'dead', finishedAt: longAgo });
    await q.drain();
    expect(await q.get(done)).toBeNull();
    expect((await q.get(dead))?.state).toBe('dead');
  });

  it('takes over a job whose worker died while its claim lapsed', async () => {
    const q = await backend.open();
    let runs = 0;
    q.define('orphan', async () => void runs++);
    const id = await q.enqueue('orphan', {});
    await backend
      .dataSource!.getRepository(Job)
      .update({ id }, { state: 'active', attempts: 1, lockedUntil: new Date(Date.now() - 1000) });
    await q.drain();
    expect(runs).toBe(1);
    expect(await q.get(id)).toMatchObject({ state: 'completed', attempts: 2 });
  });

  it("ends a job in the handler's own transaction, and retries it when that transaction rolls back", async () => {
    const q = await backend.open();
    const tx = new TransactionRunner(backend.dataSource!);
    let tries = 0;
    let finishedInHandler: Date | null = null;
    q.define<{ fail: boolean }>(
      'own-commit',
      async (payload, context) => {
        tries++;
        await tx.lazy(async (m) => {
          await context.completeIn?.(m);
          if (payload.fail && tries === 1) throw new Error('the change failed');
        });
        finishedInHandler = new Date();
      },
      { backoff: () => 0 },
    );
    const done = await q.enqueue('own-commit', { fail: false });
    await q.drain();
    const row = await q.get(done);
    expect(row).toMatchObject({ state: 'completed', attempts: 1, lastError: null });
    expect(row?.finishedAt?.getTime()).toBeLessThanOrEqual(finishedInHandler!.getTime());

    tries = 0;
    const retried = await q.enqueue('own-commit', { fail: true });
    await q.drain();
    expect(tries).toBe(2);
    expect(await q.get(retried)).toMatchObject({ state: 'completed', attempts: 2 });
  });

  it("inserts a job claimed by this process in the caller's commit, and runs it once started", async () => {
    const q = await backend.open();
    const tx = new TransactionRunner(backend.dataSource!);
    const seen: number[] = [];
    q.define<{ n: number }>('claimed', async (payload) => void seen.push(payload.n), { concurrency: 1 });
    // Without a worker running here, nothing is claimed: the caller enqueues as usual.
    expect(await tx.run((m) => q.enqueueClaimed('claimed', { n: 0 }, m))).toBeNull();
    await q.start();
    const claimed = await tx.run((m) => q.enqueueClaimed('claimed', { n: 1 }, m));
    expect(claimed).not.toBeNull();
    // Active under this process's lease from its insert: no poll takes it while it waits to start.
    expect(await q.get(claimed!.id)).toMatchObject({ state: 'active', attempts: 1 });
    // The queue's one slot is held, so a second claim is refused until the first ends.
    expect(await tx.run((m) => q.enqueueClaimed('claimed', { n: 2 }, m))).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toEqual([]);
    claimed!.start();
    claimed!.start();
    await until(async () => (await q.get(claimed!.id))?.state === 'completed');
    expect(seen).toEqual([1]);
    expect(await q.get(claimed!.id)).toMatchObject({ state: 'completed', attempts: 1 });
  });

  it('leaves no job when the claiming transaction rolls back, and gives its room back', async () => {
    const q = await backend.open();
    const tx = new TransactionRunner(backend.dataSource!);
    q.define('claimed-rollback', async () => undefined, { concurrency: 1 });
    await q.start();
    let id = '';
    await expect(
      tx.run(async (m) => {
        const claimed = await q.enqueueClaimed('claimed-rollback', {}, m);
        id = claimed!.id;
        claimed!.abandon();
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await q.get(id)).toBeNull();
    expect(await tx.run((m) => q.enqueueClaimed('claimed-rollback', {}, m))).not.toBeNull();
  });

  it('takes over a claimed job that was never started once its lease lapses (a crash after the commit)', async () => {
    const q = await backend.open();
    const tx = new TransactionRunner(backend.dataSource!);
    let runs = 0;
    q.define('claimed-crash', async () => void runs++, { leaseMs: 200 });
    await q.start();
    // The process that claimed it dies before starting it: the claim is never started or given up.
    const claimed = await tx.run((m) => q.enqueueClaimed('claimed-crash', {}, m));
    const other = await backend.open();
    other.define('claimed-crash', async () => void runs++, { leaseMs: 200 });
    await other.start();
    await until(async () => (await other.get(claimed!.id))?.state === 'completed');
    expect(runs).toBe(1);
    expect(await other.get(claimed!.id)).toMatchObject({ state: 'completed', attempts: 2 });
  });
});
