/**
 * The matching rules, as pure functions of Payrail's movements, the gateway's records, the rules
 * and a time. I/O (reading both sides in order, storing results) sits around them in
 * `reconciliation-runner.ts`; docs/decisions/0015-reconciliation-matching.md explains the choices.
 */

export const RESULT_KINDS = [
  'matched',
  'amount_mismatch',
  'currency_mismatch',
  'status_mismatch',
  'missing_at_gateway',
  'missing_in_payrail',
  'duplicate',
  'expected',
] as const;
export type ResultKind = (typeof RESULT_KINDS)[number];

/** Results that are exceptions: everything but a match and a movement still within its settlement delay. */
export const EXCEPTION_KINDS = RESULT_KINDS.filter(
  (k): k is Exclude<ResultKind, 'matched' | 'expected'> => k !== 'matched' && k !== 'expected',
);
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

/** A capture or a refund Payrail made, from its attempt. Amounts are signed as the gateway signs them. */
export interface Movement {
  attemptId: string;
  paymentId: string;
  type: 'capture' | 'refund';
  /** The payment's gateway reference. */
  paymentReference: string | null;
  /** The capture's or refund's gateway reference, when the gateway gave one. */
  reference: string | null;
  currency: string;
  /** Minor units: positive for a capture, negative for a refund. */
  amount: number;
  status: 'succeeded' | 'failed' | 'pending' | 'unknown';
  at: Date;
}

/** A gateway record as stored by the import (currency in lower case). */
export interface GatewayRecord {
  id: string;
  dedupKey: string;
  /** The gateway's own id of the row; rows of one event can share it (PayPal's chargeback and its fee). */
  gatewayId?: string;
  kind: 'charge' | 'refund' | 'dispute' | 'fee' | 'payout' | 'other';
  paymentReference: string | null;
  captureReference: string | null;
  refundReference: string | null;
  payoutId: string | null;
  status: string;
  currency: string;
  amount: number;
  fee: number;
  net: number;
  occurredAt: Date;
}

export interface GatewayPayout {
  payoutId: string;
  currency: string;
  amount: number;
  createdAt: Date;
}

export interface MatchRules {
  now: Date;
  /** How long after a movement the gateway may take to report it: before that it is `expected`. */
  settlementDelayMs: number;
  /** How far apart in time a movement and a record without references may be to match on amount. */
  dateToleranceMs: number;
}

export interface MatchResult {
  /** `attempt:<id>`, `record:<dedup key>` or `payout:<id>`: what the result is about. */
  targetKey: string;
  kind: ResultKind;
  /** The rule and the values it compared. */
  reason: string;
  movement?: Movement;
  record?: GatewayRecord;
  payout?: GatewayPayout;
  currency: string;
  payrailAmount: number | null;
  gatewayAmount: number | null;
  fee: number | null;
  /** When it happened: the movement's time, else the record's or payout's. */
  at: Date;
}

const RECORD_KIND_OF: Record<Movement['type'], GatewayRecord['kind']> = {
  capture: 'charge',
  refund: 'refund',
};
const GONE = new Set(['failed', 'reversed']);

const byTimeThenKey = (a: GatewayRecord, b: GatewayRecord) =>
  a.occurredAt.getTime() - b.occurredAt.getTime() ||
  (a.dedupKey < b.dedupKey ? -1 : a.dedupKey > b.dedupKey ? 1 : 0);

function recordReference(record: GatewayRecord): string | null {
  return record.kind === 'refund' ? record.refundReference : record.captureReference;
}

/** The verdict on a movement paired with its record: agreement, or the first thing that differs. */
export function judgePair(movement: Movement, record: GatewayRecord, rule: string): MatchResult {
  // Built in one go (no spread of a shared base): a run judges a million pairs.
  const result = (kind: ResultKind, reason: string): MatchResult => ({
    targetKey: `attempt:${movement.attemptId}`,
    kind,
    reason,
    movement,
    record,
    currency: movement.currency,
    payrailAmount: movement.amount,
    gatewayAmount: record.amount,
    fee: record.fee,
    at: movement.at,
  });
  const what = movement.type;
  if (movement.status !== 'succeeded' && !GONE.has(record.status))
    return result(
      'status_mismatch',
      `${rule}: Payrail's ${what} is ${movement.status}, the gateway reports it ${record.status}`,
    );
  if (movement.status === 'succeeded' && GONE.has(record.status))
    return result(
      'status_mismatch',
      `${rule}: Payrail's ${what} succeeded, the gateway reports it ${record.status}`,
    );
  if (movement.status !== 'succeeded')
    return result('matched', `${rule}: neither side moved money (${record.status})`);
  if (record.currency !== movement.currency)
    return result(
      'currency_mismatch',
      `${rule}: Payrail's ${what} is in ${movement.currency}, the gateway's record in ${record.currency}`,
    );
  if (record.amount !== movement.amount)
    return result(
      'amount_mismatch',
      `${rule}: Payrail's ${what} is ${movement.amount}, the gateway's record ${record.amount} (${movement.currency})`,
    );
  return result('matched', `${rule}: ${movement.amount} ${movement.currency}`);
}

