import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository, type EntityManager } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { insertRow, isUniqueViolation, newId, TransactionRunner, writeRows } from '@payrail/database';
import { IdempotencyRecord } from './entities/idempotency-record.entity';

/** Keys are remembered at least this long. */
export const IDEMPOTENCY_TTL_MS = 48 * 3600_000;
/** A concurrent duplicate waits this long for the first request to finish before it gets a 409. */
export const IDEMPOTENCY_WAIT_MS = 10_000;
/** An in-progress key older than this belongs to a request that died (a crash). */
export const IDEMPOTENCY_STALE_MS = 60_000;

export type IdempotencyBegin =
  { kind: 'new'; record: IdempotencyRecord } | { kind: 'replay'; status: number; body: unknown };

/**
 * A request's key while it runs: the resource it acts on, and whether that link is written yet.
 * The interceptor opens it and the request's context carries it to the writes that store it.
 */
export interface RequestKey {
  recordId: string;
  record: IdempotencyRecord;
  /** `pending`: a deferred record not written yet; `written`: in a transaction not committed yet. */
  claim: 'pending' | 'written' | 'stored';
  resourceId: string | null;
  written: boolean;
  /** How the route answers with the resource its last outcome leaves, when it says so (`AnswerWith`). */
  answer?: RouteAnswer;
  /** The answer written in an outcome's transaction not committed yet, then the one committed. */
  pendingAnswer: string | null;
  storedAnswer: string | null;
}

/** A route's success status and the presenter of the resource it answers with. */
export interface RouteAnswer {
  status: number;
  present: (resource: never) => unknown;
}

