/**
 * The console's only money code: amounts travel as integers in the currency's minor unit and
 * are turned into text here, with the exponent Intl knows for the currency (JPY 0, USD 2, KWD 3).
 */
export function currencyExponent(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

function shift(minor: number, exponent: number): string {
  const negative = minor < 0;
  const digits = String(Math.abs(Math.trunc(minor))).padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = exponent === 0 ? '' : `.${digits.slice(-exponent)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** `formatMoney(1050, 'USD')` → `$10.50`; `formatMoney(1000, 'JPY')` → `¥1,000`. */
export function formatMoney(minor: number, currency: string, locale = 'en-US'): string {
  const exponent = currencyExponent(currency);
  const decimal = shift(minor, exponent);
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    }).format(
      // the decimal string keeps exactness for amounts up to 2^53; Intl takes strings
      decimal as unknown as number,
    );
  } catch {
    return `${decimal} ${currency}`;
  }
}

/**
 * Reads what a person typed ("12.5", "1,000.25") as minor units of the currency. Returns an
 * error message instead when the text is not an amount or has more decimals than the currency.
 */
export function parseMoney(text: string, currency: string): { minor: number } | { error: string } {
  const exponent = currencyExponent(currency);
  const cleaned = text.trim().replace(/,/g, '');
  const match = /^(\d+)(?:\.(\d*))?$/.exec(cleaned);
  if (!match) return { error: 'Enter an amount such as 12.50' };
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) {
    return {
      error: exponent === 0 ? `${currency} has no decimals` : `${currency} has at most ${exponent} decimals`,
    };
  }
  const minor = Number(`${match[1]}${fraction.padEnd(exponent, '0')}`);
  if (!Number.isSafeInteger(minor)) return { error: 'That amount is too large' };
  if (minor <= 0) return { error: 'Enter an amount above zero' };
  return { minor };
}
