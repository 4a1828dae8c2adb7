import { passwordProblem } from './password-policy';

describe('password policy', () => {
  it.each([
    ['short', 'password_too_short'],
    ['elevenchars', 'password_too_short'],
    ['Password1234', 'password_too_common'],
    ['qwerty123456', 'password_too_common'],
    ['zzzzzzzzzzzzzzzz', 'password_too_common'],
    ['abcabcabcabcabc', 'password_too_common'],
    ['maria.lopez is my name', 'password_contains_email'],
    ['x'.repeat(129), 'password_too_long'],
  ])('refuses %j (%s)', (password, code) => {
    expect(passwordProblem(password, 'maria.lopez@example.com')?.code).toBe(code);
  });

  it('accepts a long passphrase, and counts characters, not bytes', () => {
    expect(passwordProblem('correct-horse-battery-staple', 'owner@example.com')).toBeNull();
    expect(passwordProblem('ÄÖÜäöüßÄÖÜäö', 'x@example.com')).toBeNull();
  });
});
