import { randomUUID } from 'node:crypto';
import { fail, succeed, type Outcome } from '../lib/errors';
import {
  decodeSettlementCursor,
  encodeSettlementCursor,
  settlementWindowProblem,
  type SettlementPage,
  type SettlementPayout,
  type SettlementRecord,
  type SettlementRequest,
} from '../lib/settlements';

/** The in-memory gateway's fee: 2.9 % + 30 per capture; refunds give no fee back. */
export function inMemoryFee(amount: number): number {
  return Math.round(amount * 0.029) + 30;
}

const isOffset = (state: unknown): state is { offset: number } =>
  typeof state === 'object' &&
  state !== null &&
  Number.isInteger((state as { offset?: unknown }).offset) &&
  (state as { offset: number }).offset >= 0;

/**
 * The in-memory gateway's settlement ledger: a record per capture and refund as it happens,
 * payouts on demand (`payOut`), and anything a test adds (`add`) to play a discrepancy.
 */
export class InMemorySettlementLedger {
  readonly records: SettlementRecord[] = [];
  readonly payouts: SettlementPayout[] = [];

  clear(): void {
    this.records.length = 0;
    this.payouts.length = 0;
  }

  charge(paymentReference: string, captureReference: string, currency: string, amount: number): void {
    const fee = inMemoryFee(amount);
    this.push({
      id: `memtxn_${randomUUID()}`,
      kind: 'charge',
      gatewayType: 'capture',
      paymentReference,
      captureReference,
      currency,
      amount,
      fee,
    });
  }

  refund(paymentReference: string, refundReference: string, currency: string, amount: number): void {
    this.push({
      id: `memtxn_${randomUUID()}`,
      kind: 'refund',
      gatewayType: 'refund',
      paymentReference,
      refundReference,
      currency,
      amount: -amount,
      fee: 0,
    });
  }

  /** Adds a record as the gateway would report it (a dispute, a fee, a charge nobody asked for…). */
  add(
    record: Pick<SettlementRecord, 'kind' | 'currency' | 'amount' | 'fee'> &
      Partial<Omit<SettlementRecord, 'net' | 'dedupeKey' | 'status' | 'raw'>>,
  ): SettlementRecord {
    return this.push({ id: `memtxn_${randomUUID()}`, gatewayType: record.kind, ...record });
  }

  /** Pays out every record not yet paid out, one payout per currency. */
  payOut(at = new Date()): SettlementPayout[] {
    const byCurrency = new Map<string, SettlementRecord[]>();
    for (const record of this.records) {
      if (record.payoutId || record.kind === 'payout') continue;
      byCurrency.set(record.currency, [...(byCurrency.get(record.currency) ?? []), record]);
    }
    const made: SettlementPayout[] = [];
    for (const [currency, entries] of byCurrency) {
      const amount = entries.reduce((sum, r) => sum + r.net, 0);
      const payout: SettlementPayout = {
        id: `mempo_${randomUUID()}`,
        status: 'paid',
        currency,
        amount,
        fee: 0,
        createdAt: at,
        arrivalDate: at,
        raw: { id: '', currency, amount },
      };
      payout.raw['id'] = payout.id;
      for (const entry of entries) {
        entry.payoutId = payout.id;
        entry.status = 'paid_out';
      }
      this.push({
        id: `memtxn_${randomUUID()}`,
        kind: 'payout',
        gatewayType: 'payout',
        currency,
        amount: -amount,
        fee: 0,
        occurredAt: at,
        payoutId: payout.id,
      });
      this.payouts.push(payout);
      made.push(payout);
    }
    return made;
  }

  page(request: SettlementRequest): Outcome<SettlementPage> {
    const problem = settlementWindowProblem(request);
    if (problem) return fail(problem);
    let offset = 0;
    try {
      if (request.cursor) offset = decodeSettlementCursor(request.cursor, isOffset).offset;
    } catch (error) {
      return fail(error as never);
    }
    const size = Math.min(Math.max(request.pageSize ?? 100, 1), 1000);
    const inWindow = (at: Date) => at >= request.from && at < request.to;
    const payouts = this.payouts.filter((p) => inWindow(p.createdAt));
    const paidIds = new Set(payouts.map((p) => p.id));
    const rows = this.records.filter(
      (r) => inWindow(r.occurredAt) || (r.payoutId !== undefined && paidIds.has(r.payoutId)),
    );
    const records = rows.slice(offset, offset + size).map((r) => ({ ...r, raw: { ...r.raw } }));
    const next = offset + size;
    return succeed({
      records,
      payouts: offset === 0 ? payouts : [],
      ...(next < rows.length ? { nextCursor: encodeSettlementCursor({ offset: next }) } : {}),
    });
  }

  private push(
    input: Pick<SettlementRecord, 'id' | 'kind' | 'gatewayType' | 'currency' | 'amount' | 'fee'> &
      Partial<SettlementRecord>,
  ): SettlementRecord {
    const record: SettlementRecord = {
      status: 'available',
      occurredAt: new Date(),
      ...input,
      dedupeKey: input.id,
      net: input.amount - input.fee,
      raw: {},
    };
    record.raw = {
      id: record.id,
      type: record.gatewayType,
      amount: record.amount,
      fee: record.fee,
      net: record.net,
      currency: record.currency,
      payment: record.paymentReference ?? null,
    };
    this.records.push(record);
    return record;
  }
}
