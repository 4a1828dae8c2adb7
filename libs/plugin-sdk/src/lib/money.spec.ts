import {
  assertAmount,
  currencyExponent,
  fromDecimalString,
  isCurrency,
  maxAmount,
  MoneyError,
  toDecimalString,
} from './money';
import { CURRENCY_EXPONENTS } from './currencies';

describe('money', () => {
  it.each([
    [1000, 'USD', '10.00'],
    [1000, 'JPY', '1000'],
    [1000, 'KWD', '1.000'],
    [5, 'USD', '0.05'],
    [0, 'EUR', '0.00'],
    [123456, 'CLF', '12.3456'],
    [-250, 'GBP', '-2.50'],
  ])('writes %i %s as "%s" and reads it back', (amount, currency, decimal) => {
    expect(toDecimalString(amount, currency)).toBe(decimal);
    expect(fromDecimalString(decimal, currency)).toBe(amount);
  });

  it('knows the ISO 4217 exponents of the currencies gateways disagree about', () => {
    expect(currencyExponent('jpy')).toBe(0);
    expect(currencyExponent('KRW')).toBe(0);
    expect(currencyExponent('BHD')).toBe(3);
    expect(currencyExponent('USD')).toBe(2);
    expect(Object.keys(CURRENCY_EXPONENTS).length).toBeGreaterThan(150);
    expect(isCurrency('XTS')).toBe(false);
    expect(isCurrency('HRK')).toBe(false);
  });

  it('reads gateway strings with fewer decimals, but never more than the currency has', () => {
    expect(fromDecimalString('10', 'USD')).toBe(1000);
    expect(fromDecimalString('10.5', 'USD')).toBe(1050);
    expect(fromDecimalString('10.500', 'USD')).toBe(1050);
    expect(() => fromDecimalString('10.001', 'USD')).toThrow(MoneyError);
    expect(() => fromDecimalString('10.5', 'JPY')).toThrow(/more decimals/);
    expect(() => fromDecimalString('1e3', 'USD')).toThrow(/not a decimal/);
    expect(() => fromDecimalString('99999999999999999', 'USD')).toThrow(/larger/);
  });

  it('refuses amounts that are not positive integers within the currency limit', () => {
    expect(() => assertAmount(0, 'USD')).toThrow(/greater than zero/);
    expect(() => assertAmount(-1, 'USD')).toThrow(/greater than zero/);
    expect(() => assertAmount(10.5, 'USD')).toThrow(/integer/);
    expect(() => assertAmount('100', 'USD')).toThrow(/integer/);
    expect(() => assertAmount(maxAmount('USD') + 1, 'USD')).toThrow(/at most/);
    expect(() => assertAmount(100, 'ZZZ')).toThrow(/not an active ISO 4217/);
    expect(() => assertAmount(maxAmount('JPY'), 'JPY')).not.toThrow();
    expect(maxAmount('JPY')).toBe(9_999_999_999);
  });
});
