import type { SearchResponse, TransactionDetails } from '@paypal/paypal-server-sdk';
import { fromDecimalString, type SettlementRecord } from '@payrail/plugin-sdk';

/** Transaction Search takes at most 31 days per query. */
export const MAX_RANGE_MS = 31 * 86400_000;

export function dateRanges(from: Date, to: Date): { start: string; end: string }[] {
  const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const out: { start: string; end: string }[] = [];
  for (let start = from.getTime(); start < to.getTime(); start += MAX_RANGE_MS) {
    out.push({
      start: iso(new Date(start)),
      end: iso(new Date(Math.min(start + MAX_RANGE_MS, to.getTime()))),
    });
  }
  return out;
}

function recordType(eventCode: string): SettlementRecord['type'] {
  if (/^T00/.test(eventCode)) return 'charge';
  if (/^T11/.test(eventCode)) return 'refund';
  if (/^T04/.test(eventCode)) return 'payout';
  if (/^T01/.test(eventCode)) return 'fee';
  return 'adjustment';
}

/**
 * Transaction Search rows as reconciliation records. PayPal writes money leaving as negative
 * values and its fee as a negative `fee_amount`; Payrail's `fee` is a positive cost.
 */
export function settlementRecords(pages: SearchResponse[]): SettlementRecord[] {
  const rows: TransactionDetails[] = pages.flatMap((p) => p.transactionDetails ?? []);
  const authorizationOfCapture = new Map<string, string>();
  for (const row of rows) {
    const info = row.transactionInfo;
    if (
      info?.transactionId &&
      info.paypalReferenceId &&
      recordType(info.transactionEventCode ?? '') === 'charge'
    )
      authorizationOfCapture.set(info.transactionId, info.paypalReferenceId);
  }
  const records: SettlementRecord[] = [];
  for (const row of rows) {
    const info = row.transactionInfo;
    if (!info?.transactionId || !info.transactionAmount || info.transactionStatus === 'D') continue;
    const currency = info.transactionAmount.currencyCode;
    const amount = fromDecimalString(info.transactionAmount.value, currency);
    const fee = info.feeAmount ? -fromDecimalString(info.feeAmount.value, currency) : 0;
    const type = recordType(info.transactionEventCode ?? '');
    const reference = info.paypalReferenceId;
    const paymentReference =
      type === 'charge'
        ? (reference ?? info.transactionId)
        : reference
          ? (authorizationOfCapture.get(reference) ?? reference)
          : undefined;
    records.push({
      reference: info.transactionId,
      type,
      ...(paymentReference ? { paymentReference } : {}),
      currency,
      amount,
      fee,
      net: amount - fee,
      occurredAt: new Date(info.transactionInitiationDate ?? Date.now()),
    });
  }
  return records;
}
