import type { GatewayCaptureRecord } from '@payrail/plugin-sdk';
import { columnTypes } from '../ledger-reads';
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
  // Most cells are amounts: a number that is not negative can neither be a formula nor need quotes.
  if (typeof value === 'number' && value >= 0) return String(value);
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (text.length && FORMULA_START.has(text.charCodeAt(0))) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `=`, `+`, `-`, `@`, tab and carriage return. */
const FORMULA_START = new Set([0x3d, 0x2b, 0x2d, 0x40, 0x09, 0x0d]);
const NEEDS_QUOTES = /[",\r\n]/;

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

/** The export query's columns, by position: its rows are read as arrays (`SqlDialect.rows`). */
const T = {
  id: 0,
  merchantId: 1,
  gateway: 2,
  mode: 3,
  status: 4,
  amount: 5,
  currency: 6,
  gatewayReference: 7,
  description: 8,
  metadata: 9,
  captures: 10,
  createdAt: 11,
  attemptId: 12,
  operation: 13,
  attemptStatus: 14,
  attemptAmount: 15,
  attemptAt: 16,
  refundReference: 17,
  refundAmount: 18,
  reconKind: 19,
  reconFee: 20,
} as const;

/** How each of the export query's columns is read: its two times as Dates. */
const T_TYPES = columnTypes(21, [T.createdAt, T.attemptAt]);

/**
 * Rows per chunk of the export. SQLite's are read synchronously, so larger chunks mean fewer
 * writes to the file or the response; PostgreSQL's arrive in one COPY stream anyway, and a smaller
 * chunk of text stays out of V8's large-object space, which only a full collection empties.
 */
const READ_BATCH = { sqlite: 10_000, postgres: 2_000 };

/** The query's row as the values every format needs, in no particular object shape. */
interface Movement {
  attemptId: string | null;
  refund: boolean;
  reference: string | null;
}

function movementOf(r: readonly unknown[]): Movement {
  const attemptId = (r[T.attemptId] as string | null) ?? null;
  const refund = r[T.operation] === 'refund';
  let reference = (r[T.gatewayReference] as string | null) ?? null;
  if (attemptId && refund) reference = (r[T.refundReference] as string | null) ?? null;
  else if (attemptId) {
    const captures = JSON.parse(String(r[T.captures] ?? '[]')) as GatewayCaptureRecord[];
    reference = null;
    for (const c of captures)
      if (c.attemptId === attemptId) {
        reference = c.reference ?? null;
        break;
      }
  }
  return { attemptId, refund, reference };
}

const metadataOf = (r: readonly unknown[]): Record<string, string> | null =>
  r[T.metadata] ? (JSON.parse(String(r[T.metadata])) as Record<string, string>) : null;

const amountOf = (r: readonly unknown[], m: Movement): number =>
  m.attemptId
    ? Number((m.refund ? r[T.refundAmount] : null) ?? r[T.attemptAmount] ?? 0)
    : Number(r[T.amount]);

const feeOf = (r: readonly unknown[], m: Movement): number | null => {
  const fee = m.attemptId ? r[T.reconFee] : null;
  return fee === null || fee === undefined ? null : Number(fee);
};

/** One row of the query as an export row: a capture, a refund, or a payment nothing was captured of. */
function toTransactionRow(sql: SqlDialect, r: readonly unknown[]): TransactionRow {
  const m = movementOf(r);
  const paymentId = String(r[T.id]);
  // In the order the rows have always had in JSON lines: the payment's fields, then the movement's.
  return {
    payment_id: paymentId,
    merchant_id: String(r[T.merchantId]),
    gateway: String(r[T.gateway]),
    mode: String(r[T.mode]),
    payment_reference: (r[T.gatewayReference] as string | null) ?? null,
    currency: String(r[T.currency]).toLowerCase(),
    description: (r[T.description] as string | null) ?? null,
    metadata: metadataOf(r),
    movement_id: m.attemptId ?? paymentId,
    type: m.attemptId ? (m.refund ? 'refund' : 'capture') : 'payment',
    gateway_reference: m.reference,
    amount: amountOf(r, m),
    status: String(m.attemptId ? r[T.attemptStatus] : r[T.status]),
    fee: feeOf(r, m),
    reconciliation_status: m.attemptId ? ((r[T.reconKind] as string | null) ?? null) : null,
    created_at: sql.isoText(m.attemptId ? r[T.attemptAt] : r[T.createdAt]),
  };
}

/**
 * One row of the query as a CSV line, in `TRANSACTION_COLUMNS` order, the cells written straight
 * from the row's values: the same text as `csvRow` of the export row, without making that row.
 */
function toCsvLine(sql: SqlDialect, r: readonly unknown[]): string {
  const m = movementOf(r);
  const paymentId = String(r[T.id]);
  const metadata = metadataOf(r);
  return (
    `${csvCell(m.attemptId ?? paymentId)},${m.attemptId ? (m.refund ? 'refund' : 'capture') : 'payment'},` +
    `${csvCell(paymentId)},${csvCell(String(r[T.merchantId]))},${csvCell(String(r[T.gateway]))},` +
    `${csvCell(String(r[T.mode]))},${csvCell(m.reference)},${csvCell(r[T.gatewayReference] ?? null)},` +
    `${csvCell(amountOf(r, m))},${csvCell(String(r[T.currency]).toLowerCase())},` +
    `${csvCell(String(m.attemptId ? r[T.attemptStatus] : r[T.status]))},${csvCell(r[T.description] ?? null)},` +
    `${csvCell(metadata)},${csvCell(feeOf(r, m))},` +
    `${csvCell(m.attemptId ? (r[T.reconKind] ?? null) : null)},` +
    `${csvCell(sql.isoText(m.attemptId ? r[T.attemptAt] : r[T.createdAt]))}\r\n`
  );
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
  for await (const batch of sql.rows(
    query.text,
    query.params,
    sql.postgres ? READ_BATCH.postgres : READ_BATCH.sqlite,
    T_TYPES,
  )) {
    let text = '';
    if (format === 'jsonl') for (const r of batch) text += `${JSON.stringify(toTransactionRow(sql, r))}\n`;
    else for (const r of batch) text += toCsvLine(sql, r);
    onRows(batch.length);
    yield text;
  }
}
