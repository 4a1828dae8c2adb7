import { flushDeferredWrites, TransactionRunner } from '@payrail/database';
import type { DataSource } from 'typeorm';
import {
  describeEachDatabase,
  openTestDataSource,
  type DatabaseKind,
  type TestDataSource as TestDatabase,
} from '@payrail/testing';
import { AuditCheckpoint } from './audit-checkpoint.entity';
import { AuditEntry } from './audit-entry.entity';
import { computeAuditHash, GENESIS_HASH } from './audit-hash';
import type { AuditEntryJson } from './audit-format';
import { AuditTrail1767000000000 } from './audit-trail.migration';
import { AUDIT_ENTITIES } from './audit.module';
import { AuditService } from './audit.service';
import { AuditInputError, type AuditRecordInput } from './audit.types';

const STRIPE_KEY = 'sk_test_51HfakeKeyForAuditSpec0000abcd';
const DAY = 24 * 60 * 60 * 1000;

/** A money movement's entry, as the payment ledger records one. */
const moneyMovement = (action: string, paymentId: string): AuditRecordInput => ({
  actor: { type: 'system' },
  action,
  resource: { type: 'payment', id: paymentId },
});

const login = (userId: string, extra: Partial<AuditRecordInput> = {}): AuditRecordInput => ({
  actor: { type: 'user', id: userId },
  action: 'auth.login',
  origin: { ip: '203.0.113.7', userAgent: 'Mozilla/5.0', requestId: 'req_1' },
  ...extra,
});

async function collect(lines: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const line of lines) out += line;
  return out;
}

