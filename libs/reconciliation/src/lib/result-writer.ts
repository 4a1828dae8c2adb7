import { In, type EntityManager } from 'typeorm';
import { newId } from '@payrail/database';
import { ReconciliationException } from './entities/reconciliation-exception.entity';
import type { ReconciliationRun } from './entities/reconciliation-run.entity';
import { SettlementRecordRow } from './entities/settlement-record.entity';
import { EXCEPTION_KINDS, type MatchResult } from './matching';
import { CopyTextBuffer } from './pg-copy';
import type { BulkColumn, SqlDialect } from './sql-dialect';

const EXCEPTION = new Set<string>(EXCEPTION_KINDS);

const ITEM_COLUMNS: readonly BulkColumn[] = [
  { name: 'id', type: 'varchar' },
  { name: 'connection_id', type: 'varchar' },
  { name: 'target_key', type: 'varchar' },
  { name: 'run_id', type: 'varchar' },
  { name: 'kind', type: 'varchar' },
  { name: 'payment_id', type: 'varchar' },
  { name: 'attempt_id', type: 'varchar' },
  { name: 'record_id', type: 'varchar' },
  { name: 'currency', type: 'varchar' },
  { name: 'payrail_amount', type: 'bigint' },
  { name: 'gateway_amount', type: 'bigint' },
  { name: 'fee', type: 'bigint' },
  { name: 'occurred_at', type: 'timestamp' },
  { name: 'created_at', type: 'timestamp' },
  { name: 'updated_at', type: 'timestamp' },
];
const ITEM_CONFLICT = `ON CONFLICT (connection_id, target_key) DO UPDATE SET run_id = excluded.run_id, kind = excluded.kind,
  payment_id = excluded.payment_id, attempt_id = excluded.attempt_id, record_id = excluded.record_id,
  currency = excluded.currency, payrail_amount = excluded.payrail_amount, gateway_amount = excluded.gateway_amount,
  fee = excluded.fee, occurred_at = excluded.occurred_at, updated_at = excluded.updated_at`;

/** Payrail's side of an exception: ids, amounts, statuses and times, never a customer's details. */
function payrailSide(result: MatchResult): Record<string, unknown> | null {
  const m = result.movement;
  if (m)
    return {
      payment_id: m.paymentId,
      attempt_id: m.attemptId,
      type: m.type,
      status: m.status,
      amount: m.amount,
      currency: m.currency,
      reference: m.reference,
      payment_reference: m.paymentReference,
      at: m.at.toISOString(),
    };
  if (result.payout) return { entries_net: result.payrailAmount, currency: result.currency };
  return null;
}

/**
 * A batch of a run's results waiting to be written: on PostgreSQL the items as COPY text already
 * (bytes outside the heap, see `CopyTextBuffer`), on SQLite as rows of values; the exceptions
 * among them as results, with both sides.
 */
export interface ResultBatch {
  size: number;
  rows: unknown[][] | null;
  copy: CopyTextBuffer | null;
  exceptions: MatchResult[];
}

/** Whether `error` is PostgreSQL's unique violation (the driver's own error, or TypeORM's wrapping it). */
function uniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  return e?.code === '23505' || e?.driverError?.code === '23505';
}

/**
 * Stores a run's results: every result as the item of its subject (replaced by later runs), and
 * every non-match as an exception kept across runs, with both sides.
 */
export class ResultWriter {
  private stamp: Date | string | undefined;
  /**
   * Whether items are copied straight into the table, without the staging table and the
   * upsert's conflict check (PostgreSQL): only while the connection had no item when the run
   * began, so none of this run's can meet one; the first batch that does (another run wrote
   * meanwhile) fails, is rolled back and is written again with the upsert, and so is every later one.
   */
  private plain = false;

  constructor(
    private readonly sql: SqlDialect,
    private readonly run: ReconciliationRun,
    private readonly now: Date,
  ) {}

  /** Whether a result is also an exception. */
  static isException(result: MatchResult): boolean {
    return EXCEPTION.has(result.kind);
  }

  /**
   * Looks once whether the connection has any item yet: when it has none, PostgreSQL's items are
   * copied straight into the table (about 2 s less server time for a million).
   */
  async prepare(m: EntityManager): Promise<void> {
    if (!this.sql.postgres) return;
    const rows = (await m.query('SELECT 1 FROM reconciliation_items WHERE connection_id = $1 LIMIT 1', [
      this.run.connectionId,
    ])) as unknown[];
    this.plain = rows.length === 0;
  }

  /** Whether the next batches are inserted without `ON CONFLICT`. */
  get insertsPlainly(): boolean {
    return this.plain;
  }

  /** An empty batch. */
  batch(): ResultBatch {
    return {
      size: 0,
      rows: this.sql.postgres ? null : [],
      copy: this.sql.postgres ? new CopyTextBuffer() : null,
      exceptions: [],
    };
  }

