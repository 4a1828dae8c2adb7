import { formatMoney, parseMoney } from './money';

describe('money in the console', () => {
  it.each([
    [1050, 'USD', '$10.50'],
    [1000, 'JPY', '¥1,000'],
    [1234, 'KWD', 'KWD 1.234'],
    [5, 'EUR', '€0.05'],
    [123456789012, 'USD', '$1,234,567,890.12'],
  ])('shows %i minor units of %s as %s', (minor, currency, text) => {
    expect(formatMoney(minor, currency).replace(/\u00a0/g, ' ')).toBe(text);
  });

  it('reads what a person types into minor units, exactly', () => {
    expect(parseMoney('12.5', 'usd')).toEqual({ minor: 1250 });
    expect(parseMoney('1,000', 'JPY')).toEqual({ minor: 1000 });
    expect(parseMoney('0.29', 'USD')).toEqual({ minor: 29 });
    expect(parseMoney('1.001', 'KWD')).toEqual({ minor: 1001 });
  });

  it('says what is wrong with an amount it cannot take', () => {
    expect(parseMoney('12.345', 'USD')).toEqual({ error: 'USD has at most 2 decimals' });
    expect(parseMoney('10.5', 'JPY')).toEqual({ error: 'JPY has no decimals' });
    expect(parseMoney('ten', 'USD')).toEqual({ error: 'Enter an amount such as 12.50' });
    expect(parseMoney('0', 'USD')).toEqual({ error: 'Enter an amount above zero' });
  });
});
