import { luhnValid } from './cards';
import { redact, redactBody, redactText, registerSecretPatterns } from './redact';

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

  it('masks mode-named keys, Payrail secrets and Authorization values inside text', () => {
    const text =
      'Authorization: Bearer sk_test_51abcdefghijklmnop prwh_abcdefghijkl pr_test_abcdefghijklmnop Basic dXNlcjpwYXNzd29yZA==';
    const out = redactText(text);
    expect(out).not.toMatch(
      /sk_test_51abcdefghijklmnop|prwh_abcdefghijkl|pr_test_abcdefghijklmnop|dXNlcjpwYXNzd29yZA==/,
    );
  });

  it('redacts a stored JSON body by field, keeping it JSON', () => {
    const body = JSON.stringify({
      data: { object: { id: 'pi_123', client_secret: 'pi_123_secret_abcdefghijklmnop', amount: 1000 } },
    });
    const out = redactBody(body);
    expect(out).not.toContain('pi_123_secret_abcdefghijklmnop');
    expect(JSON.parse(out).data.object.amount).toBe(1000);
  });

  it("masks a gateway's own key shapes once its descriptor registers them", () => {
    const token = ['acmetok', 'PayrailRedactSpec000'].join('-');
    expect(redactText(`token ${token}`)).toContain(token);
    registerSecretPatterns('acme', [/\bacmetok-[A-Za-z0-9]{8,}\b/g]);
    expect(redactText(`token ${token}`)).toBe('token ****c000');
    registerSecretPatterns('acme', []);
    expect(redactText(`token ${token}`)).toContain(token);
  });

  it('masks keys that name their mode, but not publishable keys', () => {
    const secret = ['zz', 'live', 'PayrailRedactSpec000'].join('_');
    const publishable = ['pk', 'test', 'PayrailRedactSpec000'].join('_');
    expect(redactText(`${secret} ${publishable}`)).toBe(`zz_live_****c000 ${publishable}`);
  });
});