function unpairedRecord(record: GatewayRecord, kind: ResultKind, reason: string): MatchResult {
  return {
    targetKey: `record:${record.dedupKey}`,
    kind,
    reason,
    record,
    currency: record.currency,
    payrailAmount: null,
    gatewayAmount: record.amount,
    fee: record.fee,
    at: record.occurredAt,
  };
}

/** A movement no record matched: `expected` within the settlement delay, `missing_at_gateway` after. */
export function unpairedMovement(movement: Movement, rules: MatchRules): MatchResult {
  const age = rules.now.getTime() - movement.at.getTime();
  const late = age >= rules.settlementDelayMs;
  return {
    targetKey: `attempt:${movement.attemptId}`,
    kind: late ? 'missing_at_gateway' : 'expected',
    reason: late
      ? `no gateway record for this ${movement.type} ${Math.floor(age / 3600_000)} h after it, past the settlement delay of ${Math.round(rules.settlementDelayMs / 3600_000)} h`
      : `within the settlement delay of ${Math.round(rules.settlementDelayMs / 3600_000)} h: not reported yet`,
    movement,
    currency: movement.currency,
    payrailAmount: movement.amount,
    gatewayAmount: null,
    fee: null,
    at: movement.at,
  };
}

export interface GroupOutcome {
  results: MatchResult[];
  /** Succeeded movements no record of the group matched: the fallback rule may still pair them. */
  unpaired: Movement[];
}

/**
 * One payment's movements against the records carrying its gateway reference: by the capture's
 * or refund's reference first, then by amount, then what is left pairs up in time order as a
 * mismatch. A record left over is a duplicate when it repeats a paired one, else money Payrail
 * has no record of; a dispute on a payment Payrail knows is a status mismatch.
 */
export function matchPayment(
  movements: readonly Movement[],
  records: readonly GatewayRecord[],
  pairedElsewhere: readonly GatewayRecord[] = [],
): GroupOutcome {
  // By far the most common group: one movement and the one record that names it. The rules below
  // come to this same verdict; this only spares the sets and sorts they build for it.
  if (movements.length === 1 && records.length === 1) {
    const [movement] = movements;
    const [record] = records;
    if (
      movement.reference &&
      record.kind === RECORD_KIND_OF[movement.type] &&
      (recordReference(record) === movement.reference || record.id === movement.reference)
    )
      return { results: [judgePair(movement, record, 'matched by reference')], unpaired: [] };
  }
  const results: MatchResult[] = [];
  const paired = new Set<GatewayRecord>();
  const open = new Set(movements);
  const money = records.filter((r) => r.kind === 'charge' || r.kind === 'refund').sort(byTimeThenKey);
  const pair = (movement: Movement, record: GatewayRecord, rule: string) => {
    results.push(judgePair(movement, record, rule));
    paired.add(record);
    open.delete(movement);
  };

  const references = new Set(movements.map((m) => m.reference).filter((r): r is string => !!r));
  for (const movement of movements) {
    if (!movement.reference) continue;
    const found = money.find(
      (r) =>
        !paired.has(r) &&
        r.kind === RECORD_KIND_OF[movement.type] &&
        (recordReference(r) === movement.reference || r.id === movement.reference),
    );
    if (found) pair(movement, found, 'matched by reference');
  }
  const free = (r: GatewayRecord) => {
    const ref = recordReference(r);
    return !paired.has(r) && (!ref || !references.has(ref));
  };
  for (const movement of [...open]) {
    const found = money.find(
      (r) =>
        free(r) &&
        r.kind === RECORD_KIND_OF[movement.type] &&
        r.currency === movement.currency &&
        r.amount === movement.amount,
    );
    if (found) pair(movement, found, 'matched by payment reference and amount');
  }
  for (const movement of [...open]) {
    if (movement.status !== 'succeeded') continue;
    const found = money.find((r) => free(r) && r.kind === RECORD_KIND_OF[movement.type]);
    if (found) pair(movement, found, 'paired by payment reference');
  }

  const pairedRecords = [...paired, ...pairedElsewhere];
  for (const record of money) {
    if (paired.has(record)) continue;
    if (record.status === 'failed') continue;
    const ref = recordReference(record);
    const twin = pairedRecords.find(
      (p) =>
        p.kind === record.kind &&
        p.currency === record.currency &&
        p.amount === record.amount &&
        (ref === null || recordReference(p) === ref),
    );
    if (twin) {
      results.push(
        unpairedRecord(
          record,
          'duplicate',
          `repeats gateway record ${twin.id} (${record.amount} ${record.currency})`,
        ),
      );
      continue;
    }
    results.push(
      unpairedRecord(
        record,
        'missing_in_payrail',
        ref && references.has(ref)
          ? `a second ${record.kind} for ${ref}, which Payrail has once`
          : `a ${record.kind} of ${record.amount} ${record.currency} Payrail has no movement for`,
      ),
    );
  }
  const knownPayment = movements.length > 0;
  // A fee row that shares its gateway id with a dispute row is that dispute's fee: one exception, not two.
  const disputeIds = new Set(
    records.filter((r) => r.kind === 'dispute' && r.gatewayId).map((r) => r.gatewayId as string),
  );
  const disputeFee = (r: GatewayRecord) =>
    records
      .filter((f) => f !== r && f.kind !== 'dispute' && f.gatewayId && f.gatewayId === r.gatewayId)
      .reduce((sum, f) => sum - f.net, 0);
  for (const record of records) {
    if (record.kind === 'charge' || record.kind === 'refund' || record.kind === 'payout') continue;
    if (record.status === 'failed') continue;
    if (record.kind !== 'dispute' && record.gatewayId && disputeIds.has(record.gatewayId)) continue;
    if (record.kind === 'dispute' && knownPayment) {
      const fee = record.fee + disputeFee(record);
      results.push({
        ...unpairedRecord(
          record,
          'status_mismatch',
          `the gateway reports a dispute of ${record.amount} ${record.currency} (fee ${fee}); Payrail has the payment as settled`,
        ),
        fee,
      });
    } else
      results.push(
        unpairedRecord(
          record,
          'missing_in_payrail',
          `a ${record.kind} row of ${record.amount} ${record.currency} (fee ${record.fee}) Payrail has no movement for`,
        ),
      );
  }
  // A movement that failed (or is still in doubt) and that the gateway never reported moved no money.
  const unpaired = [...open].filter((m) => m.status === 'succeeded');
  return { results, unpaired };
}

