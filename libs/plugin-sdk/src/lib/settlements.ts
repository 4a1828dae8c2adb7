import { GatewayError, type Outcome } from './errors';

/**
 * Settlement import: what a gateway says it did with the merchant's money, as reconciliation
 * reads it. A gateway answers one page at a time (`listSettlements` with a `cursor`), so a large
 * window is never one array in memory; `settlementPages` walks the pages for a caller.
 */

/** What a settlement record is, in Payrail's vocabulary. */
export type SettlementKind =
  /** Money in for a capture (Stripe `charge`/`payment`, PayPal T00xx, Square `CHARGE`). */
  | 'charge'
  /** Money back to the payer for a refund (Stripe `refund`, PayPal T1107, Square `REFUND`). */
  | 'refund'
  /** A dispute or chargeback taking (or giving back) money (Stripe dispute adjustment, PayPal T12xx, Square `DISPUTE`). */
  | 'dispute'
  /** A fee or fee adjustment on its own row, not the fee of a charge (Stripe `stripe_fee`, PayPal T01xx, Square `FEE`). */
  | 'fee'
  /** The transfer of the balance to the bank itself (Stripe `payout`, PayPal T0400, Square `PAYOUT`). */
  | 'payout'
  /** Anything else that moves the balance (reserves, currency conversion, transfers…). */
  | 'other';

/** Where a record stands at the gateway. */
export type SettlementStatus =
  /** Settled but not yet available to pay out (Stripe `pending`, PayPal `P`). */
  | 'pending'
  /** In the balance, available to pay out, not yet paid out (or the gateway does not say). */
  | 'available'
  /** Included in a payout (`payoutId` says which). */
  | 'paid_out'
  /** Reversed or voided by the gateway after it was reported (PayPal `V`). */
  | 'reversed'
  /** Refused or failed at the gateway (PayPal `D`); moved no money. */
  | 'failed';

/**
 * One row of the gateway's settlement data. Amounts are integers in minor units of `currency`,
 * signed from the merchant's balance: money in is positive, money out (refunds, disputes, payouts)
 * negative. `fee` is what the gateway kept, positive for a cost (negative when a fee is given
 * back), and `net = amount - fee` always holds: `net` is what the row changed the balance by.
 */
export interface SettlementRecord {
  /** The gateway's own id of the row: a Stripe balance transaction `txn_…`, a PayPal `transaction_id`, a Square payout entry `poe_…` (or payment/refund id before a payout exists). */
  id: string;
  /**
   * Unique per connection and stable across imports: the key an importer deduplicates on. Two
   * distinct rows never share it (PayPal rows that share a `transaction_id` differ in it), and the
   * same money movement seen again (a rerun, an overlapping window, a Square payment later seen as
   * a payout entry) has the same key. Seen again, a record's later `status`, `availableOn`,
   * `payoutId`, `id` and `raw` replace the earlier ones; a missing `payoutId` never clears one.
   */
  dedupeKey: string;
  kind: SettlementKind;
  /** The gateway's own type for the row: `charge`, `T0006`, `CHARGE`… */
  gatewayType: string;
  /**
   * The payment's gateway reference: the same value Payrail stores as the payment's
   * `gateway_reference` (`GatewayPaymentSnapshot.reference`): a Stripe PaymentIntent `pi_…`, a
   * PayPal authorization id (or order id for an order captured at once), a Square payment id.
   * Absent when the row belongs to no payment the gateway can name.
   */
  paymentReference?: string;
  /** The capture the row belongs to (`CaptureResult.capture.reference`): Stripe charge `ch_…`, PayPal capture id, Square payment id. */
  captureReference?: string;
  /** For refunds (and refund fee rows): the refund's reference, as Payrail stores it on the refund (`RefundResult.refund.reference`). */
  refundReference?: string;
  /** For disputes: the gateway's dispute or case id. */
  disputeReference?: string;
  /** ISO 4217, upper case. Never sum records of different currencies. */
  currency: string;
  /** Gross amount in minor units, signed (see above). */
  amount: number;
  /** The gateway's fee in minor units: positive is a cost. */
  fee: number;
  /** `amount - fee`. */
  net: number;
  /** When the money moved at the gateway (the capture, refund, dispute or payout time). */
  occurredAt: Date;
  /** When the money is (or was) available to pay out, if the gateway says. */
  availableOn?: Date;
  /** The payout that carried this row to the bank, once there is one (`SettlementPayout.id`). */
  payoutId?: string;
  status: SettlementStatus;
  /** The gateway's row as it came over the wire (JSON), kept for the exception view. */
  raw: Record<string, unknown>;
}

export type SettlementPayoutStatus = 'pending' | 'in_transit' | 'paid' | 'failed' | 'canceled';

/**
 * A transfer of the balance to the merchant's bank. Its entries are the records with its id as
 * `payoutId` and a `kind` other than `payout` (see `entries` for gateways that link none): their
 * `net` adds up to `amount` (in `currency`), or the gateway's data disagrees with itself.
 */
