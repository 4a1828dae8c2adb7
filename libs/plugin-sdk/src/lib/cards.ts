/**
 * Card number facts every part of Payrail shares (the redactor, request validation, the
 * sandboxes): one Luhn check and one brand detector.
 */

/** Whether a string of digits passes the Luhn checksum; anything but digits fails. */
export function luhnValid(digits: string): boolean {
  if (digits.length === 0) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export type CardBrand =
  'visa' | 'mastercard' | 'amex' | 'discover' | 'diners' | 'jcb' | 'unionpay' | 'unknown';

/** IIN prefixes, most specific first; each gateway's sandbox maps the result onto its own names. */
const BRAND_PREFIXES: ReadonlyArray<readonly [RegExp, CardBrand]> = [
  [/^4/, 'visa'],
  [/^(5[1-5]|2[2-7])/, 'mastercard'],
  [/^3[47]/, 'amex'],
  [/^(6011|65|64[4-9])/, 'discover'],
  [/^(30|36|38)/, 'diners'],
  [/^35/, 'jcb'],
  [/^62/, 'unionpay'],
];

/** The card's brand from its number's leading digits. */
export function cardBrand(digits: string): CardBrand {
  return BRAND_PREFIXES.find(([prefix]) => prefix.test(digits))?.[1] ?? 'unknown';
}
