import { randomUUID } from 'node:crypto';
import { invalid, missing } from './errors';
import type { SquareDisputes } from './disputes';
import type { SquareLedger } from './payments';

type Json = Record<string, unknown>;
type Control = [string, RegExp, (ctx: { params: string[]; body: Json }) => Json];

const reference = (body: Json): string => {
  const value = body['reference'];
  if (typeof value !== 'string' || !value) throw missing('reference');
  return value;
};

const whole = (body: Json, key: string, fallback?: number): number => {
  const value = body[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw invalid('INVALID_VALUE', `${key} must be a whole number of minor units`, key);
  return value;
};

/**
 * The settlement controls (`/_sandbox/settlements/…`): a payout now, and the discrepancies a
 * real account produces. Hiding and shifting act on payments and refunds not yet paid out: they
 * show in the next payout (or do not).
 */
export function squareSettlementControls(ledger: SquareLedger, disputes: SquareDisputes): Control[] {
  const known = (id: string) => {
    if (!ledger.payments.has(id) && !ledger.refunds.has(id))
      throw invalid('NOT_FOUND', `no payment or refund ${id}`, 'reference');
    return id;
  };
  return [
    ['POST', /^\/_sandbox\/settlements\/payout$/, () => ({ payouts: ledger.settle() })],
    [
      'POST',
      /^\/_sandbox\/settlements\/dispute$/,
      ({ body }) => disputes.open({ payment_id: reference(body), reason: body['reason'] ?? 'NOT_RECEIVED' }),
    ],
    [
      'POST',
      /^\/_sandbox\/settlements\/fee$/,
      ({ body }) => {
        const amount = whole(body, 'amount');
        if (amount === 0) throw invalid('INVALID_VALUE', 'amount must not be 0', 'amount');
        const payment = typeof body['reference'] === 'string' ? { payment_id: body['reference'] } : {};
        ledger.adjust('FEE', -amount, payment);
        return { booked: -amount };
      },
    ],
    [
      'POST',
      /^\/_sandbox\/settlements\/shift$/,
      ({ body }) => {
        const delta = whole(body, 'delta', 1);
        if (delta === 0) throw invalid('INVALID_VALUE', 'delta must not be 0', 'delta');
        ledger.quirks.shift(known(reference(body)), delta);
        return { reference: body['reference'], delta };
      },
    ],
    [
      'POST',
      /^\/_sandbox\/settlements\/(missing|late)$/,
      ({ body, params }) => {
        const how = params[0] === 'late' ? 'late' : 'missing';
        ledger.quirks.hide(known(reference(body)), how);
        return { reference: body['reference'], hidden: how };
      },
    ],
    ['POST', /^\/_sandbox\/settlements\/release$/, () => ({ released: ledger.quirks.release() })],
    [
      'POST',
      /^\/_sandbox\/settlements\/unknown$/,
      ({ body }) =>
        ledger.createPayment({
          source_id: 'cnon:card-nonce-ok',
          idempotency_key: randomUUID(),
          amount_money: { amount: whole(body, 'amount', 1000), currency: ledger.account.currency },
          autocomplete: true,
          note: 'Payment taken outside Payrail',
        }).body,
    ],
  ];
}
