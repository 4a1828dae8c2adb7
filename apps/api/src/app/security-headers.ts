import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** A Content-Security-Policy as directives and their sources, e.g. `{ 'script-src': ["'self'"] }`. */
export type CspDirectives = Readonly<Record<string, readonly string[]>>;

/**
 * The console's pages (and the API docs): their own scripts only, never inline ones; styles
 * may be inline because Angular adds each component's styles as a `<style>` element at run
 * time; images may be data URLs (the MFA QR code); nothing may frame them.
 */
export const PAGE_POLICY: CspDirectives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** API answers (JSON, CSV, metrics): nothing in them may run, load or be framed. */
export const API_POLICY: CspDirectives = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/** Merges extra sources into a policy, directive by directive, without repeating a source. */
export function extendPolicy(base: CspDirectives, extra: CspDirectives): CspDirectives {
  const merged: Record<string, readonly string[]> = { ...base };
  for (const [directive, sources] of Object.entries(extra))
    merged[directive] = [...new Set([...(merged[directive] ?? merged['default-src'] ?? []), ...sources])];
  return merged;
}

/** The header value: `directive source source; directive …`. */
export function serializePolicy(policy: CspDirectives): string {
  return Object.entries(policy)
    .map(([directive, sources]) => [directive, ...sources].join(' '))
    .join('; ');
}

/**
 * The policy for a payment page that embeds gateways' fields (Stripe.js, PayPal buttons,
 * Square's card form, or a sandbox's stand-ins): the page policy plus each gateway's script,
 * frame and API origins. A checkout route passes its gateways' origins and mounts
 * `securityHeaders` with a `policyFor` that returns this for its paths.
 */
export function checkoutPolicy(gateways: {
  scripts: readonly string[];
  frames: readonly string[];
  connect?: readonly string[];
}): CspDirectives {
  return extendPolicy(PAGE_POLICY, {
    'script-src': gateways.scripts,
    'frame-src': gateways.frames,
    'connect-src': gateways.connect ?? [],
  });
}

/** Paths whose answers are the API's own data, never a page. */
const API_PATH = /^\/(v1|admin|webhooks|health|metrics|docs-json)(\/|$)/;
/** API answers that may hold a secret (a new API key, a webhook signing secret) must never be stored by a cache. */
const NO_STORE_PATH = /^\/(v1|admin)(\/|$)/;

/** Which policy a request gets: the API's for API paths, the page policy for the console and docs. */
export function defaultPolicyFor(req: Request): CspDirectives {
  return API_PATH.test(req.path) ? API_POLICY : PAGE_POLICY;
}

/**
 * Sets the Content-Security-Policy of every answer (chosen by `policyFor`) and
 * `Cache-Control: no-store` on every /admin and /v1 answer, errors included. The other
 * headers (nosniff, Referrer-Policy, frame options) come from helmet.
 */
export function securityHeaders(
  policyFor: (req: Request) => CspDirectives = defaultPolicyFor,
): RequestHandler {
  const serialized = new WeakMap<CspDirectives, string>();
  return (req: Request, res: Response, next: NextFunction) => {
    const policy = policyFor(req);
    let header = serialized.get(policy);
    if (header === undefined) {
      header = serializePolicy(policy);
      serialized.set(policy, header);
    }
    res.setHeader('Content-Security-Policy', header);
    if (NO_STORE_PATH.test(req.path)) res.setHeader('Cache-Control', 'no-store');
    next();
  };
}

/**
 * The headers `middleware` sets on every answer, set in one step: for a middleware whose headers
 * never depend on the request (helmet without a CSP, whose eleven steps each set one). They are
 * read once, by running it against a recording response; a middleware that reads the request,
 * answers, or goes on later is used as it is.
 */
export function fixedHeaders(middleware: RequestHandler): RequestHandler {
  const set: [string, string | number | readonly string[]][] = [];
  const removed: string[] = [];
  let passedOn = false;
  let other = false;
  const recorder = new Proxy({} as Response, {
    get: (_target, property) => {
      if (property === 'setHeader')
        return (name: string, value: string | number | readonly string[]) => void set.push([name, value]);
      if (property === 'removeHeader') return (name: string) => void removed.push(name);
      other = true;
      return undefined;
    },
  });
  const request = new Proxy({} as Request, {
    get: () => {
      other = true;
      return undefined;
    },
  });
  try {
    middleware(request, recorder, (error?: unknown) => {
      passedOn = error === undefined;
    });
  } catch {
    other = true;
  }
  if (other || !passedOn) return middleware;
  return (_req: Request, res: Response, next: NextFunction) => {
    for (const [name, value] of set) res.setHeader(name, value);
    for (const name of removed) res.removeHeader(name);
    next();
  };
}
