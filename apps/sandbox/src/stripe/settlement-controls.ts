// The Stripe sandbox's settlement controls (`/_sandbox/settlements/…`): payouts now and the
// discrepancies a real account produces, for reconciliation tests. See README.md.
import { invalidRequest } from './errors';
import { Params, type FormObject } from './form';
import type { StripeState, RequestContext } from './state';

export interface ControlAnswer {
  status: number;
  body: unknown;
}

const reference = (input: Record<string, unknown>): string => {
  const value = input['reference'] ?? input['payment_intent'] ?? input['charge'] ?? input['refund'];
  if (typeof value !== 'string' || value === '')
    throw invalidRequest('reference is required: a payment_intent, charge or refund id', {
      param: 'reference',
    });
  return value;
};

const integer = (input: Record<string, unknown>, key: string, fallback?: number): number => {
  const raw = input[key] ?? fallback;
  const value = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw invalidRequest(`${key} must be a whole number of minor units`, { param: key });
  return value;
};

const currency = (input: Record<string, unknown>): string => {
  const value = String(input['currency'] ?? 'usd').toLowerCase();
  if (!/^[a-z]{3}$/.test(value))
    throw invalidRequest('currency must be an ISO 4217 code', { param: 'currency' });
  return value;
};

/** Answers a settlement control, or `undefined` when the path is not one. */
export function settlementControl(
  state: StripeState,
  method: string,
  path: string,
  input: Record<string, unknown>,
  ctx: RequestContext,
): ControlAnswer | undefined {
  if (method !== 'POST' || !path.startsWith('/_sandbox/settlements/')) return undefined;
  const ok = (body: unknown) => ({ status: 200, body });
  switch (path.slice('/_sandbox/settlements/'.length)) {
    case 'payout':
      return ok({ object: 'list', data: state.payOut() });
    case 'dispute': {
      // A chargeback on the charge, lost at once: its amount and the dispute fee leave the balance.
      const charge = state.transactionOf(reference(input)).source ?? '';
      const dispute = state.openDispute(charge, String(input['reason'] ?? 'fraudulent'), false, ctx);
      return ok(dispute);
    }
    case 'fee':
      return ok(
        state.feeAdjustment(
          integer(input, 'amount'),
          currency(input),
          typeof input['description'] === 'string' ? input['description'] : undefined,
        ),
      );
    case 'shift':
      return ok(state.shiftAmount(reference(input), integer(input, 'delta', 1)));
    case 'missing':
      return ok(state.hide(reference(input), 'missing'));
    case 'late':
      return ok(state.hide(reference(input), 'late'));
    case 'release':
      return ok({ released: state.release() });
    case 'unknown': {
      // A charge made on the account outside Payrail (the dashboard, another integration).
      const form: FormObject = {
        amount: String(integer(input, 'amount', 1000)),
        currency: currency(input),
        payment_method: 'pm_card_visa',
        confirm: 'true',
        description: 'Charge made outside Payrail',
      };
      const pi = state.createPaymentIntent(new Params(form), ctx);
      return ok(state.transactionOf(pi.id));
    }
    default:
      return {
        status: 404,
        body: { error: { message: `no settlement control ${path}; see apps/sandbox/src/stripe/README.md` } },
      };
  }
}
