import type { GatewayCaptureRecord } from '@payrail/plugin-sdk';
import type { GatewayPayout, GatewayRecord, Movement } from './matching';
import type { CopyColumnType } from './pg-copy';
import type { SqlDialect } from './sql-dialect';

/** Both sides of a window, each in payment-reference order, for the merge in the runner. */
export interface Window {
  connectionId: string;
  from: Date;
  to: Date;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));

/**
 * Payrail's captures and refunds of a connection whose attempt started in the window, by the
 * payment's gateway reference (empty first), then attempt id.
 */
export function movementQuery(sql: SqlDialect, w: Window): { text: string; params: unknown[] } {
  const c = sql.byteOrder;
  return {
    text: `SELECT a.id AS attempt_id, a.payment_id, a.operation, a.status, a.amount, a.created_at,
        CASE WHEN p.updated_at > a.updated_at THEN p.updated_at ELSE a.updated_at END AS updated_at, p.gateway_reference, p.currency, p.captures, r.gateway_reference AS refund_reference, r.amount AS refund_amount
      FROM payment_attempts a
      JOIN payments p ON p.id = a.payment_id
      LEFT JOIN refunds r ON r.id = a.refund_id
      WHERE p.connection_id = ${sql.p(1)} AND a.operation IN ('capture', 'refund')
        AND a.created_at >= ${sql.p(2)} AND a.created_at < ${sql.p(3)}
      ORDER BY COALESCE(p.gateway_reference, '')${c}, a.id${c}`,
    params: [w.connectionId, sql.date(w.from), sql.date(w.to)],
  };
}

/** The movement query's columns, by position: rows are read as arrays (`SqlDialect.rows`). */
export const M = {
  attemptId: 0,
  paymentId: 1,
  operation: 2,
  status: 3,
  amount: 4,
  createdAt: 5,
  updatedAt: 6,
  paymentReference: 7,
  currency: 8,
  captures: 9,
  refundReference: 10,
  refundAmount: 11,
} as const;

/** How each of the movement query's columns is read (`SqlDialect.rows`): its two times as Dates. */
export const M_TYPES = columnTypes(12, [M.createdAt, M.updatedAt]);

export function toMovement(sql: SqlDialect, row: readonly unknown[]): Movement {
  const refund = row[M.operation] === 'refund';
  const attemptId = String(row[M.attemptId]);
  let reference: string | null = null;
  if (refund) reference = str(row[M.refundReference]);
  else {
    const captures = JSON.parse(String(row[M.captures] ?? '[]')) as GatewayCaptureRecord[];
    for (const c of captures)
      if (c.attemptId === attemptId) {
        reference = c.reference ?? null;
        break;
      }
  }
  const amount = refund ? num(row[M.refundAmount] ?? row[M.amount]) : num(row[M.amount]);
  return {
    attemptId,
    paymentId: String(row[M.paymentId]),
    type: refund ? 'refund' : 'capture',
    paymentReference: str(row[M.paymentReference]),
    reference,
    currency: String(row[M.currency]).toLowerCase(),
    amount: refund ? -amount : amount,
    status: String(row[M.status]) as Movement['status'],
    at: sql.readDate(row[M.createdAt]),
  };
}

/** The gateway's records of the connection that occurred in the window (payout rows aside), in the same order. */
export function recordQuery(sql: SqlDialect, w: Window): { text: string; params: unknown[] } {
  const c = sql.byteOrder;
  return {
    text: `SELECT id, dedup_key, reference, kind, payment_reference, capture_reference, refund_reference, payout_id, status,
        currency, amount, fee, net, occurred_at, updated_at
      FROM settlement_records
      WHERE connection_id = ${sql.p(1)} AND occurred_at >= ${sql.p(2)} AND occurred_at < ${sql.p(3)} AND kind <> 'payout'
      ORDER BY COALESCE(payment_reference, '')${c}, dedup_key${c}`,
    params: [w.connectionId, sql.date(w.from), sql.date(w.to)],
  };
}

