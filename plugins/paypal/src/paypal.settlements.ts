import {
  decodeSettlementCursor,
  encodeSettlementCursor,
  fromDecimalString,
  type SettlementKind,
  type SettlementPayout,
  type SettlementRecord,
  type SettlementStatus,
} from '@payrail/plugin-sdk';

/** Transaction Search takes at most 31 days per query. */
export const MAX_RANGE_MS = 31 * 86400_000;
/** A window PayPal refuses as too large is halved until it fits; below this it cannot be split. */
export const MIN_RANGE_MS = 1000;

/** A window of the walk, in epoch milliseconds, `start` inclusive and `end` exclusive. */
export interface SearchWindow {
  start: number;
  end: number;
}

/** Where a walk stands: the windows still to search, oldest first, and the next page of the first. */
export interface PayPalCursor {
  windows: SearchWindow[];
  page: number;
}

export function dateRanges(from: Date, to: Date): SearchWindow[] {
  const out: SearchWindow[] = [];
  for (let start = from.getTime(); start < to.getTime(); start += MAX_RANGE_MS)
    out.push({ start, end: Math.min(start + MAX_RANGE_MS, to.getTime()) });
  return out;
}

/** Halves a window PayPal answered `RESULTSET_TOO_LARGE` for (whole seconds, as the API takes). */
export function splitWindow(window: SearchWindow): [SearchWindow, SearchWindow] {
  const mid = Math.floor((window.start + (window.end - window.start) / 2) / 1000) * 1000;
  return [
    { start: window.start, end: mid },
    { start: mid, end: window.end },
  ];
}

const isCursor = (state: unknown): state is PayPalCursor => {
  const s = state as Partial<PayPalCursor> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    Number.isInteger(s.page) &&
    (s.page as number) >= 1 &&
    Array.isArray(s.windows) &&
    s.windows.length > 0 &&
    s.windows.every(
      (w) =>
        Number.isInteger(w?.start) &&
        Number.isInteger(w?.end) &&
        w.start < w.end &&
        w.end - w.start <= MAX_RANGE_MS,
    )
  );
};

export function decodePayPalCursor(cursor: string | undefined, from: Date, to: Date): PayPalCursor {
  return cursor ? decodeSettlementCursor(cursor, isCursor) : { windows: dateRanges(from, to), page: 1 };
}

export const encodePayPalCursor = (cursor: PayPalCursor) => encodeSettlementCursor(cursor);

/** The API's date-time: seconds, no fraction. PayPal's `end_date` is inclusive. */
export const searchDate = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** T-codes by group: T00 payments, T01 fees, T04 withdrawals, T11 reversals/refunds, T12 adjustments. */
export function kindOf(eventCode: string): SettlementKind {
  if (/^T00/.test(eventCode)) return 'charge';
  if (eventCode === 'T1106' || /^T12/.test(eventCode)) return 'dispute';
  if (eventCode === 'T1108' || /^T01/.test(eventCode)) return 'fee';
  if (/^T11/.test(eventCode)) return 'refund';
  if (/^T04/.test(eventCode)) return 'payout';
  return 'other';
}

const STATUSES: Readonly<Record<string, SettlementStatus>> = {
  S: 'available',
  P: 'pending',
  V: 'reversed',
  D: 'failed',
};

/** One Transaction Search row as it came over the wire (snake case), the part Payrail reads. */
export interface WireRow {
  transaction_info?: {
    transaction_id?: string;
    paypal_reference_id?: string;
    transaction_event_code?: string;
    transaction_initiation_date?: string;
    transaction_updated_date?: string;
    transaction_amount?: { currency_code: string; value: string };
    fee_amount?: { currency_code: string; value: string };
    transaction_status?: string;
  };
}

/**
 * A row as a reconciliation record. PayPal writes money leaving as negative values and its fee
 * as a negative `fee_amount` (a positive one is a fee given back); Payrail's `fee` is a positive
 * cost. Rows can share a `transaction_id` (a chargeback and its fee), so the dedupe key also
 * carries the T-code and currency. `captureAuthorizations` maps capture ids to their
 * authorization, for refunds, whose `paypal_reference_id` is the capture.
 */
export function toSettlementRecord(
  row: WireRow,
  captureAuthorizations: ReadonlyMap<string, string>,
): SettlementRecord | undefined {
  const info = row.transaction_info;
  if (!info?.transaction_id || !info.transaction_amount) return undefined;
  const code = info.transaction_event_code ?? '';
  const currency = info.transaction_amount.currency_code.toUpperCase();
  const amount = fromDecimalString(info.transaction_amount.value, currency);
  const fee = info.fee_amount ? -fromDecimalString(info.fee_amount.value, currency) : 0;
  const kind = kindOf(code);
  const ref = info.paypal_reference_id;
  const payment = ref ? captureAuthorizations.get(ref) : undefined;
  let references: Partial<SettlementRecord> = {};
  if (kind === 'charge')
    references = { paymentReference: ref ?? info.transaction_id, captureReference: info.transaction_id };
  else if (kind === 'refund')
    references = { refundReference: info.transaction_id, captureReference: ref, paymentReference: payment };
  else if (kind === 'dispute' || kind === 'fee')
    references = { captureReference: ref, paymentReference: payment ?? ref };
  if (kind === 'dispute') references.disputeReference = info.transaction_id;
  const present = Object.fromEntries(Object.entries(references).filter(([, v]) => v !== undefined));
  return {
    id: info.transaction_id,
    dedupeKey: `${info.transaction_id}:${code}:${currency}`,
    kind,
    gatewayType: code,
    ...present,
    currency,
    amount,
    fee,
    net: amount - fee,
    occurredAt: new Date(info.transaction_initiation_date ?? info.transaction_updated_date ?? 0),
    status: STATUSES[info.transaction_status ?? 'S'] ?? 'available',
    raw: row as Record<string, unknown>,
  };
}

/**
 * A withdrawal (T04xx) as a payout. PayPal links no rows to a withdrawal: it sweeps the balance,
 * so its entries are the rows of its currency since the previous withdrawal (`entries` says so).
 */
export function toSettlementPayout(record: SettlementRecord): SettlementPayout {
  return {
    id: record.id,
    status: record.status === 'failed' || record.status === 'reversed' ? 'failed' : 'paid',
    currency: record.currency,
    amount: -record.net,
    fee: 0,
    createdAt: record.occurredAt,
    arrivalDate: record.occurredAt,
    entries: 'since_previous_payout',
    raw: record.raw,
  };
}
