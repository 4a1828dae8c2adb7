import {
  decodeSettlementCursor,
  encodeSettlementCursor,
  type SettlementKind,
  type SettlementPage,
  type SettlementPayout,
  type SettlementRecord,
  type SettlementRequest,
} from '@payrail/plugin-sdk';
import type { Square, SquareClient } from 'square';
import { squareSdk } from './square.sdk';
import { minorUnits } from './square.transformers';

function kindOf(type: string | undefined): SettlementKind {
  switch (type) {
    case 'CHARGE':
      return 'charge';
    case 'REFUND':
      return 'refund';
    case 'DISPUTE':
      return 'dispute';
    case 'FEE':
    case 'PROCESSING_FEE':
    case 'PROCESSING_FEE_REFUND':
    case 'UNDO_PROCESSING_FEE_REFUND':
    case 'THIRD_PARTY_FEE':
    case 'THIRD_PARTY_FEE_REFUND':
    case 'DEPOSIT_FEE':
    case 'DEPOSIT_FEE_REVERSED':
    case 'TAX_ON_FEE':
    case 'PAID_SERVICE_FEE':
    case 'PAID_SERVICE_FEE_REFUND':
      return 'fee';
    case 'PAYOUT':
      return 'payout';
    default:
      return 'other';
  }
}

const at = (value: string | null | undefined, fallback: Date) => {
  const date = value ? new Date(value) : fallback;
  return Number.isNaN(date.getTime()) ? fallback : date;
};

/** The object as Square's wire JSON (snake case); amounts, bigints in the SDK, become numbers. */
const wire = (json: unknown) =>
  JSON.parse(
    JSON.stringify(json, (_key, value: unknown) => (typeof value === 'bigint' ? Number(value) : value)),
  ) as Record<string, unknown>;
const sum = (fees: { amountMoney?: Square.Money | null }[] | null | undefined) =>
  (fees ?? []).reduce((total, f) => total + minorUnits(f.amountMoney?.amount), 0);

/**
 * A charge and its refunds are the same money movement whether Square shows them as a payment,
 * a refund or a payout entry, so their dedupe keys name the payment or refund; other entries are
 * keyed by their own id.
 */
const chargeKey = (paymentId: string) => `payment:${paymentId}`;
const refundKey = (refundId: string) => `refund:${refundId}`;

/** One payout entry. Square reports fees as negative amounts (gross + fee = net); Payrail's `fee` is a cost. */
export function payoutEntryRecord(entry: Square.PayoutEntry, payout: Square.Payout): SettlementRecord {
  const amount = minorUnits(entry.grossAmountMoney?.amount);
  const fee = -minorUnits(entry.feeAmountMoney?.amount);
  const kind = kindOf(entry.type);
  const paymentId =
    entry.typeChargeDetails?.paymentId ??
    entry.typeRefundDetails?.paymentId ??
    entry.typeFeeDetails?.paymentId ??
    undefined;
  const refundId = entry.typeRefundDetails?.refundId ?? undefined;
  const disputeId = entry.typeDisputeDetails?.disputeId ?? undefined;
  // A dispute entry names the payment it takes money back from; it is not a capture of it.
  const disputedPaymentId = entry.typeDisputeDetails?.paymentId ?? undefined;
  const dedupeKey =
    kind === 'charge' && entry.typeChargeDetails?.paymentId
      ? chargeKey(entry.typeChargeDetails.paymentId)
      : kind === 'refund' && refundId
        ? refundKey(refundId)
        : `entry:${entry.id}`;
  return {
    id: entry.id,
    dedupeKey,
    kind,
    gatewayType: entry.type ?? 'UNKNOWN',
    ...(paymentId
      ? { paymentReference: paymentId, captureReference: paymentId }
      : disputedPaymentId
        ? { paymentReference: disputedPaymentId }
        : {}),
    ...(refundId ? { refundReference: refundId } : {}),
    ...(disputeId ? { disputeReference: disputeId } : {}),
    currency: (entry.grossAmountMoney?.currency ?? payout.amountMoney?.currency ?? '').toUpperCase(),
    amount,
    fee,
    net: entry.netAmountMoney ? minorUnits(entry.netAmountMoney.amount) : amount - fee,
    occurredAt: at(entry.effectiveAt, at(payout.createdAt, new Date())),
    ...(payout.arrivalDate ? { availableOn: at(payout.arrivalDate, new Date()) } : {}),
    payoutId: payout.id,
    status: 'paid_out',
    raw: wire(squareSdk().serialization.PayoutEntry.jsonOrThrow(entry)),
  };
}