/** The record query's columns, by position. */
export const R = {
  id: 0,
  dedupKey: 1,
  reference: 2,
  kind: 3,
  paymentReference: 4,
  captureReference: 5,
  refundReference: 6,
  payoutId: 7,
  status: 8,
  currency: 9,
  amount: 10,
  fee: 11,
  net: 12,
  occurredAt: 13,
  updatedAt: 14,
} as const;

/** How each of the record query's columns is read. */
export const R_TYPES = columnTypes(15, [R.occurredAt, R.updatedAt]);

/** `count` columns of text but for the timestamps at `times`. */
export function columnTypes(count: number, times: readonly number[]): CopyColumnType[] {
  return Array.from({ length: count }, (_, i) => (times.includes(i) ? 'timestamp' : 'text'));
}

export function toRecord(sql: SqlDialect, row: readonly unknown[]): GatewayRecord {
  return {
    id: String(row[R.id]),
    dedupKey: String(row[R.dedupKey]),
    gatewayId: String(row[R.reference] ?? row[R.dedupKey]),
    kind: String(row[R.kind]) as GatewayRecord['kind'],
    paymentReference: str(row[R.paymentReference]),
    captureReference: str(row[R.captureReference]),
    refundReference: str(row[R.refundReference]),
    payoutId: str(row[R.payoutId]),
    status: String(row[R.status]),
    currency: String(row[R.currency]).toLowerCase(),
    amount: num(row[R.amount]),
    fee: num(row[R.fee]),
    net: num(row[R.net]),
    occurredAt: sql.readDate(row[R.occurredAt]),
  };
}

export function toPayout(sql: SqlDialect, row: Record<string, unknown>): GatewayPayout {
  return {
    payoutId: String(row['payout_id']),
    currency: String(row['currency']).toLowerCase(),
    amount: num(row['amount']),
    createdAt: sql.readDate(row['gateway_created_at']),
  };
}

/** A key's group: the rows of one ordered stream that share it, taken batch by batch. */
export class GroupedStream<T> {
  private buffer: T[] = [];
  private index = 0;
  private done = false;

  constructor(
    private readonly source: AsyncIterator<unknown[][]>,
    private readonly map: (row: unknown[]) => T,
    private readonly keyOf: (item: T) => string,
    private readonly onBatch: (n: number) => void = () => undefined,
  ) {}

  /**
   * The next item's key, or null at the end: at once while the batch lasts (a promise only when
   * the next batch must be read), so a million groups do not cost a million awaits each.
   */
  peekKey(): string | null | Promise<string | null> {
    if (this.index < this.buffer.length) return this.keyOf(this.buffer[this.index]);
    if (this.done) return null;
    return this.fill().then((more) => (more ? this.keyOf(this.buffer[this.index]) : null));
  }

  /** Every item with `key` at the head of the stream: at once unless the group runs into the next batch. */
  take(key: string): T[] | Promise<T[]> {
    const out: T[] = [];
    while (this.index < this.buffer.length && this.keyOf(this.buffer[this.index]) === key)
      out.push(this.buffer[this.index++]);
    if (this.index < this.buffer.length || this.done) return out;
    return this.takeRest(key, out);
  }

  private async takeRest(key: string, out: T[]): Promise<T[]> {
    while ((await this.fill()) && this.keyOf(this.buffer[this.index]) === key)
      out.push(this.buffer[this.index++]);
    return out;
  }

  private async fill(): Promise<boolean> {
    while (this.index >= this.buffer.length) {
      if (this.done) return false;
      const next = await this.source.next();
      if (next.done) {
        this.done = true;
        return false;
      }
      this.buffer = next.value.map(this.map);
      this.index = 0;
      this.onBatch(this.buffer.length);
    }
    return true;
  }
}