  /**
   * Adds a result to `batch` as its item's row, made when the result is judged: the batch keeps
   * only that row (and the result itself if it is an exception), not both sides of every result.
   */
  add(batch: ResultBatch, r: MatchResult): void {
    const row = this.itemRow(r);
    if (batch.copy) batch.copy.push(row);
    else batch.rows?.push(row);
    batch.size += 1;
    if (EXCEPTION.has(r.kind)) batch.exceptions.push(r);
  }

  /** A result as its item's row of values, in the order of `ITEM_COLUMNS`. */
  itemRow(r: MatchResult): unknown[] {
    this.stamp ??= this.sql.date(this.now);
    return [
      newId('rci'),
      this.run.connectionId,
      r.targetKey,
      this.run.id,
      r.kind,
      r.movement?.paymentId ?? null,
      r.movement?.attemptId ?? null,
      r.record?.id ?? null,
      r.currency,
      r.payrailAmount,
      r.gatewayAmount,
      r.fee,
      this.sql.date(r.at),
      this.stamp,
      this.stamp,
    ];
  }

  /** Writes a batch: the items (inserted, or replacing an earlier run's) and the exceptions among the results. */
  async write(m: EntityManager, batch: ResultBatch): Promise<void> {
    if (batch.copy) {
      const tail = this.plain ? '' : ITEM_CONFLICT;
      await this.sql.copyTextWrite(m, 'reconciliation_items', ITEM_COLUMNS, batch.copy.text(), tail);
    } else if (batch.rows)
      await this.sql.bulkWrite(m, 'reconciliation_items', ITEM_COLUMNS, batch.rows, ITEM_CONFLICT);
    if (batch.exceptions.length) await this.writeExceptions(m, batch.exceptions);
  }

  /**
   * After `write` failed (its transaction rolled back): true when it was a plain insert meeting an
   * existing item, and the batch is to be written again, from now on with the upsert.
   */
  conflicted(error: unknown): boolean {
    if (!this.plain || !uniqueViolation(error)) return false;
    this.plain = false;
    return true;
  }

  private async writeExceptions(m: EntityManager, results: MatchResult[]): Promise<void> {
    const existing = await m.find(ReconciliationException, {
      where: { connectionId: this.run.connectionId, targetKey: In(results.map((r) => r.targetKey)) },
    });
    const byKey = new Map(existing.map((e) => [`${e.targetKey}|${e.kind}`, e]));
    const recordIds = results.map((r) => r.record?.id).filter((id): id is string => !!id);
    const raws = recordIds.length
      ? await m.find(SettlementRecordRow, {
          where: { id: In(recordIds) },
          select: { id: true, raw: true, gatewayType: true },
        })
      : [];
    const rawOf = new Map(raws.map((r) => [r.id, r]));
    const rows: ReconciliationException[] = [];
    for (const r of results) {
      const stored = r.record ? rawOf.get(r.record.id) : undefined;
      const gatewaySide: Record<string, unknown> | null = r.record
        ? {
            record_id: r.record.id,
            reference: r.record.dedupKey,
            kind: r.record.kind,
            gateway_type: stored?.gatewayType ?? null,
            status: r.record.status,
            amount: r.record.amount,
            fee: r.record.fee,
            net: r.record.net,
            currency: r.record.currency,
            occurred_at: r.record.occurredAt.toISOString(),
            payout_id: r.record.payoutId,
            raw: stored ? (JSON.parse(stored.raw) as unknown) : null,
          }
        : r.payout
          ? { payout_id: r.payout.payoutId, amount: r.payout.amount, currency: r.payout.currency }
          : null;
      const found = byKey.get(`${r.targetKey}|${r.kind}`);
      const row =
        found ??
        m.create(ReconciliationException, {
          id: newId('rcx'),
          connectionId: this.run.connectionId,
          merchantId: this.run.merchantId,
          gateway: this.run.gateway,
          targetKey: r.targetKey,
          kind: r.kind,
          status: 'open',
          runId: this.run.id,
          firstSeenAt: this.now,
        });
      // A human's resolution stands; one the engine made when a record arrived is undone if the problem is back.
      if (found && found.status === 'resolved' && found.resolution === 'auto_matched') {
        row.status = 'open';
        row.resolution = null;
        row.resolutionNote = null;
        row.resolvedAt = null;
        row.resolvedBy = null;
      }
      Object.assign(row, {
        lastRunId: this.run.id,
        lastSeenAt: this.now,
        paymentId: r.movement?.paymentId ?? null,
        attemptId: r.movement?.attemptId ?? null,
        recordId: r.record?.id ?? null,
        currency: r.currency,
        payrailAmount: r.payrailAmount,
        gatewayAmount: r.gatewayAmount,
        reason: r.reason.slice(0, 500),
        payrailSide: payrailSide(r),
        gatewaySide,
        occurredAt: r.at,
      });
      rows.push(row);
    }
    await m.save(rows, { chunk: 200 });
  }
}
