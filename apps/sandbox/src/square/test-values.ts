/**
 * Square's documented sandbox test values: fixed nonces and card-on-file ids with their
 * outcomes, and the client-side card values the Web Payments SDK turns into nonces.
 */
import { cardBrand, type CardBrand } from '@payrail/plugin-sdk';

export interface TestCard {
  brand:
    'VISA' | 'MASTERCARD' | 'AMERICAN_EXPRESS' | 'DISCOVER' | 'DISCOVER_DINERS' | 'JCB' | 'CHINA_UNIONPAY';
  last4: string;
  bin: string;
  expMonth: number;
  expYear: number;
  /** The payment-method error code an authorization with this card ends in, if any. */
  declineCode?: string;
}

const farYear = () => new Date().getUTCFullYear() + 4;

const visa = (declineCode?: string): TestCard => ({
  brand: 'VISA',
  last4: '1111',
  bin: '411111',
  expMonth: 12,
  expYear: farYear(),
  declineCode,
});

/** Fixed test nonces (reusable, as in Square's sandbox) and their outcomes. */
export const FIXED_NONCES: Readonly<Record<string, () => TestCard>> = {
  'cnon:card-nonce-ok': () => visa(),
  'cnon:card-nonce-declined': () => visa('GENERIC_DECLINE'),
  'cnon:card-nonce-rejected-cvv': () => visa('CVV_FAILURE'),
  'cnon:card-nonce-rejected-postalcode': () => visa('ADDRESS_VERIFICATION_FAILURE'),
  'cnon:card-nonce-rejected-expiration': () => visa('INVALID_EXPIRATION'),
};

/** A nonce Square reports as already used, whatever is done with it. */
export const USED_NONCE = 'cnon:card-nonce-already-used';

/** Fixed card-on-file ids, the stored-card equivalents of the fixed nonces. */
export const FIXED_CARDS_ON_FILE: Readonly<Record<string, () => TestCard>> = {
  'ccof:customer-card-id-ok': () => visa(),
  'ccof:customer-card-id-declined': () => visa('GENERIC_DECLINE'),
  'ccof:customer-card-id-rejected-cvv': () => visa('CVV_FAILURE'),
  'ccof:customer-card-id-rejected-postalcode': () => visa('ADDRESS_VERIFICATION_FAILURE'),
  'ccof:customer-card-id-rejected-expiration': () => visa('INVALID_EXPIRATION'),
};

/** Square's names for the brands it takes; a card of any other brand is refused. */
const SQUARE_BRANDS: Readonly<Partial<Record<CardBrand, TestCard['brand']>>> = {
  visa: 'VISA',
  mastercard: 'MASTERCARD',
  amex: 'AMERICAN_EXPRESS',
  discover: 'DISCOVER',
  diners: 'DISCOVER_DINERS',
  jcb: 'JCB',
  unionpay: 'CHINA_UNIONPAY',
};

export interface CardEntry {
  card_number?: string;
  cvv?: string;
  postal_code?: string;
  exp_month?: number;
  exp_year?: number;
  /** Forces any payment-method error code, for codes Square's test cards cannot provoke. */
  decline_code?: string;
}

/**
 * What the Web Payments SDK would make of card fields typed into Square's sandbox form:
 * CVV 911, postal code 99999, expiry 01/40 and card 4000000000000002 are the documented
 * error triggers. Returns a message naming the field when the entry is unusable.
 */
export function cardFromEntry(entry: CardEntry): TestCard | string {
  const digits = (entry.card_number ?? '4111111111111111').replace(/[ -]/g, '');
  if (!/^\d{13,19}$/.test(digits)) return 'card_number must be 13 to 19 digits';
  const brand = SQUARE_BRANDS[cardBrand(digits)];
  if (!brand) return 'card_number is not a card brand Square accepts';
  const expMonth = entry.exp_month ?? 12;
  const expYear = entry.exp_year ?? farYear();
  if (!Number.isInteger(expMonth) || expMonth < 1 || expMonth > 12) return 'exp_month must be 1 to 12';
  if (!Number.isInteger(expYear) || expYear < 2000) return 'exp_year must be a four-digit year';
  let declineCode = entry.decline_code;
  if (!declineCode) {
    if (digits === '4000000000000002') declineCode = 'GENERIC_DECLINE';
    else if (entry.cvv === '911') declineCode = 'CVV_FAILURE';
    else if (entry.postal_code === '99999') declineCode = 'ADDRESS_VERIFICATION_FAILURE';
    else if (expMonth === 1 && expYear === 2040) declineCode = 'INVALID_EXPIRATION';
    else if (new Date(Date.UTC(expYear, expMonth, 1)) <= new Date()) declineCode = 'CARD_EXPIRED';
  }
  return { brand, last4: digits.slice(-4), bin: digits.slice(0, 6), expMonth, expYear, declineCode };
}