export interface SettlementPayout {
  /** The gateway's id: Stripe `po_…`, PayPal withdrawal `transaction_id`, Square `po_…`. */
  id: string;
  status: SettlementPayoutStatus;
  currency: string;
  /** What reaches the bank, in minor units, positive. */
  amount: number;
  /** What the gateway charged for the payout itself (Square deposit fees), minor units; 0 when none. */
  fee: number;
  createdAt: Date;
  /** When it reaches (or reached) the bank, if known. */
  arrivalDate?: Date;
  /**
   * How to find the entries. `by_payout_id` (the default): records carry this payout's id.
   * `since_previous_payout`: the gateway links no rows to its payouts (PayPal withdrawals sweep
   * the balance), so the entries are the records of `currency`, other than payouts, with
   * `occurredAt` after the previous payout of that currency and at or before this one's
   * `createdAt`; an importer tags them itself.
   */
  entries?: 'by_payout_id' | 'since_previous_payout';
  raw: Record<string, unknown>;
}

export interface SettlementRequest {
  /** The window, `from` inclusive, `to` exclusive, on the rows' `occurredAt` (payouts on their creation time). */
  from: Date;
  to: Date;
  /** Where to resume: a page's `nextCursor`. Opaque to the caller; absent for the first page. */
  cursor?: string;
  /** A hint for how many gateway rows one page asks for; plugins clamp it to what the gateway allows. */
  pageSize?: number;
}

/**
 * One page of a window's settlement data. Records of a payout created in the window are included
 * even when they occurred before it, so the payout can be checked; a page may be empty and still
 * have a `nextCursor`.
 */
export interface SettlementPage {
  records: SettlementRecord[];
  payouts: SettlementPayout[];
  /** Present while there is more: pass it back as `SettlementRequest.cursor`. */
  nextCursor?: string;
}

/**
 * Walks every page of a window, one at a time. A failed page throws its `GatewayError`
 * (`error.retryable` says whether to try again from the last cursor, which `onCursor` reports).
 */
export async function* settlementPages<C>(
  gateway: { listSettlements(connection: C, request: SettlementRequest): Promise<Outcome<SettlementPage>> },
  connection: C,
  request: Omit<SettlementRequest, 'cursor'> & { cursor?: string },
  onCursor?: (cursor: string | undefined) => void,
): AsyncGenerator<SettlementPage, void, undefined> {
  let cursor = request.cursor;
  for (;;) {
    const outcome = await gateway.listSettlements(connection, { ...request, cursor });
    if (!outcome.ok) throw outcome.error;
    yield outcome.value;
    cursor = outcome.value.nextCursor;
    onCursor?.(cursor);
    if (!cursor) return;
  }
}

/**
 * The contract's rule for a record seen again under the same `dedupeKey`: the later one's
 * `id`, `status`, `availableOn`, `payoutId` and `raw` win, but a missing `payoutId` (or
 * `availableOn`) never clears one already known. Amounts and references stay as first seen
 * only if the later record has none.
 */
export function mergeSettlementRecord(earlier: SettlementRecord, later: SettlementRecord): SettlementRecord {
  return {
    ...earlier,
    ...later,
    payoutId: later.payoutId ?? earlier.payoutId,
    availableOn: later.availableOn ?? earlier.availableOn,
    paymentReference: later.paymentReference ?? earlier.paymentReference,
    captureReference: later.captureReference ?? earlier.captureReference,
    refundReference: later.refundReference ?? earlier.refundReference,
    disputeReference: later.disputeReference ?? earlier.disputeReference,
    status: later.payoutId || !earlier.payoutId ? later.status : earlier.status,
  };
}

/** Encodes a plugin's resume state as an opaque cursor. */
export function encodeSettlementCursor(state: unknown): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

/** Decodes a cursor made by `encodeSettlementCursor`; a cursor that is not one is `invalid_request`. */
export function decodeSettlementCursor<T>(cursor: string, check: (state: unknown) => state is T): T {
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    state = undefined;
  }
  if (!check(state))
    throw new GatewayError('invalid_request', {
      param: 'cursor',
      detail: 'cursor is not one this gateway issued',
    });
  return state;
}

/** A window check every plugin makes first. */
export function settlementWindowProblem(request: SettlementRequest): GatewayError | undefined {
  if (!(request.from instanceof Date) || Number.isNaN(request.from.getTime()))
    return new GatewayError('invalid_request', { param: 'from', detail: 'from must be a date' });
  if (!(request.to instanceof Date) || Number.isNaN(request.to.getTime()))
    return new GatewayError('invalid_request', { param: 'to', detail: 'to must be a date' });
  if (!(request.from < request.to))
    return new GatewayError('invalid_request', { param: 'from', detail: 'from must be before to' });
  return undefined;
}