/**
 * The documented fallback for movements and records without a shared payment reference: same
 * kind, currency and amount, within the date tolerance; the nearest in time wins, ties by key.
 */
export function matchByAmount(
  movements: readonly Movement[],
  records: readonly GatewayRecord[],
  rules: MatchRules,
): MatchResult[] {
  const results: MatchResult[] = [];
  const left = [...records].filter((r) => r.kind !== 'payout').sort(byTimeThenKey);
  const taken = new Set<GatewayRecord>();
  const ordered = [...movements].sort(
    (a, b) => a.at.getTime() - b.at.getTime() || (a.attemptId < b.attemptId ? -1 : 1),
  );
  for (const movement of ordered) {
    let best: GatewayRecord | undefined;
    let bestGap = Infinity;
    for (const r of left) {
      if (taken.has(r) || r.kind !== RECORD_KIND_OF[movement.type]) continue;
      if (r.currency !== movement.currency || r.amount !== movement.amount) continue;
      if (r.paymentReference && movement.paymentReference && r.paymentReference !== movement.paymentReference)
        continue;
      const gap = Math.abs(r.occurredAt.getTime() - movement.at.getTime());
      if (gap <= rules.dateToleranceMs && gap < bestGap) {
        best = r;
        bestGap = gap;
      }
    }
    if (best) {
      taken.add(best);
      results.push(
        judgePair(
          movement,
          best,
          `matched on amount and currency within ${Math.round(bestGap / 60_000)} min`,
        ),
      );
    } else results.push(unpairedMovement(movement, rules));
  }
  const rest = left.filter((r) => !taken.has(r));
  // What is left still goes through the per-payment rules (duplicates, disputes, fees), with no movement.
  if (rest.length) results.push(...matchPayment([], rest, [...taken]).results);
  return results;
}

/** A payout agrees with itself when its entries' net adds up to what reached the bank. */
export function checkPayout(
  payout: GatewayPayout,
  entryNetSum: number,
  entryCount: number,
): MatchResult | null {
  // A gateway that links no rows to its payouts (PayPal's withdrawals) leaves nothing to add up.
  if (entryCount === 0) return null;
  const agrees = entryNetSum === payout.amount;
  return {
    targetKey: `payout:${payout.payoutId}`,
    kind: agrees ? 'matched' : 'amount_mismatch',
    reason: agrees
      ? `${entryCount} entries add up to the payout's ${payout.amount} ${payout.currency}`
      : `${entryCount} entries add up to ${entryNetSum} ${payout.currency}, the payout is ${payout.amount}`,
    payout,
    currency: payout.currency,
    payrailAmount: entryNetSum,
    gatewayAmount: payout.amount,
    fee: null,
    at: payout.createdAt,
  };
}

/** The line a result adds to the run's digest: only what the inputs decide, never ids or times of the run. */
export function digestLine(result: MatchResult): string {
  return [
    result.targetKey,
    result.kind,
    result.record?.dedupKey ?? '',
    result.currency,
    result.payrailAmount ?? '',
    result.gatewayAmount ?? '',
    result.fee ?? '',
  ].join('|');
}
