import { formatAmount } from './format';

describe('the amount the customer reads', () => {
  it('is the decimal amount in the currency and locale', () => {
    expect(formatAmount('25.99', 'USD', 'en-US')).toBe('$25.99');
    expect(formatAmount('1500', 'JPY', 'en-US')).toBe('¥1,500');
    expect(formatAmount('25.99', 'EUR', 'de-DE')).toBe('25,99\u00a0€');
  });

  it('falls back to the code for a currency the browser does not know', () => {
    expect(formatAmount('1.00', 'NOPE', 'en-US')).toBe('1.00 NOPE');
  });
});