function checkKey(key: string): void {
  if (key.length === 0 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw ApiError.invalid(
      'Idempotency-Key',
      'Idempotency-Key must be 1 to 255 printable ASCII characters without spaces',
      'idempotency_key_invalid',
    );
  }
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${canonical(body)}`)
    .digest('hex');
}

/**
 * Stripe's semantics for the merchant's `Idempotency-Key`: the same key and request replay the
 * first response; the same key with another request is a 422; a concurrent duplicate waits
 * for the first to finish and replays it, or gets a 409 — it never reaches a gateway. Its writes
 * are lazy commits: the attempt's commit before a gateway call puts them on disk, and a completion
 * lost to a power cut leaves the key in progress on a payment that recovery settles.
 */
@Injectable()
export class IdempotencyService {
  /** The resource each request in progress acts on, by its record id, until the request ends. */
  private readonly inProgress = new Map<string, RequestKey>();

  constructor(
    private readonly tx: TransactionRunner,
    @InjectRepository(IdempotencyRecord) private readonly records: Repository<IdempotencyRecord>,
  ) {}

  /**
   * The request's key, for its context to carry. A `deferred` record (from `reserve`) is not
   * stored yet: the request's first gateway attempt inserts it in its own transaction
   * (`writeKey`), so the claim costs no commit of its own; a duplicate that got there first
   * makes that transaction fail.
   */
  open(record: IdempotencyRecord, options: { deferred?: boolean; answer?: RouteAnswer } = {}): RequestKey {
    const key: RequestKey = {
      recordId: record.id,
      record,
      claim: options.deferred ? 'pending' : 'stored',
      resourceId: null,
      written: false,
      answer: options.answer,
      pendingAnswer: null,
      storedAnswer: null,
    };
    this.inProgress.set(record.id, key);
    return key;
  }

  /** A new in-progress record for the key, in memory only: `runInScope` with `deferred` stores it with the request's first write. */
  reserve(merchantId: string, key: string, fingerprint: string): IdempotencyRecord {
    checkKey(key);
    return this.newRecord(merchantId, key, fingerprint);
  }

  /** Whether the request's own record is stored (a deferred one only once its transaction committed). */
  claimStored(record: IdempotencyRecord): boolean {
    return this.inProgress.get(record.id)?.claim === 'stored';
  }

  /**
   * Gives up a deferred record that was never stored, for `begin` to decide by the stored key;
   * the resource it named carries over to `next`, the record `begin` stores instead.
   */
  replace(record: IdempotencyRecord, next: IdempotencyRecord): void {
    const key = this.inProgress.get(record.id);
    this.inProgress.delete(record.id);
    if (key?.resourceId)
      this.inProgress.set(next.id, {
        ...key,
        recordId: next.id,
        record: next,
        claim: 'stored',
        written: false,
        pendingAnswer: null,
        storedAnswer: null,
      });
  }

  /** Drops what is known of a request that ended without a record of its own (it replayed another's). */
  forget(record: IdempotencyRecord): void {
    this.inProgress.delete(record.id);
  }

  private newRecord(merchantId: string, key: string, fingerprint: string): IdempotencyRecord {
    const now = new Date();
    return this.records.create({
      id: newId('idk'),
      createdAt: now,
      updatedAt: now,
      merchantId,
      key,
      fingerprint,
      state: 'in_progress',
      responseStatus: null,
      responseBody: null,
      resourceId: null,
      lockedAt: now,
      expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
    });
  }

  async begin(merchantId: string, key: string, fingerprint: string): Promise<IdempotencyBegin> {
    checkKey(key);
    const deadline = Date.now() + IDEMPOTENCY_WAIT_MS;
    for (;;) {
      const record = this.newRecord(merchantId, key, fingerprint);
      try {
        await this.tx.lazy((m) => insertRow(m, IdempotencyRecord, record));
        return { kind: 'new', record };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      const existing = await this.records.findOneBy({ merchantId, key });
      if (!existing) continue; // purged between the insert and the read
      if (existing.expiresAt.getTime() <= Date.now()) {
        await this.tx.lazy((m) =>
          m.delete(IdempotencyRecord, { id: existing.id, expiresAt: LessThan(new Date()) }),
        );
        continue;
      }
      if (existing.fingerprint !== fingerprint) {
        throw new ApiError(422, {
          type: 'idempotency_error',
          code: 'idempotency_mismatch',
          message: `Idempotency-Key '${key}' was already used with another request (a different path or body); use a new key for a new request`,
          param: 'Idempotency-Key',
        });
      }
      if (existing.state === 'completed') {
        return {
          kind: 'replay',
          status: existing.responseStatus ?? 200,
          body: JSON.parse(existing.responseBody ?? 'null'),
        };
      }
      if (Date.now() - existing.lockedAt.getTime() > IDEMPOTENCY_STALE_MS) {
        if (existing.resourceId) {
          throw new ApiError(409, {
            type: 'idempotency_error',
            code: 'idempotency_in_progress',
            message: `the first request with this Idempotency-Key did not finish; its payment ${existing.resourceId} is being settled: GET it for its state`,
            payment_id: existing.resourceId,
          });
        }
        // The first request died before it did anything: this one takes over.
        const taken = await this.tx.lazy((m) =>
          m.update(
            IdempotencyRecord,
            { id: existing.id, lockedAt: existing.lockedAt, state: 'in_progress' },
            { lockedAt: new Date() },
          ),
        );
        if (taken.affected === 1) return { kind: 'new', record: { ...existing, lockedAt: new Date() } };
        continue;
      }
      if (Date.now() >= deadline) {
        throw new ApiError(409, {
          type: 'idempotency_error',
          code: 'idempotency_in_progress',
          message: `a request with Idempotency-Key '${key}' is still being processed; retry after it finishes`,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async complete(record: IdempotencyRecord, status: number, body: unknown): Promise<void> {
    const key = this.inProgress.get(record.id);
    const resourceId = key?.resourceId;
    this.inProgress.delete(record.id);
    // The last outcome's transaction stored this very answer already (`writeAnswer`).
    if (
      key?.storedAnswer != null &&
      key.answer?.status === status &&
      key.storedAnswer === JSON.stringify(body)
    )
      return;
    if (key?.claim === 'pending') {
      // Answered without a write of its own: the record is stored completed at once. A
      // duplicate's record that got there first stands.
      await this.tx
        .lazy((m) =>
          insertRow(m, IdempotencyRecord, {
            ...record,
            state: 'completed',
            responseStatus: status,
            responseBody: JSON.stringify(body),
            resourceId: resourceId ?? null,
          } as never),
        )
        .catch((error: unknown) => {
          if (!isUniqueViolation(error)) throw error;
        });
      return;
    }
    await this.tx.lazy((m) =>
      m.update(
        IdempotencyRecord,
        { id: record.id },
        {
          state: 'completed',
          responseStatus: status,
          responseBody: JSON.stringify(body),
          ...(resourceId ? { resourceId } : {}),
        },
      ),
    );
  }

  /** Forgets a key whose request did nothing (refused by validation), so it may be used again. */
  async abandon(record: IdempotencyRecord): Promise<void> {
    const key = this.inProgress.get(record.id);
    this.inProgress.delete(record.id);
    if (key?.claim === 'pending') return;
    await this.tx.lazy((m) => m.delete(IdempotencyRecord, { id: record.id }));
  }

  async hasResource(record: IdempotencyRecord): Promise<boolean> {
    if (this.inProgress.get(record.id)?.resourceId) return true;
    const current = await this.records.findOneBy({ id: record.id });
    return !!current?.resourceId;
  }

  /**
   * Links the current request's key to the payment it created or acts on: in the given
   * transaction, or else with the request's next gateway attempt (`writeResource`) or its
   * completion, whichever comes first, so a capture or a refund spends no commit of its own on it.
   */
  async attachResource(
    key: RequestKey | undefined,
    manager: EntityManager | undefined,
    resourceId: string,
  ): Promise<void> {
    if (!key) return;
    if (key.resourceId === resourceId && key.written) return;
    key.resourceId = resourceId;
    key.written = false;
    if (manager) await this.writeKey(key, manager);
  }

  /** Forgets the link of a request whose transaction that wrote it rolled back. */
  detachResource(key: RequestKey | undefined): void {
    if (key) Object.assign(key, { resourceId: null, written: false });
  }

  /**
   * In the caller's transaction: stores the request's deferred record (with the resource it
   * names), or the link `attachResource` made, whichever is not written yet.
   */
  async writeKey(key: RequestKey | undefined, manager: EntityManager): Promise<void> {
    if (!key) return;
    if (key.claim === 'pending') {
      await insertRow(manager, IdempotencyRecord, { ...key.record, resourceId: key.resourceId } as never);
      key.claim = 'written';
      key.written = !!key.resourceId;
      return;
    }
    if (!key.resourceId || key.written) return;
    await manager.update(IdempotencyRecord, { id: key.recordId }, { resourceId: key.resourceId });
    key.written = true;
  }

  /**
   * In an outcome's transaction: stores the request's answer, the route's presentation of the
   * resource that outcome leaves, so the key is completed in the outcome's commit. Only for a
   * route that names its presenter (`AnswerWith`) and a key already stored; `complete` then
   * writes nothing if the handler answers the same, and overwrites it if not.
   */
  async writeAnswer(key: RequestKey | undefined, manager: EntityManager, resource: unknown): Promise<void> {
    if (!key?.answer || key.claim !== 'stored') return;
    const text = JSON.stringify(key.answer.present(resource as never));
    await writeRows(
      manager,
      IdempotencyRecord,
      {
        state: 'completed',
        responseStatus: key.answer.status,
        responseBody: text,
        ...(key.resourceId ? { resourceId: key.resourceId } : {}),
      },
      { id: key.recordId },
    );
    key.pendingAnswer = text;
  }

  /** The outcome's transaction `writeAnswer` wrote in committed (`true`) or rolled back. */
  answerSettled(key: RequestKey | undefined, committed: boolean): void {
    if (!key || key.pendingAnswer === null) return;
    if (committed) key.storedAnswer = key.pendingAnswer;
    key.pendingAnswer = null;
  }

  /** The transaction `writeKey` wrote in has committed. */
  keyCommitted(key: RequestKey | undefined): void {
    if (key?.claim === 'written') key.claim = 'stored';
  }

  /** The transaction `writeKey` wrote in rolled back: what it wrote is to be written again. */
  keyRolledBack(key: RequestKey | undefined): void {
    if (!key) return;
    if (key.claim === 'written') key.claim = 'pending';
    key.written = false;
  }

  async purgeExpired(): Promise<number> {
    const result = await this.tx.lazy((m) =>
      m.delete(IdempotencyRecord, { expiresAt: LessThan(new Date()) }),
    );
    return result.affected ?? 0;
  }
}
