import { API_POLICY, checkoutPolicy, PAGE_POLICY, serializePolicy } from './security-headers';

const directive = (policy: string, name: string) =>
  policy
    .split('; ')
    .find((d) => d.startsWith(`${name} `))
    ?.split(' ')
    .slice(1);

describe('Content-Security-Policy', () => {
  it('lets the console run its own scripts only, and nothing frame it', () => {
    const policy = serializePolicy(PAGE_POLICY);
    expect(directive(policy, 'script-src')).toEqual(["'self'"]);
    expect(directive(policy, 'frame-ancestors')).toEqual(["'none'"]);
    expect(directive(policy, 'object-src')).toEqual(["'none'"]);
  });

  it('lets nothing run or load from an API answer', () => {
    const policy = serializePolicy(API_POLICY);
    expect(directive(policy, 'default-src')).toEqual(["'none'"]);
    expect(directive(policy, 'frame-ancestors')).toEqual(["'none'"]);
  });

  it("builds a checkout page's policy: the gateways' scripts and frames added, still no inline script and no framing", () => {
    const policy = serializePolicy(
      checkoutPolicy({
        scripts: ['https://js.stripe.com', 'https://www.paypal.com'],
        frames: ['https://js.stripe.com', 'https://hooks.stripe.com'],
        connect: ['https://api.stripe.com'],
      }),
    );
    expect(directive(policy, 'script-src')).toEqual([
      "'self'",
      'https://js.stripe.com',
      'https://www.paypal.com',
    ]);
    expect(directive(policy, 'frame-src')).toEqual([
      "'self'",
      'https://js.stripe.com',
      'https://hooks.stripe.com',
    ]);
    expect(directive(policy, 'connect-src')).toEqual(["'self'", 'https://api.stripe.com']);
    expect(directive(policy, 'frame-ancestors')).toEqual(["'none'"]);
    expect(serializePolicy(PAGE_POLICY)).not.toContain('stripe');
  });
});