export function toSettlementPayout(payout: Square.Payout): SettlementPayout {
  const status: Record<string, SettlementPayout['status']> = {
    SENT: 'in_transit',
    PAID: 'paid',
    FAILED: 'failed',
  };
  return {
    id: payout.id,
    status: status[payout.status ?? ''] ?? 'pending',
    currency: (payout.amountMoney?.currency ?? '').toUpperCase(),
    amount: minorUnits(payout.amountMoney?.amount),
    fee: sum(payout.payoutFee),
    createdAt: at(payout.createdAt, new Date()),
    ...(payout.arrivalDate ? { arrivalDate: at(payout.arrivalDate, new Date()) } : {}),
    raw: wire(squareSdk().serialization.Payout.jsonOrThrow(payout)),
  };
}

/** A completed payment, before (or without) its payout entry: gross and Square's processing fees. */
export function paymentRecord(payment: Square.Payment): SettlementRecord | undefined {
  if (payment.status !== 'COMPLETED' || !payment.id) return undefined;
  const amount = minorUnits(payment.totalMoney?.amount);
  const fee = sum(payment.processingFee);
  return {
    id: payment.id,
    dedupeKey: chargeKey(payment.id),
    kind: 'charge',
    gatewayType: 'PAYMENT',
    paymentReference: payment.id,
    captureReference: payment.id,
    currency: (payment.totalMoney?.currency ?? '').toUpperCase(),
    amount,
    fee,
    net: amount - fee,
    occurredAt: at(payment.cardDetails?.cardPaymentTimeline?.capturedAt ?? payment.updatedAt, new Date()),
    status: 'available',
    raw: wire(squareSdk().serialization.Payment.jsonOrThrow(payment)),
  };
}

/** A completed refund, before (or without) its payout entry. */
export function refundRecord(refund: Square.PaymentRefund): SettlementRecord | undefined {
  if (refund.status !== 'COMPLETED') return undefined;
  const amount = -minorUnits(refund.amountMoney.amount);
  const fee = -sum(refund.processingFee);
  return {
    id: refund.id,
    dedupeKey: refundKey(refund.id),
    kind: 'refund',
    gatewayType: 'REFUND',
    ...(refund.paymentId ? { paymentReference: refund.paymentId, captureReference: refund.paymentId } : {}),
    refundReference: refund.id,
    currency: (refund.amountMoney.currency ?? '').toUpperCase(),
    amount,
    fee,
    net: amount - fee,
    occurredAt: at(refund.updatedAt, new Date()),
    status: 'available',
    raw: wire(squareSdk().serialization.PaymentRefund.jsonOrThrow(refund)),
  };
}

/**
 * Where a walk stands. One Square list call per page: the window's payments, its refunds, its
 * payouts, then each payout's entries (the same charges and refunds again, now with their payout).
 */
type SquareCursor =
  | { phase: 'payments'; cursor?: string }
  | { phase: 'refunds'; cursor?: string }
  | { phase: 'payouts'; cursor?: string }
  | { phase: 'entries'; queue: string[]; cursor?: string; payouts?: string };

