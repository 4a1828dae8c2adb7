import { Inject, Injectable, Optional } from '@nestjs/common';
import type { EntityManager, EntityMetadata, QueryDeepPartialEntity, SelectQueryBuilder } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { insertRow, newId, queryAfterWaiting, TransactionRunner } from '@payrail/database';
import { redact, redactText } from '@payrail/plugin-sdk';
import { AuditCheckpoint } from './audit-checkpoint.entity';
import { AuditEntry, type AuditChange } from './audit-entry.entity';
import { auditEntryJson, AUDIT_CSV_COLUMNS, csvLine } from './audit-format';
import { computeAuditHash, GENESIS_HASH } from './audit-hash';
import { AUDIT_OPTIONS } from './audit.module-definition';
import { auditRetentionDays, type AuditOptions } from './audit-retention';
import {
  AUDIT_ACTOR_TYPES,
  AUDIT_OUTCOMES,
  AuditInputError,
  type AuditFilters,
  type AuditPage,
  type AuditPagination,
  type AuditPurgeResult,
  type AuditRecordInput,
  type AuditVerification,
} from './audit.types';

/** The PostgreSQL advisory lock that serializes appends across connections and instances. */
export const AUDIT_CHAIN_LOCK = 7_240_917_001;
/** `SET LOCAL payrail.audit_purge = 'on'` lets a purge through the append-only trigger. */
export const AUDIT_PURGE_SETTING = 'payrail.audit_purge';

const DAY_MS = 24 * 60 * 60 * 1000;
const BATCH = 500;
const ACTION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

type Draft = Omit<
  AuditEntry,
  'id' | 'sequence' | 'occurredAt' | 'prevHash' | 'hash' | 'createdAt' | 'updatedAt'
>;

interface ChainHead {
  sequence: number;
  hash: string;
  occurredAt: Date | null;
}

function limited(param: string, value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string') throw new AuditInputError(param, `${param} must be a string`);
  if (value.length > max) throw new AuditInputError(param, `${param} is longer than ${max} characters`);
  return value;
}

/** Client-supplied text (user agent, request id) is cut to fit rather than refused. */
function clipped(value: string | null | undefined, max: number): string | null {
  if (typeof value !== 'string' || value === '') return null;
  return redactText(value).slice(0, max);
}

/** Redacted, and reduced to what JSON keeps, so the stored change hashes the same when read back. */
function normalizedChange(change: AuditRecordInput['change']): AuditChange | null {
  if (!change || (change.before === undefined && change.after === undefined)) return null;
  const safe = redact({ before: change.before, after: change.after });
  return JSON.parse(
    JSON.stringify(safe, (_key, v) => (typeof v === 'bigint' ? v.toString() : v)),
  ) as AuditChange;
}

interface HeadStatement {
  sql: string;
  columns: ColumnMetadata[];
}

const headStatements = new WeakMap<EntityMetadata, HeadStatement>();

/** `SELECT sequence, hash, occurred_at … ORDER BY sequence DESC LIMIT 1`, built once per table. */
function headStatement(manager: EntityManager): HeadStatement {
  const metadata = manager.connection.getMetadata(AuditEntry);
  let head = headStatements.get(metadata);
  if (head) return head;
  const driver = manager.connection.driver;
  const table = metadata.tablePath
    .split('.')
    .map((part) => driver.escape(part))
    .join('.');
  const columns = ['sequence', 'hash', 'occurredAt'].map((p) => {
    const column = metadata.findColumnWithPropertyPath(p);
    if (!column) throw new Error(`AuditEntry has no column ${p}`);
    return column;
  });
  const sql =
    `SELECT ${columns.map((c) => driver.escape(c.databaseName)).join(', ')} FROM ${table} ` +
    `ORDER BY ${driver.escape(columns[0].databaseName)} DESC LIMIT 1`;
  headStatements.set(metadata, (head = { sql, columns }));
  return head;
}

/**
 * The tamper-evident audit trail: appends chained entries, lists and exports them, verifies the
 * chain, and purges entries past retention. Needs `TransactionRunner` from the host app, so that
 * on SQLite appends share the one queue of transactions with every other writer.
 */
@Injectable()
export class AuditService {
  readonly retentionDays: number;
  private readonly queues = new WeakMap<object, Promise<unknown>>();
  /** Chain heads read ahead under the lock (`lockAheadStatements`), by their transaction's query runner. */
  private readonly headsAhead = new WeakMap<object, Record<string, unknown> | null>();

