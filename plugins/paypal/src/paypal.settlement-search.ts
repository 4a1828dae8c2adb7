import type { TransactionSearchController, SearchResponse } from '@paypal/paypal-server-sdk';
import { paypalSdk } from './paypal.sdk';
import type { SettlementPage, SettlementRecord } from '@payrail/plugin-sdk';
import type { PayPalCall } from './paypal.client';
import {
  encodePayPalCursor,
  kindOf,
  MIN_RANGE_MS,
  searchDate,
  splitWindow,
  toSettlementPayout,
  toSettlementRecord,
  type PayPalCursor,
  type WireRow,
} from './paypal.settlements';

/**
 * One page of Transaction Search for a walk: the SDK's `TransactionSearchController` searches
 * the cursor's first window; a window PayPal refuses with `RESULTSET_TOO_LARGE` is halved and
 * searched again. The page's raw rows are read from the response body, so each record keeps the
 * row exactly as PayPal wrote it.
 */
export async function searchSettlementPage(
  call: PayPalCall,
  cursor: PayPalCursor,
  pageSize: number,
): Promise<SettlementPage> {
  const search = new (paypalSdk().TransactionSearchController)(call.client);
  const windows = [...cursor.windows];
  for (;;) {
    const window = windows[0];
    let response: Awaited<ReturnType<TransactionSearchController['searchTransactions']>>;
    try {
      response = await search.searchTransactions({
        startDate: searchDate(window.start),
        endDate: searchDate(window.end),
        page: cursor.page,
        pageSize,
        fields: 'transaction_info',
      });
    } catch (error) {
      if (!tooLarge(error) || window.end - window.start <= MIN_RANGE_MS) throw error;
      windows.splice(0, 1, ...splitWindow(window));
      continue;
    }
    const rows = wireRows(response.body, response.result);
    const inWindow = rows.filter((row) => {
      const at = Date.parse(row.transaction_info?.transaction_initiation_date ?? '');
      // PayPal's end_date is inclusive: a row at the very end belongs to the next window.
      return !(at >= window.end) && !(at < window.start);
    });
    const captures = new Map<string, string>();
    for (const row of inWindow) {
      const info = row.transaction_info;
      if (
        info?.transaction_id &&
        info.paypal_reference_id &&
        kindOf(info.transaction_event_code ?? '') === 'charge'
      )
        captures.set(info.transaction_id, info.paypal_reference_id);
    }
    await authorizationsOfCaptures(call, inWindow, captures);
    const seen = new Set<string>();
    const records: SettlementRecord[] = [];
    for (const row of inWindow) {
      const record = toSettlementRecord(row, captures);
      if (!record || seen.has(record.dedupeKey)) continue;
      seen.add(record.dedupeKey);
      records.push(record);
    }
    const more = cursor.page < (response.result.totalPages ?? 1);
    const rest = more ? windows : windows.slice(1);
    const next: PayPalCursor | undefined = rest.length
      ? { windows: rest, page: more ? cursor.page + 1 : 1 }
      : undefined;
    return {
      records,
      payouts: records.filter((r) => r.kind === 'payout').map(toSettlementPayout),
      ...(next ? { nextCursor: encodePayPalCursor(next) } : {}),
    };
  }
}

/** Refund and dispute rows name the capture; the payment Payrail knows is its authorization. */
async function authorizationsOfCaptures(
  call: PayPalCall,
  rows: WireRow[],
  known: Map<string, string>,
): Promise<void> {
  const wanted = new Set<string>();
  for (const row of rows) {
    const info = row.transaction_info;
    const kind = kindOf(info?.transaction_event_code ?? '');
    if (
      info?.paypal_reference_id &&
      kind !== 'charge' &&
      kind !== 'payout' &&
      !known.has(info.paypal_reference_id)
    )
      wanted.add(info.paypal_reference_id);
  }
  const payments = new (paypalSdk().PaymentsController)(call.client);
  for (const captureId of wanted) {
    try {
      const { result } = await payments.getCapturedPayment({ captureId });
      const up = result.links?.find((l) => l.rel === 'up')?.href ?? '';
      const authorization = /\/authorizations\/([^/?]+)/.exec(up)?.[1];
      if (authorization) known.set(captureId, authorization);
    } catch (error) {
      // A reference that is not a capture (or one PayPal no longer shows) keeps no payment.
      if (!(error instanceof paypalSdk().ApiError && error.statusCode === 404)) throw error;
    }
  }
}

/** PayPal refuses a search whose result set passes 10,000 rows: `RESULTSET_TOO_LARGE`. */
function tooLarge(error: unknown): boolean {
  if (!(error instanceof paypalSdk().ApiError)) return false;
  const text = typeof error.body === 'string' ? error.body : JSON.stringify(error.result ?? {});
  return /RESULTSET_TOO_LARGE/.test(text);
}

/** The rows as PayPal sent them (snake case); the SDK's parsed result when the body is not text. */
function wireRows(body: unknown, result: SearchResponse): WireRow[] {
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { transaction_details?: WireRow[] };
      return parsed.transaction_details ?? [];
    } catch {
      // fall through to the parsed result
    }
  }
  return (result.transactionDetails ?? []).map((row) => ({
    transaction_info: {
      transaction_id: row.transactionInfo?.transactionId,
      paypal_reference_id: row.transactionInfo?.paypalReferenceId,
      transaction_event_code: row.transactionInfo?.transactionEventCode,
      transaction_initiation_date: row.transactionInfo?.transactionInitiationDate,
      transaction_updated_date: row.transactionInfo?.transactionUpdatedDate,
      transaction_amount: row.transactionInfo?.transactionAmount
        ? {
            currency_code: row.transactionInfo.transactionAmount.currencyCode,
            value: row.transactionInfo.transactionAmount.value,
          }
        : undefined,
      fee_amount: row.transactionInfo?.feeAmount
        ? {
            currency_code: row.transactionInfo.feeAmount.currencyCode,
            value: row.transactionInfo.feeAmount.value,
          }
        : undefined,
      transaction_status: row.transactionInfo?.transactionStatus,
    },
  }));
}
