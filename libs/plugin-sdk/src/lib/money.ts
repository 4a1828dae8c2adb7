import { CURRENCY_EXPONENTS } from './currencies';

/** An amount of money: an integer count of the currency's minor unit, and an ISO 4217 code. */
export interface Money {
  amount: number;
  currency: string;
}

/** Raised when an amount or currency cannot be represented; `reason` says why in words a caller can show. */
export class MoneyError extends Error {
  constructor(
    readonly reason: 'unknown_currency' | 'not_an_integer' | 'not_positive' | 'too_large' | 'bad_decimal',
    message: string,
  ) {
    super(message);
    this.name = 'MoneyError';
  }
}

/** Largest amount any currency accepts: ten billion major units less one minor unit. */
const MAJOR_UNIT_LIMIT_DIGITS = 10;

export function isCurrency(code: unknown): code is string {
  return (
    typeof code === 'string' && Object.prototype.hasOwnProperty.call(CURRENCY_EXPONENTS, code.toUpperCase())
  );
}

export function normalizeCurrency(code: string): string {
  const upper = code.toUpperCase();
  if (!isCurrency(upper))
    throw new MoneyError('unknown_currency', `'${code}' is not an active ISO 4217 currency code`);
  return upper;
}

export function currencyExponent(code: string): number {
  return CURRENCY_EXPONENTS[normalizeCurrency(code)];
}

export function maxAmount(currency: string): number {
  return 10 ** (MAJOR_UNIT_LIMIT_DIGITS + currencyExponent(currency)) - 1;
}

/** Checks an amount in minor units; `allowZero` for balances and refunds-so-far, never for a charge. */
export function assertAmount(amount: unknown, currency: string, allowZero = false): asserts amount is number {
  const limit = maxAmount(currency);
  if (typeof amount !== 'number' || !Number.isInteger(amount)) {
    throw new MoneyError(
      'not_an_integer',
      `amount must be an integer count of ${normalizeCurrency(currency)} minor units`,
    );
  }
  if (amount < 0 || (amount === 0 && !allowZero)) {
    throw new MoneyError('not_positive', 'amount must be greater than zero');
  }
  if (amount > limit) {
    throw new MoneyError('too_large', `amount must be at most ${limit} for ${normalizeCurrency(currency)}`);
  }
}

export function money(amount: number, currency: string): Money {
  const code = normalizeCurrency(currency);
  assertAmount(amount, code, true);
  return { amount, currency: code };
}

/** Minor units to a gateway's decimal string: 1000 USD → "10.00", 1000 JPY → "1000", 1000 KWD → "1.000". */
export function toDecimalString(amount: number, currency: string): string {
  const exponent = currencyExponent(currency);
  if (!Number.isSafeInteger(amount)) throw new MoneyError('not_an_integer', 'amount must be a safe integer');
  const negative = amount < 0;
  const digits = Math.abs(amount)
    .toString()
    .padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = exponent === 0 ? '' : `.${digits.slice(-exponent)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** A gateway's decimal string to minor units; refuses more decimals than the currency has, or a value that doesn't fit. */
export function fromDecimalString(value: string, currency: string): number {
  const exponent = currencyExponent(currency);
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) throw new MoneyError('bad_decimal', `'${value}' is not a decimal amount`);
  const [, sign, whole, fraction = ''] = match;
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > exponent) {
    throw new MoneyError(
      'bad_decimal',
      `'${value}' has more decimals than ${normalizeCurrency(currency)} allows (${exponent})`,
    );
  }
  const minor = Number(`${whole}${significant.padEnd(exponent, '0')}`);
  if (!Number.isSafeInteger(minor) || minor > maxAmount(currency)) {
    throw new MoneyError('too_large', `'${value}' is larger than ${normalizeCurrency(currency)} allows`);
  }
  return sign && minor !== 0 ? -minor : minor;
}
