import { In, type EntityManager } from 'typeorm';
import { newId } from '@payrail/database';
import { ReconciliationException } from './entities/reconciliation-exception.entity';
import type { ReconciliationRun } from './entities/reconciliation-run.entity';
import { SettlementRecordRow } from './entities/settlement-record.entity';
import { EXCEPTION_KINDS, type MatchResult } from './matching';
import type { SqlDialect } from './sql-dialect';

const EXCEPTION = new Set<string>(EXCEPTION_KINDS);

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
 * Stores a run's results: every result as the item of its subject (replaced by later runs), and
 * every non-match as an exception kept across runs, with both sides.
 */
export class ResultWriter {
  constructor(
    private readonly sql: SqlDialect,
    private readonly run: ReconciliationRun,
    private readonly now: Date,
  ) {}

  async write(m: EntityManager, results: MatchResult[]): Promise<void> {
    if (!results.length) return;
    const rows = results.map((r) => [
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
      this.sql.date(this.now),
      this.sql.date(this.now),
    ]);
    await this.sql.insertMany(
      m,
      `INSERT INTO reconciliation_items (id, connection_id, target_key, run_id, kind, payment_id, attempt_id,
        record_id, currency, payrail_amount, gateway_amount, fee, occurred_at, created_at, updated_at)`,
      15,
      rows,
      `ON CONFLICT (connection_id, target_key) DO UPDATE SET run_id = excluded.run_id, kind = excluded.kind,
        payment_id = excluded.payment_id, attempt_id = excluded.attempt_id, record_id = excluded.record_id,
        currency = excluded.currency, payrail_amount = excluded.payrail_amount,
        gateway_amount = excluded.gateway_amount, fee = excluded.fee, occurred_at = excluded.occurred_at,
        updated_at = excluded.updated_at`,
    );
    const exceptions = results.filter((r) => EXCEPTION.has(r.kind));
    if (exceptions.length) await this.writeExceptions(m, exceptions);
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
