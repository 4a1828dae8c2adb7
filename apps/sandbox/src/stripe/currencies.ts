/** Currencies the sandbox charges in (a subset of Stripe's), lower-case as Stripe writes them. */
export const SUPPORTED_CURRENCIES = new Set(
  (
    'usd eur gbp jpy cad aud chf sek nok dkk nzd sgd hkd mxn brl pln czk huf ron bgn inr idr ils krw myr ' +
    'php thb twd zar aed sar try cny kwd bhd jod omr tnd clp vnd isk ugx xof xaf'
  ).split(' '),
);

const ZERO_DECIMAL = new Set(['jpy', 'krw', 'vnd', 'clp', 'isk', 'ugx', 'xof', 'xaf']);
const THREE_DECIMAL = new Set(['kwd', 'bhd', 'jod', 'omr', 'tnd']);

export function minorUnitExponent(currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return 0;
  if (THREE_DECIMAL.has(currency)) return 3;
  return 2;
}

/** Stripe's smallest charge: about half a dollar. */
export function minimumAmount(currency: string): number {
  return minorUnitExponent(currency) === 3 ? 500 : 50;
}

/** Stripe's largest charge for most currencies: eight digits of minor units. */
export const MAXIMUM_AMOUNT = 99_999_999;

/** The sandbox's card processing fee: 2.9 % + 30 minor units (3.6 % for zero-decimal currencies). */
export function processingFee(amount: number, currency: string): number {
  return minorUnitExponent(currency) === 0 ? Math.round(amount * 0.036) : Math.round(amount * 0.029) + 30;
}