/** Runs `work` with only `Date` faked to `at`, so the driver's timers keep running. */
async function at<T>(when: Date, work: () => Promise<T>): Promise<T> {
  jest.useFakeTimers({
    now: when,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
  try {
    return await work();
  } finally {
    jest.useRealTimers();
  }
}

const openTestDatabase = (kind: DatabaseKind) =>
  openTestDataSource(kind, { entities: AUDIT_ENTITIES, migrations: [AuditTrail1767000000000] });

describeEachDatabase('AuditService on %s', (kind) => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let runner: TransactionRunner;
  let audit: AuditService;

  beforeEach(async () => {
    db = await openTestDatabase(kind);
    dataSource = db.dataSource;
    runner = new TransactionRunner(dataSource);
    audit = new AuditService(runner);
  });

  afterEach(async () => {
    await db.close();
  });

  /** Raw SQL the way someone with database access would change a row (PostgreSQL: past the trigger). */
  async function tamper(sql: string): Promise<void> {
    if (kind === 'postgres') {
      await dataSource.transaction(async (m) => {
        await m.query('ALTER TABLE audit_entries DISABLE TRIGGER USER');
        await m.query(sql);
        await m.query('ALTER TABLE audit_entries ENABLE TRIGGER USER');
      });
    } else {
      await dataSource.query(sql);
    }
  }

  it('chains entries from 64 zeros, each hash over the previous one, and verifies them', async () => {
    const first = await audit.record(login('usr_1'));
    const second = await audit.record({
      actor: { type: 'api_key', id: 'key_1' },
      action: 'payment.captured',
    });
    const third = await audit.record({ actor: { type: 'system' }, action: 'master_key.rotated' });

    expect([first.sequence, second.sequence, third.sequence]).toEqual([1, 2, 3]);
    expect(first.prevHash).toBe(GENESIS_HASH);
    expect(second.prevHash).toBe(first.hash);
    expect(third.prevHash).toBe(second.hash);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.id).toMatch(/^aud_/);
    expect(first.outcome).toBe('success');

    const stored = await dataSource.getRepository(AuditEntry).findOneByOrFail({ sequence: 2 });
    expect(computeAuditHash(first.hash, stored)).toBe(stored.hash);
    expect(stored.occurredAt.toISOString()).toBe(second.occurredAt.toISOString());
    await expect(audit.verify()).resolves.toEqual({ intact: true, count: 3 });
  });

  it('verifies an empty trail as intact', async () => {
    await expect(audit.verify()).resolves.toEqual({ intact: true, count: 0 });
  });

  it('keeps secrets and card numbers out of the entry, the database and both exports', async () => {
    await audit.record({
      actor: { type: 'user', id: 'usr_admin' },
      action: 'connection.credentials_changed',
      merchantId: 'mer_1',
      resource: { type: 'connection', id: 'conn_1' },
      change: {
        before: { secretKey: 'sk_test_51HoldKeyForAuditSpec0000wxyz', mode: 'test' },
        after: { secretKey: STRIPE_KEY, mode: 'test', note: `pasted ${STRIPE_KEY} by mistake` },
      },
      reason: 'card 4242 4242 4242 4242 was pasted into the name field',
    });

    const [raw] = await dataSource.query('SELECT * FROM audit_entries');
    const dump = JSON.stringify(raw);
    expect(dump).not.toContain(STRIPE_KEY);
    expect(dump).not.toContain('sk_test_51HoldKeyForAuditSpec0000wxyz');
    expect(dump).not.toContain('4242424242424242');
    expect(dump).not.toContain('4242 4242 4242 4242');

    const jsonLines = await collect(audit.exportJsonLines());
    const line = JSON.parse(jsonLines.trim()) as AuditEntryJson;
    expect(line.change).toEqual({
      before: { secretKey: 'sk_test_****wxyz', mode: 'test' },
      after: { secretKey: 'sk_test_****abcd', mode: 'test', note: 'pasted sk_test_****abcd by mistake' },
    });
    expect(line.reason).toBe('card 424242******4242 was pasted into the name field');

    const csv = await collect(audit.exportCsv());
    for (const text of [jsonLines, csv]) {
      expect(text).not.toContain(STRIPE_KEY);
      expect(text).not.toContain('4242424242424242');
      expect(text).toContain('sk_test_****abcd');
    }
    await expect(audit.verify()).resolves.toEqual({ intact: true, count: 1 });
  });

  it('exports JSON lines that verify offline and CSV with a header and quoted JSON', async () => {
    await audit.record(login('usr_1'));
    await audit.record(
      login('usr_2', { action: 'auth.login_failed', outcome: 'failure', reason: 'wrong, "bad" password' }),
    );
    await audit.record({
      actor: { type: 'user', id: 'usr_1' },
      action: 'user.updated',
      change: { after: { name: '=cmd' } },
    });

    const lines = (await collect(audit.exportJsonLines()))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditEntryJson);
    expect(lines.map((l) => l.sequence)).toEqual([1, 2, 3]);
    let prev = GENESIS_HASH;
    for (const line of lines) {
      expect(line.prevHash).toBe(prev);
      expect(computeAuditHash(prev, line)).toBe(line.hash);
      prev = line.hash;
    }

    const csv = (await collect(audit.exportCsv())).split('\r\n');
    expect(csv[0]).toBe(
      'sequence,id,occurredAt,actorType,actorId,action,outcome,originIp,userAgent,requestId,merchantId,resourceType,resourceId,reason,change,prevHash,hash',
    );
    expect(csv).toHaveLength(5); // header, three rows, and the empty string after the last CRLF
    expect(csv[2]).toContain('auth.login_failed,failure');
    expect(csv[2]).toContain('"wrong, ""bad"" password"');
    expect(csv[3]).toContain('"{""after"":{""name"":""=cmd""}}"');

    const failures = await collect(audit.exportJsonLines({ outcome: 'failure' }));
    expect(failures.trim().split('\n')).toHaveLength(1);
  });

  it('keeps a gapless valid chain under concurrent appends, inside and outside callers’ transactions', async () => {
    const alone = Array.from({ length: 30 }, (_, i) => audit.record(login(`usr_${i}`)));
    const inTransactions = Array.from({ length: 10 }, (_, i) =>
      runner.run(async (m) => {
        await audit.record(moneyMovement('payment.refunded', `pay_${i}`), m);
        return audit.record(moneyMovement('payment.voided', `pay_${i}`), m);
      }),
    );
    const sharedTransaction = runner.run((m) =>
      Promise.all(Array.from({ length: 5 }, (_, i) => audit.record(login(`usr_shared_${i}`), m))),
    );
    await Promise.all([...alone, ...inTransactions, sharedTransaction]);

    const rows = await dataSource.getRepository(AuditEntry).find({ order: { sequence: 'ASC' } });
    expect(rows.map((r) => r.sequence)).toEqual(Array.from({ length: 55 }, (_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i].prevHash).toBe(rows[i - 1].hash);
      expect(rows[i].occurredAt.getTime()).toBeGreaterThanOrEqual(rows[i - 1].occurredAt.getTime());
    }
    await expect(audit.verify()).resolves.toEqual({ intact: true, count: 55 });
  });

  it('appends from a head read ahead under the lock, once, and keeps the chain gapless beside other appends', async () => {
    await audit.record(login('usr_0'));
    const ahead = (i: number) =>
      runner.run(async (m) => {
        const statements = audit.lockAheadStatements(m);
        if (kind === 'sqlite') expect(statements).toEqual([]);
        else {
          // As a caller sends them, after statements of its own, in one text.
          const client = (await m.queryRunner!.connect()) as {
            query: (sql: string) => Promise<Array<{ rows: Record<string, unknown>[] }>>;
          };
          await flushDeferredWrites(m);
          const results = await client.query(['SELECT 1', ...statements].join(';\n'));
          audit.tookLockAhead(m, results.at(-1)?.rows[0]);
        }
        // Two appends: the first from the head read ahead, the second after it.
        await audit.record(moneyMovement('payment.captured', `pay_${i}`), m);
        return audit.record(moneyMovement('payment.refunded', `pay_${i}`), m);
      });
    const others = Array.from({ length: 10 }, (_, i) => audit.record(login(`usr_${i + 1}`)));
    await Promise.all([...Array.from({ length: 8 }, (_, i) => ahead(i)), ...others]);
    const rows = await dataSource.getRepository(AuditEntry).find({ order: { sequence: 'ASC' } });
    expect(rows.map((r) => r.sequence)).toEqual(Array.from({ length: 27 }, (_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i].prevHash).toBe(rows[i - 1].hash);
    await expect(audit.verify()).resolves.toEqual({ intact: true, count: 27 });
  });

  it('appends inside the caller’s transaction: a rollback takes the entry with it', async () => {
    await audit.record(login('usr_1'));
    await expect(
      runner.run(async (m) => {
        await audit.record({ actor: { type: 'user', id: 'usr_1' }, action: 'merchant.created' }, m);
        throw new Error('merchant insert failed');
      }),
    ).rejects.toThrow('merchant insert failed');
    const next = await audit.record(login('usr_2'));
    expect(next.sequence).toBe(2);
    await expect(audit.verify()).resolves.toEqual({ intact: true, count: 2 });
  });

  it('lists by filters, newest first, with a cursor that pages through everything once', async () => {
    const before = new Date(Date.now() - 1000);
    for (let i = 0; i < 7; i++) {
      await audit.record({
        actor: { type: i % 2 ? 'api_key' : 'user', id: i % 2 ? 'key_1' : 'usr_1' },
        action: i < 3 ? 'payment.captured' : 'api_key.created',
        outcome: i === 6 ? 'failure' : 'success',
        merchantId: i < 5 ? 'mer_a' : 'mer_b',
        resource: { type: i < 3 ? 'payment' : 'api_key', id: `res_${i}` },
      });
    }

    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<AuditService['list']>> = await audit.list({}, { limit: 3, cursor });
      seen.push(...page.items.map((e) => e.sequence));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);

    const ascending = await audit.list({}, { limit: 4, order: 'asc' });
    expect(ascending.items.map((e) => e.sequence)).toEqual([1, 2, 3, 4]);
    expect(
      (await audit.list({}, { order: 'asc', cursor: ascending.nextCursor })).items.map((e) => e.sequence),
    ).toEqual([5, 6, 7]);

    const sequences = async (filters: Parameters<AuditService['list']>[0]) =>
      (await audit.list(filters)).items.map((e) => e.sequence);
    expect(await sequences({ action: 'payment.captured' })).toEqual([3, 2, 1]);
    expect(await sequences({ action: ['payment.captured', 'api_key.created'], merchantId: 'mer_b' })).toEqual(
      [7, 6],
    );
    expect(await sequences({ actorType: 'api_key' })).toEqual([6, 4, 2]);
    expect(await sequences({ actorId: 'usr_1', outcome: 'failure' })).toEqual([7]);
    expect(await sequences({ resourceType: 'api_key', resourceId: 'res_4' })).toEqual([5]);
    expect(await sequences({ from: before, to: new Date(Date.now() + 1000) })).toHaveLength(7);
    expect(await sequences({ to: before })).toEqual([]);
    expect(await sequences({ from: new Date(Date.now() + 60_000) })).toEqual([]);
  });

  it('refuses bad input with an error naming it', async () => {
    await expect(audit.list({}, { limit: 0 })).rejects.toThrow(
      new AuditInputError('limit', 'limit must be a whole number from 1 to 500'),
    );
    await expect(audit.list({}, { cursor: 'abc' })).rejects.toThrow(/cursor/);
    await expect(audit.list({ from: new Date('nope') })).rejects.toThrow(/from must be a valid date/);
    await expect(audit.list({ outcome: 'maybe' as never })).rejects.toThrow(/outcome must be one of/);
    await expect(audit.record({ actor: { type: 'robot' as never }, action: 'auth.login' })).rejects.toThrow(
      /actor\.type/,
    );
    await expect(audit.record({ actor: { type: 'user' }, action: 'Login' })).rejects.toThrow(
      /'Login' is not a 'domain.verb' name/,
    );
    await expect(
      audit.record({ actor: { type: 'user', id: 'x'.repeat(101) }, action: 'auth.login' }),
    ).rejects.toThrow(/actor\.id is longer than 100/);
    expect(() => new AuditService(runner, { retentionDays: 30 })).toThrow(
      /retentionDays is 30: expected .* at least 365/,
    );
    expect(await dataSource.getRepository(AuditEntry).count()).toBe(0);
  });

  it('reports an altered entry at its own sequence', async () => {
    for (let i = 1; i <= 5; i++) await audit.record(login(`usr_${i}`));
    await tamper(`UPDATE audit_entries SET action = 'auth.logout' WHERE sequence = 3`);
    await expect(audit.verify()).resolves.toEqual({
      intact: false,
      firstBrokenSequence: 3,
      reason: 'entry 3 was altered (its content does not match its hash)',
    });
  });

  it('reports a re-hashed entry where the next one no longer chains', async () => {
    for (let i = 1; i <= 5; i++) await audit.record(login(`usr_${i}`));
    const entry = await dataSource.getRepository(AuditEntry).findOneByOrFail({ sequence: 3 });
    const forged = computeAuditHash(entry.prevHash, { ...entry, actorId: 'usr_innocent' });
    await tamper(`UPDATE audit_entries SET actor_id = 'usr_innocent', hash = '${forged}' WHERE sequence = 3`);
    await expect(audit.verify()).resolves.toMatchObject({
      intact: false,
      firstBrokenSequence: 4,
      reason: expect.stringMatching(/prev_hash/),
    });
  });

  it('reports a deleted entry and an unreadable one', async () => {
    for (let i = 1; i <= 4; i++) await audit.record(login(`usr_${i}`, { change: { after: { i } } }));
    await tamper(`UPDATE audit_entries SET change = '{broken' WHERE sequence = 4`);
    await expect(audit.verify()).resolves.toEqual({
      intact: false,
      firstBrokenSequence: 4,
      reason: 'entry 4 cannot be read',
    });
    await tamper(`DELETE FROM audit_entries WHERE sequence = 2`);
    await expect(audit.verify()).resolves.toEqual({
      intact: false,
      firstBrokenSequence: 2,
      reason: 'entry 2 is missing (the next entry is 3)',
    });
  });

  describe('retention', () => {
    const longAgo = new Date(Date.now() - 500 * DAY);

    it('purges entries past retention, keeps a checkpoint, records the purge, and still verifies', async () => {
      await at(longAgo, async () => {
        for (let i = 1; i <= 5; i++) await audit.record(login(`usr_${i}`));
      });
      for (let i = 6; i <= 8; i++) await audit.record(login(`usr_${i}`));

      const result = await audit.purgeExpired();
      expect(result).toMatchObject({ purged: 5, throughSequence: 5 });

      const left = await dataSource.getRepository(AuditEntry).find({ order: { sequence: 'ASC' } });
      expect(left.map((e) => [e.sequence, e.action])).toEqual([
        [6, 'auth.login'],
        [7, 'auth.login'],
        [8, 'auth.login'],
        [9, 'audit.purged'],
      ]);
      expect(left[3].change).toEqual({
        after: { throughSequence: 5, purgedBefore: result.cutoff.toISOString(), purged: 5 },
      });
      const [checkpoint] = await dataSource.getRepository(AuditCheckpoint).find();
      expect(checkpoint).toMatchObject({ throughSequence: 5, throughHash: left[0].prevHash, purgedCount: 5 });
      await expect(audit.verify()).resolves.toEqual({ intact: true, count: 4 });

      await expect(audit.purgeExpired()).resolves.toMatchObject({ purged: 0, throughSequence: null });
      expect(await dataSource.getRepository(AuditEntry).count()).toBe(4);

      // Tampering after a purge is still found, counted from the checkpoint.
      await tamper(`UPDATE audit_entries SET outcome = 'failure' WHERE sequence = 7`);
      await expect(audit.verify()).resolves.toMatchObject({ intact: false, firstBrokenSequence: 7 });
    });

    it('purges again later, counting on from the last checkpoint', async () => {
      await at(longAgo, async () => {
        await audit.record(login('usr_1'));
        await audit.record(login('usr_2'));
      });
      await expect(audit.purgeExpired()).resolves.toMatchObject({ purged: 2, throughSequence: 2 });
      await expect(at(new Date(Date.now() + 900 * DAY), () => audit.purgeExpired())).resolves.toMatchObject({
        purged: 1,
        throughSequence: 3,
      });
      const next = await audit.record(login('usr_3'));
      expect(next.sequence).toBe(5);
      expect(await dataSource.getRepository(AuditCheckpoint).count()).toBe(2);
      await expect(audit.verify()).resolves.toEqual({ intact: true, count: 2 });
    });

    it('refuses a cutoff inside retention, and a purge of a broken trail', async () => {
      await expect(audit.purgeOlderThan(new Date(Date.now() - 100 * DAY))).rejects.toThrow(
        /kept 400 days: the cutoff must be .* or earlier/,
      );
      await expect(audit.purgeOlderThan(new Date('x'))).rejects.toThrow(/cutoff must be a valid date/);

      await at(longAgo, async () => {
        for (let i = 1; i <= 3; i++) await audit.record(login(`usr_${i}`));
      });
      await tamper(`UPDATE audit_entries SET actor_id = 'usr_other' WHERE sequence = 2`);
      await expect(audit.purgeExpired()).rejects.toThrow(/refusing to purge a broken audit trail: entry 2/);
      expect(await dataSource.getRepository(AuditEntry).count()).toBe(3);
    });
  });
});
