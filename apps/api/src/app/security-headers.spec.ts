import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { API_POLICY, checkoutPolicy, fixedHeaders, PAGE_POLICY, serializePolicy } from './security-headers';

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

/** The headers a middleware leaves on a response that starts with `X-Powered-By`, and whether it went on. */
function headersAfter(middleware: RequestHandler, req: Partial<Request> = {}) {
  const headers = new Map<string, unknown>([['x-powered-by', 'Express']]);
  const res = {
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), value),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  } as unknown as Response;
  let passedOn = false;
  middleware(req as Request, res, (() => (passedOn = true)) as NextFunction);
  return { headers: Object.fromEntries(headers), passedOn };
}

describe('fixedHeaders', () => {
  const options = {
    contentSecurityPolicy: false,
    frameguard: { action: 'deny' as const },
    referrerPolicy: { policy: 'no-referrer' as const },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  };

  it('sets, in one step, exactly what helmet sets and removes', () => {
    const fixed = headersAfter(fixedHeaders(helmet(options)));
    const direct = headersAfter(helmet(options));
    expect(fixed).toEqual(direct);
    expect(fixed.passedOn).toBe(true);
    expect(fixed.headers).not.toHaveProperty('x-powered-by');
    expect(fixed.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
    });
  });

  it('uses a middleware whose headers depend on the request as it is', () => {
    const byMethod: RequestHandler = (req, res, next) => {
      res.setHeader('X-Method', req.method);
      next();
    };
    const fixed = fixedHeaders(byMethod);
    expect(fixed).toBe(byMethod);
    expect(headersAfter(fixed, { method: 'POST' }).headers['x-method']).toBe('POST');
  });

  it('uses a middleware that goes on later, or answers, as it is', () => {
    const later: RequestHandler = (_req, _res, next) => void setImmediate(next);
    const answers: RequestHandler = (_req, res) => void res.end();
    expect(fixedHeaders(later)).toBe(later);
    expect(fixedHeaders(answers)).toBe(answers);
  });
});
