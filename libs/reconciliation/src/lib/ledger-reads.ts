import type { GatewayCaptureRecord } from '@payrail/plugin-sdk';
import type { GatewayPayout, GatewayRecord, Movement } from './matching';
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
        p.gateway_reference, p.currency, p.captures, r.gateway_reference AS refund_reference, r.amount AS refund_amount
      FROM payment_attempts a
      JOIN payments p ON p.id = a.payment_id
      LEFT JOIN refunds r ON r.id = a.refund_id
      WHERE p.connection_id = ${sql.p(1)} AND a.operation IN ('capture', 'refund')
        AND a.created_at >= ${sql.p(2)} AND a.created_at < ${sql.p(3)}
      ORDER BY COALESCE(p.gateway_reference, '')${c}, a.id${c}`,
    params: [w.connectionId, sql.date(w.from), sql.date(w.to)],
  };
}

export function toMovement(sql: SqlDialect, row: Record<string, unknown>): Movement {
  const refund = row['operation'] === 'refund';
  const attemptId = String(row['attempt_id']);
  let reference: string | null = null;
  if (refund) reference = str(row['refund_reference']);
  else {
    const captures = JSON.parse(String(row['captures'] ?? '[]')) as GatewayCaptureRecord[];
    reference = captures.find((c) => c.attemptId === attemptId)?.reference ?? null;
  }
  const amount = refund ? num(row['refund_amount'] ?? row['amount']) : num(row['amount']);
  const status = String(row['status']) as Movement['status'];
  return {
    attemptId,
    paymentId: String(row['payment_id']),
    type: refund ? 'refund' : 'capture',
    paymentReference: str(row['gateway_reference']),
    reference,
    currency: String(row['currency']).toLowerCase(),
    amount: refund ? -amount : amount,
    status,
    at: sql.readDate(row['created_at']),
  };
}

/** The gateway's records of the connection that occurred in the window (payout rows aside), in the same order. */
export function recordQuery(sql: SqlDialect, w: Window): { text: string; params: unknown[] } {
  const c = sql.byteOrder;
  return {
    text: `SELECT id, dedup_key, reference, kind, payment_reference, capture_reference, refund_reference, payout_id, status,
        currency, amount, fee, net, occurred_at
      FROM settlement_records
      WHERE connection_id = ${sql.p(1)} AND occurred_at >= ${sql.p(2)} AND occurred_at < ${sql.p(3)} AND kind <> 'payout'
      ORDER BY COALESCE(payment_reference, '')${c}, dedup_key${c}`,
    params: [w.connectionId, sql.date(w.from), sql.date(w.to)],
  };
}

export function toRecord(sql: SqlDialect, row: Record<string, unknown>): GatewayRecord {
  return {
    id: String(row['id']),
    dedupKey: String(row['dedup_key']),
    gatewayId: String(row['reference'] ?? row['dedup_key']),
    kind: String(row['kind']) as GatewayRecord['kind'],
    paymentReference: str(row['payment_reference']),
    captureReference: str(row['capture_reference']),
    refundReference: str(row['refund_reference']),
    payoutId: str(row['payout_id']),
    status: String(row['status']),
    currency: String(row['currency']).toLowerCase(),
    amount: num(row['amount']),
    fee: num(row['fee']),
    net: num(row['net']),
    occurredAt: sql.readDate(row['occurred_at']),
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
    private readonly source: AsyncIterator<Record<string, unknown>[]>,
    private readonly map: (row: Record<string, unknown>) => T,
    private readonly keyOf: (item: T) => string,
    private readonly onBatch: (n: number) => void = () => undefined,
  ) {}

  /** The next item's key, or null at the end. */
  async peekKey(): Promise<string | null> {
    if (!(await this.fill())) return null;
    return this.keyOf(this.buffer[this.index]);
  }

  /** Every item with `key` at the head of the stream. */
  async take(key: string): Promise<T[]> {
    const out: T[] = [];
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
