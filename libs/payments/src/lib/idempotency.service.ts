import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository, type EntityManager } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { insertRow, isUniqueViolation, newId, TransactionRunner } from '@payrail/database';
import { IdempotencyRecord } from './entities/idempotency-record.entity';

/** Keys are remembered at least this long. */
export const IDEMPOTENCY_TTL_MS = 48 * 3600_000;
/** A concurrent duplicate waits this long for the first request to finish before it gets a 409. */
export const IDEMPOTENCY_WAIT_MS = 10_000;
/** An in-progress key older than this belongs to a request that died (a crash). */
export const IDEMPOTENCY_STALE_MS = 60_000;

export type IdempotencyBegin =
  { kind: 'new'; record: IdempotencyRecord } | { kind: 'replay'; status: number; body: unknown };

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
  private readonly scope = new AsyncLocalStorage<{ recordId: string }>();

  constructor(
    private readonly tx: TransactionRunner,
    @InjectRepository(IdempotencyRecord) private readonly records: Repository<IdempotencyRecord>,
  ) {}

  runInScope<T>(recordId: string, work: () => T): T {
    return this.scope.run({ recordId }, work);
  }

  async begin(merchantId: string, key: string, fingerprint: string): Promise<IdempotencyBegin> {
    if (key.length === 0 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
      throw ApiError.invalid(
        'Idempotency-Key',
        'Idempotency-Key must be 1 to 255 printable ASCII characters without spaces',
        'idempotency_key_invalid',
      );
    }
    const deadline = Date.now() + IDEMPOTENCY_WAIT_MS;
    for (;;) {
      const now = new Date();
      const record = this.records.create({
        id: newId('idk'),
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
    await this.tx.lazy((m) =>
      m.update(
        IdempotencyRecord,
        { id: record.id },
        { state: 'completed', responseStatus: status, responseBody: JSON.stringify(body) },
      ),
    );
  }

  /** Forgets a key whose request did nothing (refused by validation), so it may be used again. */
  async abandon(record: IdempotencyRecord): Promise<void> {
    await this.tx.lazy((m) => m.delete(IdempotencyRecord, { id: record.id }));
  }

  async hasResource(record: IdempotencyRecord): Promise<boolean> {
    const current = await this.records.findOneBy({ id: record.id });
    return !!current?.resourceId;
  }

  /** Links the current request's key to the payment it created or acts on. */
  async attachResource(manager: EntityManager | undefined, resourceId: string): Promise<void> {
    const recordId = this.scope.getStore()?.recordId;
    if (!recordId) return;
    if (manager) await manager.update(IdempotencyRecord, { id: recordId }, { resourceId });
    else await this.tx.lazy((m) => m.update(IdempotencyRecord, { id: recordId }, { resourceId }));
  }

  async purgeExpired(): Promise<number> {
    const result = await this.tx.lazy((m) =>
      m.delete(IdempotencyRecord, { expiresAt: LessThan(new Date()) }),
    );
    return result.affected ?? 0;
  }
}