  constructor(
    private readonly transactions: TransactionRunner,
    @Optional() @Inject(AUDIT_OPTIONS) options?: AuditOptions,
  ) {
    this.retentionDays = auditRetentionDays(options ?? {});
  }

  private get postgres(): boolean {
    return this.transactions.dataSource.options.type === 'postgres';
  }

  /**
   * Appends one entry. Pass the caller's transactional `manager` to append inside its
   * transaction (the entry then commits or rolls back with the change it records).
   */
  async record(input: AuditRecordInput, manager?: EntityManager): Promise<AuditEntry> {
    const draft = this.draft(input);
    if (manager?.queryRunner?.isTransactionActive) {
      return this.oneAtATime(manager, () => this.append(manager, draft));
    }
    return this.transactions.run((m) => this.append(m, draft));
  }

  async list(filters: AuditFilters = {}, pagination: AuditPagination = {}): Promise<AuditPage> {
    const limit = pagination.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      throw new AuditInputError('limit', 'limit must be a whole number from 1 to 500');
    }
    const order = pagination.order ?? 'desc';
    if (order !== 'asc' && order !== 'desc')
      throw new AuditInputError('order', "order must be 'asc' or 'desc'");
    const qb = this.filtered(this.transactions.dataSource.manager, filters);
    if (pagination.cursor) {
      if (!/^\d{1,15}$/.test(pagination.cursor)) {
        throw new AuditInputError('cursor', 'cursor is not one this endpoint returned');
      }
      qb.andWhere(order === 'desc' ? 'e.sequence < :cursor' : 'e.sequence > :cursor', {
        cursor: Number(pagination.cursor),
      });
    }
    const rows = await qb
      .orderBy('e.sequence', order === 'desc' ? 'DESC' : 'ASC')
      .limit(limit + 1)
      .getMany();
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? String(items[items.length - 1].sequence) : null };
  }

  /** Walks the whole chain from the genesis (or the last purge checkpoint) to the newest entry. */
  async verify(): Promise<AuditVerification> {
    const manager = this.transactions.dataSource.manager;
    for (let attempt = 0; ; attempt++) {
      const start = await this.latestCheckpoint(manager);
      const result = await this.walk(manager, start);
      const end = await this.latestCheckpoint(manager);
      // A purge that ran meanwhile removed entries under our feet: walk again from its checkpoint.
      if (result.intact || attempt >= 2 || start?.id === end?.id) return result;
    }
  }

  /** One JSON object per line, oldest first, with the hashes, so a copy can be verified offline. */
  async *exportJsonLines(filters: AuditFilters = {}): AsyncIterable<string> {
    for await (const entry of this.scan(filters)) yield `${JSON.stringify(auditEntryJson(entry))}\n`;
  }

  /** CSV (RFC 4180) with a header row, oldest first; `change` is a JSON column. */
  async *exportCsv(filters: AuditFilters = {}): AsyncIterable<string> {
    yield csvLine([...AUDIT_CSV_COLUMNS]);
    for await (const entry of this.scan(filters)) {
      const json = auditEntryJson(entry);
      yield csvLine(AUDIT_CSV_COLUMNS.map((column) => json[column]));
    }
  }

  /** Purges what the retention setting allows to go. */
  purgeExpired(now = new Date()): Promise<AuditPurgeResult> {
    return this.purgeOlderThan(new Date(now.getTime() - this.retentionDays * DAY_MS));
  }

  /**
   * Removes the oldest entries, those before `cutoff`, after checking that they are intact. The
   * last removed entry's hash is kept as a checkpoint, from which the rest still verifies, and
   * the purge itself is recorded as an `audit.purged` entry. Refuses a cutoff inside retention.
   */
  async purgeOlderThan(cutoff: Date): Promise<AuditPurgeResult> {
    if (!(cutoff instanceof Date) || Number.isNaN(cutoff.getTime())) {
      throw new AuditInputError('cutoff', 'cutoff must be a valid date');
    }
    const latestAllowed = new Date(Date.now() - this.retentionDays * DAY_MS);
    if (cutoff.getTime() > latestAllowed.getTime()) {
      throw new AuditInputError(
        'cutoff',
        `audit entries are kept ${this.retentionDays} days: the cutoff must be ${latestAllowed.toISOString()} or earlier`,
      );
    }
    return this.transactions.run(async (manager) => {
      await this.lockChain(manager);
      const checkpoint = await this.latestCheckpoint(manager);
      const after = checkpoint?.throughSequence ?? 0;
      const firstKept = await manager
        .createQueryBuilder(AuditEntry, 'e')
        .select('MIN(e.sequence)', 'sequence')
        .where('e.occurredAt >= :cutoff', { cutoff })
        .getRawOne<{ sequence: number | string | null }>();
      const head = await this.chainHead(manager);
      const through = firstKept?.sequence != null ? Number(firstKept.sequence) - 1 : head.sequence;
      if (through <= after) return { purged: 0, throughSequence: null, cutoff };

      const check = await this.walk(manager, checkpoint, through);
      if (!check.intact) {
        throw new Error(
          `refusing to purge a broken audit trail: entry ${check.firstBrokenSequence}: ${check.reason}`,
        );
      }
      const last = await manager.findOneByOrFail(AuditEntry, { sequence: through });
      const purgedCount = through - after;
      await manager.insert(AuditCheckpoint, {
        id: newId('audcp'),
        throughSequence: through,
        throughHash: last.hash,
        purgedBefore: cutoff,
        purgedCount,
      });
      if (this.postgres) await manager.query(`SET LOCAL ${AUDIT_PURGE_SETTING} = 'on'`);
      await manager
        .createQueryBuilder()
        .delete()
        .from(AuditEntry)
        .where('sequence <= :through', { through })
        .execute();
      if (this.postgres) await manager.query(`SET LOCAL ${AUDIT_PURGE_SETTING} = 'off'`);
      await this.append(
        manager,
        this.draft({
          actor: { type: 'system', id: 'audit-retention' },
          action: 'audit.purged',
          resource: { type: 'audit_entries' },
          change: {
            after: { throughSequence: through, purgedBefore: cutoff.toISOString(), purged: purgedCount },
          },
        }),
      );
      return { purged: purgedCount, throughSequence: through, cutoff };
    });
  }

  private draft(input: AuditRecordInput): Draft {
    if (!input || typeof input !== 'object') throw new AuditInputError('entry', 'an audit entry is required');
    if (!AUDIT_ACTOR_TYPES.includes(input.actor?.type)) {
      throw new AuditInputError('actor.type', `actor.type must be one of ${AUDIT_ACTOR_TYPES.join(', ')}`);
    }
    if (typeof input.action !== 'string' || input.action.length > 64 || !ACTION.test(input.action)) {
      throw new AuditInputError('action', `action '${String(input.action)}' is not a 'domain.verb' name`);
    }
    const outcome = input.outcome ?? 'success';
    if (!AUDIT_OUTCOMES.includes(outcome)) {
      throw new AuditInputError('outcome', `outcome must be one of ${AUDIT_OUTCOMES.join(', ')}`);
    }
    if (input.resource && !input.resource.type) {
      throw new AuditInputError('resource.type', 'a resource needs a type');
    }
    const reason = typeof input.reason === 'string' && input.reason ? redactText(input.reason) : null;
    return {
      actorType: input.actor.type,
      actorId: limited('actor.id', input.actor.id, 100),
      action: input.action,
      outcome,
      originIp: clipped(input.origin?.ip, 64),
      userAgent: clipped(input.origin?.userAgent, 500),
      requestId: clipped(input.origin?.requestId, 100),
      merchantId: limited('merchantId', input.merchantId, 40),
      resourceType: limited('resource.type', input.resource?.type, 40),
      resourceId: limited('resource.id', input.resource?.id, 100),
      reason: reason === null ? null : reason.slice(0, 500),
      change: normalizedChange(input.change),
    };
  }

  /**
   * On PostgreSQL, in a transaction that is about to append, the statements that take the chain's
   * lock and read its head, for a caller to send with statements of its own: it hands the answer
   * of the last one to `tookLockAhead`, and the transaction's next append uses that head instead
   * of a round trip of its own. The lock is held from then until the transaction ends, as an
   * append's is, so the head stays the chain's. None on SQLite or outside a transaction.
   */
  lockAheadStatements(manager: EntityManager): string[] {
    if (!this.postgres || !manager.queryRunner) return [];
    return [`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`, headStatement(manager).sql];
  }

  /** The row the head's read of `lockAheadStatements` gave (none for an empty chain). */
  tookLockAhead(manager: EntityManager, row: Record<string, unknown> | undefined): void {
    if (manager.queryRunner) this.headsAhead.set(manager.queryRunner, row ?? null);
  }

  /** Appends under the chain lock; the caller holds a transaction on `manager`. */
  private async append(manager: EntityManager, draft: Draft): Promise<AuditEntry> {
    const head = await this.lockedHead(manager);
    const now = new Date();
    // Time never runs backwards along the chain, even if instances' clocks disagree a little.
    const occurredAt = head.occurredAt && head.occurredAt > now ? new Date(head.occurredAt) : now;
    const entry = manager.create(AuditEntry, {
      ...draft,
      id: newId('aud'),
      createdAt: now,
      updatedAt: now,
      sequence: head.sequence + 1,
      occurredAt,
      prevHash: head.hash,
    });
    entry.hash = computeAuditHash(entry.prevHash, entry);
    // Every column is set here: no read-back of the inserted row.
    await insertRow(manager, AuditEntry, entry as QueryDeepPartialEntity<AuditEntry>);
    return entry;
  }

  private async lockChain(manager: EntityManager): Promise<void> {
    // Held until the transaction ends; SQLite's single connection is serialized by TransactionRunner.
    if (this.postgres) await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
  }

  /** Appends sharing one caller transaction run one at a time. */
  private oneAtATime<T>(manager: EntityManager, work: () => Promise<T>): Promise<T> {
    const key = manager.queryRunner ?? manager;
    const result = (this.queues.get(key) ?? Promise.resolve()).then(work);
    this.queues.set(
      key,
      result.catch(() => undefined),
    );
    return result;
  }

  /**
   * Takes the chain's lock and reads its head. On PostgreSQL both go in one simple query, the
   * lock first: under READ COMMITTED each statement of it reads with a snapshot of its own, taken
   * when it starts, so the head is read after the lock is granted and sees every append committed
   * before, as a statement of its own would; one round trip instead of two. (One statement that
   * took the lock inside the head's read would read with a snapshot taken before the lock.)
   */
  private async lockedHead(manager: EntityManager): Promise<ChainHead> {
    const transaction = manager.queryRunner ?? manager;
    if (this.headsAhead.has(transaction)) {
      // Read under the lock this transaction took ahead (`lockAheadStatements`); used once.
      const row = this.headsAhead.get(transaction);
      this.headsAhead.delete(transaction);
      return this.headFrom(manager, headStatement(manager), row ?? undefined);
    }
    if (!this.postgres || !manager.queryRunner) {
      await this.lockChain(manager);
      return this.chainHead(manager);
    }
    const head = headStatement(manager);
    // What the transaction has waiting (its start, queued inserts) goes first, in the same text.
    const results = await queryAfterWaiting(
      manager,
      `SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK}); ${head.sql}`,
    );
    return this.headFrom(manager, head, results.at(-1)?.rows[0]);
  }

  /** The last entry's sequence, hash and time, read by one statement prepared once (no query builder). */
  private async chainHead(manager: EntityManager): Promise<ChainHead> {
    const head = headStatement(manager);
    const [row] = (await manager.query(head.sql)) as Record<string, unknown>[];
    return this.headFrom(manager, head, row);
  }

  /** The head a row of `headStatement` gives; without one, the latest checkpoint's, or the genesis. */
  private async headFrom(
    manager: EntityManager,
    head: HeadStatement,
    row: Record<string, unknown> | undefined,
  ): Promise<ChainHead> {
    if (row) {
      const driver = manager.connection.driver;
      const [sequence, hash, occurredAt] = head.columns.map((c) =>
        driver.prepareHydratedValue(row[c.databaseName], c),
      );
      return { sequence: Number(sequence), hash: hash as string, occurredAt: occurredAt as Date };
    }
    const checkpoint = await this.latestCheckpoint(manager);
    if (checkpoint)
      return { sequence: checkpoint.throughSequence, hash: checkpoint.throughHash, occurredAt: null };
    return { sequence: 0, hash: GENESIS_HASH, occurredAt: null };
  }

  private async latestCheckpoint(manager: EntityManager): Promise<AuditCheckpoint | null> {
    const [checkpoint] = await manager.find(AuditCheckpoint, { order: { throughSequence: 'DESC' }, take: 1 });
    return checkpoint ?? null;
  }

  /** Checks sequence, link and hash of every entry after `from`, up to `through` (default: all). */
  private async walk(
    manager: EntityManager,
    from: AuditCheckpoint | null,
    through = Number.MAX_SAFE_INTEGER,
  ): Promise<AuditVerification> {
    let prevHash = from?.throughHash ?? GENESIS_HASH;
    let expected = (from?.throughSequence ?? 0) + 1;
    let count = 0;
    for (;;) {
      const batch = await this.readBatch(manager, expected - 1, Math.min(BATCH, through - expected + 1));
      if (batch.length === 0) return { intact: true, count };
      for (const row of batch) {
        if (row instanceof UnreadableEntry) {
          return {
            intact: false,
            firstBrokenSequence: row.sequence,
            reason: `entry ${row.sequence} cannot be read`,
          };
        }
        if (row.sequence !== expected) {
          return {
            intact: false,
            firstBrokenSequence: expected,
            reason: `entry ${expected} is missing (the next entry is ${row.sequence})`,
          };
        }
        if (row.prevHash !== prevHash) {
          return {
            intact: false,
            firstBrokenSequence: expected,
            reason: `entry ${expected} does not chain from entry ${expected - 1} (prev_hash differs)`,
          };
        }
        if (computeAuditHash(prevHash, row) !== row.hash) {
          return {
            intact: false,
            firstBrokenSequence: expected,
            reason: `entry ${expected} was altered (its content does not match its hash)`,
          };
        }
        prevHash = row.hash;
        expected++;
        count++;
      }
      if (expected > through) return { intact: true, count };
    }
  }

  /** Entries after `after`, in order; a row that cannot even be parsed is reported, not thrown. */
  private async readBatch(
    manager: EntityManager,
    after: number,
    size: number,
  ): Promise<(AuditEntry | UnreadableEntry)[]> {
    const query = () =>
      manager
        .createQueryBuilder(AuditEntry, 'e')
        .where('e.sequence > :after', { after })
        .orderBy('e.sequence', 'ASC')
        .limit(size);
    try {
      return await query().getMany();
    } catch {
      const sequences = await query()
        .select('e.sequence', 'sequence')
        .getRawMany<{ sequence: number | string }>();
      const rows: (AuditEntry | UnreadableEntry)[] = [];
      for (const { sequence } of sequences) {
        try {
          rows.push(await manager.findOneByOrFail(AuditEntry, { sequence: Number(sequence) }));
        } catch {
          rows.push(new UnreadableEntry(Number(sequence)));
          break;
        }
      }
      return rows;
    }
  }

  private async *scan(filters: AuditFilters): AsyncIterable<AuditEntry> {
    let after = 0;
    for (;;) {
      const batch = await this.filtered(this.transactions.dataSource.manager, filters)
        .andWhere('e.sequence > :after', { after })
        .orderBy('e.sequence', 'ASC')
        .limit(BATCH)
        .getMany();
      yield* batch;
      if (batch.length < BATCH) return;
      after = batch[batch.length - 1].sequence;
    }
  }

  private filtered(manager: EntityManager, filters: AuditFilters): SelectQueryBuilder<AuditEntry> {
    const qb = manager.createQueryBuilder(AuditEntry, 'e').where('1 = 1');
    const f = filters ?? {};
    if (f.action !== undefined) {
      const actions = Array.isArray(f.action) ? f.action : [f.action];
      if (actions.length === 0 || actions.some((a) => typeof a !== 'string' || !a)) {
        throw new AuditInputError('action', 'action filter must name one or more actions');
      }
      qb.andWhere('e.action IN (:...actions)', { actions });
    }
    if (f.actorType !== undefined) {
      if (!AUDIT_ACTOR_TYPES.includes(f.actorType)) {
        throw new AuditInputError('actorType', `actorType must be one of ${AUDIT_ACTOR_TYPES.join(', ')}`);
      }
      qb.andWhere('e.actorType = :actorType', { actorType: f.actorType });
    }
    if (f.outcome !== undefined) {
      if (!AUDIT_OUTCOMES.includes(f.outcome)) {
        throw new AuditInputError('outcome', `outcome must be one of ${AUDIT_OUTCOMES.join(', ')}`);
      }
      qb.andWhere('e.outcome = :outcome', { outcome: f.outcome });
    }
    for (const key of ['actorId', 'merchantId', 'resourceType', 'resourceId'] as const) {
      if (f[key] !== undefined) qb.andWhere(`e.${key} = :${key}`, { [key]: f[key] });
    }
    for (const key of ['from', 'to'] as const) {
      const value = f[key];
      if (value === undefined) continue;
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
        throw new AuditInputError(key, `${key} must be a valid date`);
      }
      qb.andWhere(key === 'from' ? 'e.occurredAt >= :from' : 'e.occurredAt < :to', { [key]: value });
    }
    return qb;
  }
}

class UnreadableEntry {
  constructor(readonly sequence: number) {}
}
