import {
  decodeSettlementCursor,
  encodeSettlementCursor,
  type SettlementKind,
  type SettlementPage,
  type SettlementPayout,
  type SettlementRecord,
  type SettlementRequest,
} from '@payrail/plugin-sdk';
import type Stripe from 'stripe';

/** Stripe's balance transaction types by what they are for reconciliation; the rest are `other`. */
const KINDS: Readonly<Partial<Record<string, SettlementKind>>> = {
  charge: 'charge',
  payment: 'charge',
  refund: 'refund',
  payment_refund: 'refund',
  payment_failure_refund: 'refund',
  refund_failure: 'refund',
  payout: 'payout',
  payout_cancel: 'payout',
  payout_failure: 'payout',
  stripe_fee: 'fee',
  application_fee: 'fee',
  stripe_fx_fee: 'fee',
  tax_fee: 'fee',
};

type Source = {
  id?: string;
  object?: string;
  payment_intent?: string | { id: string } | null;
  charge?: string | { id: string } | null;
};

const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === 'string' ? value : (value?.id ?? undefined);

function kindOf(txn: Stripe.BalanceTransaction, source: Source | undefined): SettlementKind {
  if (source?.object === 'dispute' || /^dispute/.test(txn.reporting_category ?? '')) return 'dispute';
  if (txn.type === 'adjustment' && txn.reporting_category === 'fee') return 'fee';
  return KINDS[txn.type] ?? 'other';
}

/**
 * One balance transaction (listed with `expand[]=data.source`) as a reconciliation record. The
 * payment reference is the PaymentIntent (what Payrail stores); the capture reference is the charge.
 */
export function toSettlementRecord(txn: Stripe.BalanceTransaction, payoutId?: string): SettlementRecord {
  const expanded = txn.source && typeof txn.source === 'object' ? (txn.source as Source) : undefined;
  const sourceId = typeof txn.source === 'string' ? txn.source : expanded?.id;
  const kind = kindOf(txn, expanded);
  const paymentReference = idOf(expanded?.payment_intent);
  let captureReference: string | undefined;
  if (expanded?.object === 'charge') captureReference = expanded.id;
  else if (expanded?.object === 'refund' || expanded?.object === 'dispute')
    captureReference = idOf(expanded.charge);
  const paidBy = payoutId ?? (kind === 'payout' && sourceId?.startsWith('po_') ? sourceId : undefined);
  return {
    id: txn.id,
    dedupeKey: txn.id,
    kind,
    gatewayType: txn.type,
    ...(paymentReference ? { paymentReference } : {}),
    ...(captureReference ? { captureReference } : {}),
    ...(expanded?.object === 'refund' && expanded.id ? { refundReference: expanded.id } : {}),
    ...(expanded?.object === 'dispute' && expanded.id ? { disputeReference: expanded.id } : {}),
    currency: txn.currency.toUpperCase(),
    amount: txn.amount,
    fee: txn.fee,
    net: txn.net,
    occurredAt: new Date(txn.created * 1000),
    availableOn: new Date(txn.available_on * 1000),
    ...(paidBy ? { payoutId: paidBy } : {}),
    status: paidBy && kind !== 'payout' ? 'paid_out' : txn.status === 'pending' ? 'pending' : 'available',
    raw: JSON.parse(JSON.stringify(txn)) as Record<string, unknown>,
  };
}

export function toSettlementPayout(payout: Stripe.Payout): SettlementPayout {
  return {
    id: payout.id,
    status: payout.status as SettlementPayout['status'],
    currency: payout.currency.toUpperCase(),
    amount: payout.amount,
    fee: 0,
    createdAt: new Date(payout.created * 1000),
    arrivalDate: new Date(payout.arrival_date * 1000),
    raw: JSON.parse(JSON.stringify(payout)) as Record<string, unknown>,
  };
}

/**
 * Where a walk of a window stands. Stripe's data comes in three lists, one call per page: the
 * balance transactions created in the window (paid out or not: Stripe does not say on the
 * transaction), then the payouts created in the window, then each of those payouts' transactions
 * (`balance_transactions?payout=`), which are the same rows again, now with their payout.
 */
type StripeCursor =
  | { phase: 'open'; after?: string }
  | { phase: 'payouts'; after?: string }
  | { phase: 'payout'; queue: string[]; after?: string; payoutsAfter: string; more: boolean };

const isCursor = (state: unknown): state is StripeCursor => {
  const s = state as Partial<Record<string, unknown>> | null;
  if (typeof s !== 'object' || s === null) return false;
  const after = s['after'] === undefined || typeof s['after'] === 'string';
  if (s['phase'] === 'open' || s['phase'] === 'payouts') return after;
  return (
    s['phase'] === 'payout' &&
    after &&
    Array.isArray(s['queue']) &&
    s['queue'].length > 0 &&
    s['queue'].every((id) => typeof id === 'string') &&
    typeof s['payoutsAfter'] === 'string' &&
    typeof s['more'] === 'boolean'
  );
};

export function decodeStripeCursor(cursor: string | undefined): StripeCursor {
  return cursor ? decodeSettlementCursor(cursor, isCursor) : { phase: 'open' };
}

/** One page of the walk: one list call to Stripe. */
export async function stripeSettlementPage(
  stripe: Stripe,
  request: SettlementRequest,
  options: Stripe.RequestOptions,
): Promise<SettlementPage> {
  const state = decodeStripeCursor(request.cursor);
  const limit = Math.min(Math.max(request.pageSize ?? 100, 1), 100);
  const created = {
    gte: Math.floor(request.from.getTime() / 1000),
    lt: Math.ceil(request.to.getTime() / 1000),
  };
  const next = (s: StripeCursor | undefined) => (s ? { nextCursor: encodeSettlementCursor(s) } : {});
  if (state.phase === 'open') {
    const page = await stripe.balanceTransactions.list(
      { created, limit, expand: ['data.source'], ...(state.after ? { starting_after: state.after } : {}) },
      options,
    );
    const last = page.data.at(-1)?.id;
    return {
      records: page.data.map((txn) => toSettlementRecord(txn)),
      payouts: [],
      ...next(page.has_more && last ? { phase: 'open', after: last } : { phase: 'payouts' }),
    };
  }
  if (state.phase === 'payouts') {
    const page = await stripe.payouts.list(
      { created, limit, ...(state.after ? { starting_after: state.after } : {}) },
      options,
    );
    const last = page.data.at(-1)?.id;
    return {
      records: [],
      payouts: page.data.map(toSettlementPayout),
      ...next(
        last
          ? { phase: 'payout', queue: page.data.map((p) => p.id), payoutsAfter: last, more: page.has_more }
          : undefined,
      ),
    };
  }
  const [payout, ...rest] = state.queue;
  const page = await stripe.balanceTransactions.list(
    { payout, limit, expand: ['data.source'], ...(state.after ? { starting_after: state.after } : {}) },
    options,
  );
  const last = page.data.at(-1)?.id;
  let following: StripeCursor | undefined;
  if (page.has_more && last) following = { ...state, after: last };
  else if (rest.length > 0) following = { ...state, queue: rest, after: undefined };
  else if (state.more) following = { phase: 'payouts', after: state.payoutsAfter };
  return {
    records: page.data.map((txn) => toSettlementRecord(txn, payout)),
    payouts: [],
    ...next(following),
  };
}