const isCursor = (state: unknown): state is SquareCursor => {
  const s = state as Record<string, unknown> | null;
  if (typeof s !== 'object' || s === null) return false;
  const cursor = s['cursor'] === undefined || typeof s['cursor'] === 'string';
  if (s['phase'] === 'payments' || s['phase'] === 'refunds' || s['phase'] === 'payouts') return cursor;
  return (
    s['phase'] === 'entries' &&
    cursor &&
    (s['payouts'] === undefined || typeof s['payouts'] === 'string') &&
    Array.isArray(s['queue']) &&
    s['queue'].length > 0 &&
    s['queue'].every((id) => typeof id === 'string')
  );
};

export function decodeSquareCursor(cursor: string | undefined): SquareCursor {
  return cursor ? decodeSettlementCursor(cursor, isCursor) : { phase: 'payments' };
}

type Call = <T>(
  perform: (square: SquareClient, options: SquareClient.RequestOptions) => Promise<T>,
) => Promise<T>;

/** The `cursor` Square answered with, read from the page's response. */
const nextOf = (response: unknown) => (response as { cursor?: string | null }).cursor ?? undefined;

export async function squareSettlementPage(
  call: Call,
  locationId: string,
  request: SettlementRequest,
): Promise<SettlementPage> {
  const state = decodeSquareCursor(request.cursor);
  const limit = Math.min(Math.max(request.pageSize ?? 100, 1), 100);
  const range = { beginTime: request.from.toISOString(), endTime: request.to.toISOString() };
  const next = (s: SquareCursor | undefined) => (s ? { nextCursor: encodeSettlementCursor(s) } : {});
  const inWindow = (record: SettlementRecord) =>
    record.occurredAt >= request.from && record.occurredAt < request.to;
  if (state.phase === 'payments') {
    const page = await call((square, options) =>
      square.payments.list({ locationId, ...range, limit, cursor: state.cursor }, options),
    );
    const after = nextOf(page.response);
    return {
      records: page.data.flatMap((p) => paymentRecord(p) ?? []).filter(inWindow),
      payouts: [],
      ...next(after ? { phase: 'payments', cursor: after } : { phase: 'refunds' }),
    };
  }
  if (state.phase === 'refunds') {
    const page = await call((square, options) =>
      square.refunds.list({ locationId, ...range, limit, cursor: state.cursor }, options),
    );
    const after = nextOf(page.response);
    return {
      records: page.data.flatMap((r) => refundRecord(r) ?? []).filter(inWindow),
      payouts: [],
      ...next(after ? { phase: 'refunds', cursor: after } : { phase: 'payouts' }),
    };
  }
  if (state.phase === 'payouts') {
    const page = await call((square, options) =>
      square.payouts.list({ locationId, ...range, limit, cursor: state.cursor }, options),
    );
    const after = nextOf(page.response);
    const queue = page.data.map((p) => p.id);
    return {
      records: [],
      payouts: page.data.map(toSettlementPayout),
      ...next(
        queue.length
          ? { phase: 'entries', queue, ...(after ? { payouts: after } : {}) }
          : after
            ? { phase: 'payouts', cursor: after }
            : undefined,
      ),
    };
  }
  const [payoutId, ...rest] = state.queue;
  const payout = await call((square, options) => square.payouts.get({ payoutId }, options));
  const page = await call((square, options) =>
    square.payouts.listEntries({ payoutId, limit, cursor: state.cursor }, options),
  );
  const after = nextOf(page.response);
  let following: SquareCursor | undefined;
  if (after) following = { ...state, cursor: after };
  else if (rest.length)
    following = { phase: 'entries', queue: rest, ...(state.payouts ? { payouts: state.payouts } : {}) };
  else if (state.payouts) following = { phase: 'payouts', cursor: state.payouts };
  const owner = payout.payout ?? ({ id: payoutId } as Square.Payout);
  return { records: page.data.map((e) => payoutEntryRecord(e, owner)), payouts: [], ...next(following) };
}
