import { safeReturn } from '../pages/login/login.page';
import { nextStep } from './auth.api';
import { hasSessionCookie } from './session.store';

describe('signing in', () => {
  it.each([
    ['none', 'done'],
    ['enroll', 'mfa_enrol'],
    ['verify', 'mfa_verify'],
  ] as const)('after sign-in, MFA step %s leads to %s', (step, next) => {
    expect(
      nextStep({
        mfa: { enrolled: step === 'verify', required: true, verified: step === 'none', next_step: step },
      }),
    ).toBe(next);
  });

  it('returns only to a page of the console, never to another site', () => {
    expect(safeReturn('/payments/pay_1')).toBe('/payments/pay_1');
    expect(safeReturn('//evil.example/x')).toBe('/');
    expect(safeReturn('https://evil.example/')).toBe('/');
    expect(safeReturn('/login?expired=1')).toBe('/');
    expect(safeReturn(undefined)).toBe('/');
  });

  it('asks the API about a session only when the CSRF cookie says there is one', () => {
    expect(hasSessionCookie('theme=dark; payrail_csrf=abc')).toBe(true);
    expect(hasSessionCookie('payrail_csrf=')).toBe(false);
    expect(hasSessionCookie('not_payrail_csrf=abc')).toBe(false);
  });
});
