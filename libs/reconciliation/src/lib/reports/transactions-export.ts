import type { GatewayCaptureRecord } from '@payrail/plugin-sdk';
import type { SqlDialect } from '../sql-dialect';
import { paymentWhere, type ReportFilter } from './report-filters';

/** One money movement of the export: a capture or a refund, or the payment itself when nothing was captured. */
export interface TransactionRow {
  movement_id: string;
  type: 'capture' | 'refund' | 'payment';
  payment_id: string;
  merchant_id: string;
  gateway: string;
  mode: string;
  gateway_reference: string | null;
  payment_reference: string | null;
  /** Minor units of `currency`, unsigned: `type` says which way the money went. */
  amount: number;
  currency: string;
  status: string;
  description: string | null;
  metadata: Record<string, string> | null;
  /** The gateway's fee for the movement, once reconciliation has its record. */
  fee: number | null;
  /** The movement's latest reconciliation result (`matched`, `amount_mismatch`…), or null before any run. */
  reconciliation_status: string | null;
  created_at: string;
}

export const TRANSACTION_COLUMNS: ReadonlyArray<keyof TransactionRow> = [
  'movement_id',
  'type',
  'payment_id',
  'merchant_id',
  'gateway',
  'mode',
  'gateway_reference',
  'payment_reference',
  'amount',
  'currency',
  'status',
  'description',
  'metadata',
  'fee',
  'reconciliation_status',
  'created_at',
];

/**
 * A spreadsheet must never read a cell as a formula: one starting with `=`, `+`, `-`, `@`, a tab
 * or a carriage return is prefixed with `'` (OWASP's advice; quoting alone does not neutralise
 * it), then quoted as RFC 4180 asks when it holds a comma, a quote or a line break.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** The export's query: payments in the filter, oldest first, each with its captures and refunds. */
export function transactionQuery(sql: SqlDialect, filter: ReportFilter): { text: string; params: unknown[] } {
  const where = paymentWhere(sql, filter);
  const c = sql.byteOrder;
  return {
    text: `SELECT p.id, p.merchant_id, p.gateway, p.mode, p.status, p.amount, p.currency, p.gateway_reference,
        p.description, p.metadata, p.captures, p.created_at,
        a.id AS attempt_id, a.operation, a.status AS attempt_status, a.amount AS attempt_amount, a.created_at AS attempt_at,
        r.gateway_reference AS refund_reference, r.amount AS refund_amount, i.kind AS recon_kind, i.fee AS recon_fee
      FROM payments p
      LEFT JOIN payment_attempts a ON a.payment_id = p.id AND a.operation IN ('capture', 'refund')
        AND a.status IN ('succeeded', 'pending', 'unknown')
      LEFT JOIN refunds r ON r.id = a.refund_id
      LEFT JOIN reconciliation_items i ON i.attempt_id = a.id
      WHERE ${where.clause}
      ORDER BY p.created_at, p.id${c}, a.id${c}`,
    params: where.params,
  };
}

/** How many rows the export will have (for a job's progress). */
export function transactionCountQuery(
  sql: SqlDialect,
  filter: ReportFilter,
): { text: string; params: unknown[] } {
  const where = paymentWhere(sql, filter);
  return {
    text: `SELECT COUNT(*) AS n FROM payments p
      LEFT JOIN payment_attempts a ON a.payment_id = p.id AND a.operation IN ('capture', 'refund')
        AND a.status IN ('succeeded', 'pending', 'unknown')
      WHERE ${where.clause}`,
    params: where.params,
  };
}

const iso = (sql: SqlDialect, v: unknown) => sql.readDate(v).toISOString();

/** Turns the query's rows, batch by batch, into export rows. */
export function toTransactionRows(sql: SqlDialect, rows: Record<string, unknown>[]): TransactionRow[] {
  const out: TransactionRow[] = [];
  for (const r of rows) {
    const base = {
      payment_id: String(r['id']),
      merchant_id: String(r['merchant_id']),
      gateway: String(r['gateway']),
      mode: String(r['mode']),
      payment_reference: (r['gateway_reference'] as string | null) ?? null,
      currency: String(r['currency']).toLowerCase(),
      description: (r['description'] as string | null) ?? null,
      metadata: r['metadata'] ? (JSON.parse(String(r['metadata'])) as Record<string, string>) : null,
    };
    const attemptId = r['attempt_id'] as string | null;
    if (!attemptId) {
      out.push({
        ...base,
        movement_id: base.payment_id,
        type: 'payment',
        gateway_reference: base.payment_reference,
        amount: Number(r['amount']),
        status: String(r['status']),
        fee: null,
        reconciliation_status: null,
        created_at: iso(sql, r['created_at']),
      });
      continue;
    }
    const refund = r['operation'] === 'refund';
    let reference: string | null = null;
    if (refund) reference = (r['refund_reference'] as string | null) ?? null;
    else {
      const captures = JSON.parse(String(r['captures'] ?? '[]')) as GatewayCaptureRecord[];
      reference = captures.find((c) => c.attemptId === attemptId)?.reference ?? null;
    }
    out.push({
      ...base,
      movement_id: attemptId,
      type: refund ? 'refund' : 'capture',
      gateway_reference: reference,
      amount: Number((refund ? r['refund_amount'] : null) ?? r['attempt_amount'] ?? 0),
      status: String(r['attempt_status']),
      fee: r['recon_fee'] === null || r['recon_fee'] === undefined ? null : Number(r['recon_fee']),
      reconciliation_status: (r['recon_kind'] as string | null) ?? null,
      created_at: iso(sql, r['attempt_at']),
    });
  }
  return out;
}

/** The export as text chunks (a header, then a batch of rows per chunk), read through a cursor at flat memory. */
export async function* transactionChunks(
  sql: SqlDialect,
  filter: ReportFilter,
  format: 'csv' | 'jsonl',
  onRows: (n: number) => void = () => undefined,
): AsyncGenerator<string, void, undefined> {
  if (format === 'csv') yield csvRow(TRANSACTION_COLUMNS);
  const query = transactionQuery(sql, filter);
  for await (const batch of sql.batches(query.text, query.params, 2_000)) {
    const rows = toTransactionRows(sql, batch);
    let text = '';
    for (const row of rows)
      text +=
        format === 'csv'
          ? csvRow(TRANSACTION_COLUMNS.map((column) => row[column]))
          : `${JSON.stringify(row)}\n`;
    onRows(rows.length);
    yield text;
  }
}
