// The Stripe sandbox's request plumbing that needs none of its state: keys, headers, expansion, faults.
import type { IncomingMessage } from 'node:http';
import { invalidRequest, StripeApiError } from './errors';
import { Params } from './form';
import type { StripeObject } from './state';

export function apiKey(req: IncomingMessage): string | undefined {
  const header = headerValue(req, 'authorization');
  if (!header) return undefined;
  const bearer = /^Bearer\s+(.+)$/i.exec(header);
  if (bearer) return bearer[1].trim();
  const basic = /^Basic\s+(.+)$/i.exec(header);
  if (basic) return Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0];
  return undefined;
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function maskKey(key: string): string {
  const prefix = /^[a-z]+_(test|live)_/.exec(key)?.[0] ?? '';
  return `${prefix}${'*'.repeat(Math.max(4, key.length - prefix.length - 4))}${key.slice(-4)}`;
}

/** Stripe shows an endpoint's signing secret once, when it is created. */
export function withoutSecret(endpoint: StripeObject): StripeObject {
  const copy = { ...endpoint };
  delete copy['secret'];
  return copy;
}

export function createdFilter(params: Params): (item: StripeObject) => boolean {
  if (!params.has('created')) return () => true;
  const exact = params.raw['created'];
  if (typeof exact === 'string') {
    const at = params.integer('created');
    return (item) => item.created === at;
  }
  const range = params.object('created');
  if (!range) return () => true;
  range.only('gt', 'gte', 'lt', 'lte');
  const gt = range.integer('gt');
  const gte = range.integer('gte');
  const lt = range.integer('lt');
  const lte = range.integer('lte');
  return (item) =>
    (gt === undefined || item.created > gt) &&
    (gte === undefined || item.created >= gte) &&
    (lt === undefined || item.created < lt) &&
    (lte === undefined || item.created <= lte);
}

export function expandPaths(
  body: unknown,
  paths: string[],
  lookup: (id: string) => StripeObject | undefined,
): unknown {
  for (const path of paths) {
    const segments = path.split('.');
    if (segments.length > 4) {
      throw invalidRequest(`You cannot expand more than 4 levels of a property. Property: ${path}`, {
        param: 'expand',
      });
    }
    body = expandOne(body, segments, lookup);
  }
  return body;
}

export function expandOne(
  node: unknown,
  segments: string[],
  lookup: (id: string) => StripeObject | undefined,
): unknown {
  if (segments.length === 0) return node;
  if (Array.isArray(node)) return node.map((n) => expandOne(n, segments, lookup));
  if (!node || typeof node !== 'object') return node;
  const [head, ...rest] = segments;
  const record = node as Record<string, unknown>;
  if (!(head in record)) {
    throw invalidRequest(`This property cannot be expanded (${head}).`, { param: 'expand' });
  }
  let value = record[head];
  if (typeof value === 'string') {
    const found = lookup(value);
    if (found) value = structuredClone(found);
  }
  record[head] = expandOne(value, rest, lookup);
  return record;
}

export function faultError(status: number): StripeApiError {
  if (status === 429) {
    return new StripeApiError(
      429,
      {
        type: 'invalid_request_error',
        code: 'rate_limit',
        message:
          'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
      },
      { shouldRetry: true },
    );
  }
  if (status >= 500) {
    return new StripeApiError(status, { type: 'api_error', message: 'An unknown error occurred' });
  }
  return new StripeApiError(status, {
    type: 'invalid_request_error',
    message: `Injected sandbox fault (${status})`,
  });
}

/** A delay that `close()` can cut short. */
export function sleep(ms: number, timers: Map<NodeJS.Timeout, () => void>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      resolve();
    }, ms);
    timers.set(timer, resolve);
  });
}

export function challengePage(
  id: string,
  amount: number,
  currency: string,
  kind: 'payment_intents' | 'setup_intents' = 'payment_intents',
): string {
  const form = (result: string, label: string) =>
    `<form method="post" action="/_sandbox/${kind}/${id}/authenticate"><input type="hidden" name="result" value="${result}"><button>${label}</button></form>`;
  return `<!doctype html><title>3-D Secure test challenge</title><h1>3-D Secure test challenge</h1><p>${kind === 'setup_intents' ? `Saving a card (${id})` : `Payment ${id}: ${amount} ${currency.toUpperCase()} (minor units)`}</p>${form('succeed', 'Complete authentication')}${form('fail', 'Fail authentication')}`;
}
