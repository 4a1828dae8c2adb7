import { luhnValid, redact, redactBody, redactText } from './redact';

describe('redact', () => {
  it('masks Luhn-valid card numbers to first 6 and last 4, also with spaces', () => {
    expect(redactText('card 4242424242424242 ok')).toBe('card 424242******4242 ok');
    expect(redactText('4000 0566 5566 5556')).toBe('400005******5556');
    expect(redactText('order 1234567890123')).toBe('order 1234567890123');
    expect(luhnValid('4242424242424242')).toBe(true);
  });

  it('drops CVC and track data and masks secrets by field name', () => {
    const out = redact({
      card: { number: '4242424242424242', cvc: '123', exp_month: 12 },
      secretKey: 'sk_test_abcdefghijkl',
      track2: ';4242=',
    });
    expect(out).toEqual({
      card: { number: '424242******4242', exp_month: 12 },
      secretKey: 'sk_test_****ijkl',
    });
  });

  it('masks gateway and Payrail keys and Authorization values inside text', () => {
    const text =
      'Authorization: Bearer sk_test_51abcdefghijklmnop whsec_abcdefghijkl EAAAlongsquaretoken12345 pr_test_abcdefghijklmnop';
    const out = redactText(text);
    expect(out).not.toMatch(
      /sk_test_51abcdefghijklmnop|whsec_abcdefghijkl|EAAAlongsquaretoken12345|pr_test_abcdefghijklmnop/,
    );
  });

  it('redacts a stored JSON body by field, keeping it JSON', () => {
    const body = JSON.stringify({
      data: { object: { id: 'pi_123', client_secret: 'pi_123_secret_abcdefghijklmnop', amount: 1000 } },
    });
    const out = redactBody(body);
    expect(out).not.toContain('pi_123_secret_abcdefghijklmnop');
    expect(JSON.parse(out).data.object.amount).toBe(1000);
    expect(redactBody('token pi_123_secret_abcdefghijklmnop')).not.toContain('secret_abcdefghijklmnop');
  });
});
