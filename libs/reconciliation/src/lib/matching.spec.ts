import {
  checkPayout,
  matchByAmount,
  matchPayment,
  unpairedMovement,
  type GatewayRecord,
  type MatchRules,
  type Movement,
} from './matching';

const at = new Date('2026-11-20T10:00:00Z');
const rules: MatchRules = {
  now: new Date('2026-11-25T00:00:00Z'),
  settlementDelayMs: 24 * 3600_000,
  dateToleranceMs: 3 * 24 * 3600_000,
};

const capture = (over: Partial<Movement> = {}): Movement => ({
  attemptId: 'att_1',
  paymentId: 'pay_1',
  type: 'capture',
  paymentReference: 'pi_1',
  reference: 'ch_1',
  currency: 'usd',
  amount: 1000,
  status: 'succeeded',
  at,
  ...over,
});
const charge = (over: Partial<GatewayRecord> = {}): GatewayRecord => ({
  id: 'srec_1',
  dedupKey: 'txn_1',
  kind: 'charge',
  paymentReference: 'pi_1',
  captureReference: 'ch_1',
  refundReference: null,
  payoutId: null,
  status: 'available',
  currency: 'usd',
  amount: 1000,
  fee: 59,
  net: 941,
  occurredAt: at,
  ...over,
});

const kinds = (movements: Movement[], records: GatewayRecord[]) =>
  matchPayment(movements, records).results.map((r) => `${r.targetKey} ${r.kind}`);

describe('matching a payment', () => {
  it('matches a capture by its reference and keeps the fee', () => {
    const [result] = matchPayment([capture()], [charge()]).results;
    expect(result).toMatchObject({ kind: 'matched', fee: 59, payrailAmount: 1000, gatewayAmount: 1000 });
    expect(result.reason).toContain('matched by reference');
  });

  it('tells an amount off by one minor unit, with both amounts', () => {
    const [result] = matchPayment([capture()], [charge({ amount: 999, net: 940 })]).results;
    expect(result).toMatchObject({ kind: 'amount_mismatch', payrailAmount: 1000, gatewayAmount: 999 });
  });

  it('tells a currency mismatch', () => {
    expect(kinds([capture()], [charge({ currency: 'eur' })])).toEqual(['attempt:att_1 currency_mismatch']);
  });

  it('tells a refund Payrail has as failed that the gateway settled, and one the gateway reversed', () => {
    const refund = capture({
      attemptId: 'att_2',
      type: 'refund',
      reference: 're_1',
      amount: -400,
      status: 'failed',
    });
    const row = charge({
      id: 'srec_2',
      dedupKey: 'txn_2',
      kind: 'refund',
      captureReference: null,
      refundReference: 're_1',
      amount: -400,
    });
    expect(kinds([refund], [row])).toEqual(['attempt:att_2 status_mismatch']);
    expect(kinds([capture()], [charge({ status: 'reversed' })])).toEqual(['attempt:att_1 status_mismatch']);
  });

  it('falls back to the payment reference and amount when the record names no capture', () => {
    const [result] = matchPayment([capture()], [charge({ captureReference: null })]).results;
    expect(result.kind).toBe('matched');
    expect(result.reason).toContain('payment reference and amount');
  });

  it('calls a repeated row a duplicate and a charge nobody made missing in Payrail', () => {
    expect(kinds([capture()], [charge(), charge({ id: 'srec_9', dedupKey: 'txn_9' })])).toEqual([
      'attempt:att_1 matched',
      'record:txn_9 duplicate',
    ]);
    expect(kinds([], [charge({ paymentReference: 'pi_x', captureReference: 'ch_x' })])).toEqual([
      'record:txn_1 missing_in_payrail',
    ]);
  });

  it('calls a dispute on a known payment a status mismatch, and a fee row money Payrail has no record of', () => {
    const dispute = charge({
      id: 'srec_3',
      dedupKey: 'txn_3',
      kind: 'dispute',
      captureReference: null,
      amount: -1000,
      fee: 1500,
      net: -2500,
    });
    const fee = charge({
      id: 'srec_4',
      dedupKey: 'txn_4',
      kind: 'fee',
      captureReference: null,
      amount: 0,
      fee: 25,
      net: -25,
    });
    expect(kinds([capture()], [charge(), dispute, fee])).toEqual([
      'attempt:att_1 matched',
      'record:txn_3 status_mismatch',
      'record:txn_4 missing_in_payrail',
    ]);
  });

  it("folds a chargeback's fee row (same gateway id) into the dispute's one exception", () => {
    const dispute = charge({
      id: 'srec_d',
      dedupKey: 'T1:T1201',
      gatewayId: 'T1',
      kind: 'dispute',
      captureReference: null,
      amount: -1000,
      fee: 0,
      net: -1000,
    });
    const fee = charge({
      id: 'srec_f',
      dedupKey: 'T1:T0106',
      gatewayId: 'T1',
      kind: 'fee',
      captureReference: null,
      amount: -2000,
      fee: 0,
      net: -2000,
    });
    const results = matchPayment([capture()], [charge(), dispute, fee]).results;
    expect(results.map((r) => `${r.targetKey} ${r.kind}`)).toEqual([
      'attempt:att_1 matched',
      'record:T1:T1201 status_mismatch',
    ]);
    expect(results[1].fee).toBe(2000);
  });

  it('leaves a movement without a record for the fallback, and ignores a failed one nobody reported', () => {
    const outcome = matchPayment(
      [capture(), capture({ attemptId: 'att_f', status: 'failed', reference: null })],
      [],
    );
    expect(outcome.results).toEqual([]);
    expect(outcome.unpaired.map((m) => m.attemptId)).toEqual(['att_1']);
  });
});

describe('movements without a record', () => {
  it('are expected within the settlement delay and missing at the gateway after it', () => {
    expect(unpairedMovement(capture({ at: new Date('2026-11-24T12:00:00Z') }), rules).kind).toBe('expected');
    expect(unpairedMovement(capture(), rules).kind).toBe('missing_at_gateway');
  });

  it('match on amount and currency within the date tolerance, nearest first', () => {
    const near = charge({
      id: 'srec_n',
      dedupKey: 'txn_n',
      paymentReference: null,
      captureReference: null,
      occurredAt: new Date('2026-11-20T11:00:00Z'),
    });
    const far = charge({
      id: 'srec_f',
      dedupKey: 'txn_f',
      paymentReference: null,
      captureReference: null,
      occurredAt: new Date('2026-11-22T10:00:00Z'),
    });
    const results = matchByAmount([capture({ paymentReference: null })], [far, near], rules);
    expect(results.map((r) => `${r.targetKey} ${r.kind} ${r.record?.id ?? ''}`.trim())).toEqual([
      'attempt:att_1 matched srec_n',
      'record:txn_f duplicate srec_f',
    ]);
    const tooFar = charge({
      paymentReference: null,
      captureReference: null,
      occurredAt: new Date('2026-11-24T11:00:00Z'),
    });
    expect(matchByAmount([capture({ paymentReference: null })], [tooFar], rules).map((r) => r.kind)).toEqual([
      'missing_at_gateway',
      'missing_in_payrail',
    ]);
  });
});

describe('payouts', () => {
  const payout = { payoutId: 'po_1', currency: 'usd', amount: 941, createdAt: at };
  it('agree when the entries add up to the payout, else show both sums', () => {
    expect(checkPayout(payout, 941, 1)?.kind).toBe('matched');
    expect(checkPayout(payout, 0, 0)).toBeNull();
    expect(checkPayout(payout, 940, 1)).toMatchObject({
      kind: 'amount_mismatch',
      payrailAmount: 940,
      gatewayAmount: 941,
    });
  });
});
