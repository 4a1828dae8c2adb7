// What a Stripe sandbox route is: its path template, the resource a restricted key needs, and its handler.
import { templatePattern } from '../kit';
import { invalidRequest, parameterInvalid } from './errors';
import type { Params } from './form';
import { createdFilter } from './request-helpers';
import type { RequestContext, StripeObject } from './state-types';

/** What a restricted key may touch, per resource, as in Stripe's dashboard. */
export const STRIPE_RESOURCES = [
  'account',
  'balance',
  'charges',
  'customers',
  'disputes',
  'events',
  'files',
  'payment_intents',
  'payment_methods',
  'refunds',
  'setup_intents',
  'tokens',
  'webhook_endpoints',
] as const;
export type StripeResource = (typeof STRIPE_RESOURCES)[number];
export type PermissionLevel = 'none' | 'read' | 'write';
export type RestrictedKeyPermissions = Partial<Record<StripeResource, PermissionLevel>>;

/** Stripe's own names for the permissions, as its 403 messages spell them. */
export const PERMISSION_NAMES: Record<StripeResource, string> = {
  account: 'account',
  balance: 'balance',
  charges: 'charge',
  customers: 'customer',
  disputes: 'dispute',
  events: 'event',
  files: 'file',
  payment_intents: 'payment_intent',
  payment_methods: 'payment_method',
  refunds: 'refund',
  setup_intents: 'setup_intent',
  tokens: 'token',
  webhook_endpoints: 'webhook',
};

export interface ApiRequest {
  params: Params;
  path: Record<string, string>;
  ctx: RequestContext;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  template: string;
  pattern: RegExp;
  names: string[];
  resource: StripeResource;
  access: 'read' | 'write';
  handle: (request: ApiRequest) => unknown;
}

export function route(
  method: Route['method'],
  template: string,
  resource: StripeResource,
  access: Route['access'],
  handle: Route['handle'],
): Route {
  const { pattern, names } = templatePattern(template);
  return { method, template, pattern, names, resource, access, handle };
}

export const LIST_PARAMS = ['limit', 'starting_after', 'ending_before', 'created'];

/** Whether the request asked for `total_count` on its lists (`include[]=total_count`). */
export function includesTotalCount(params: Params): boolean {
  const include = params.strings('include');
  for (const value of include ?? []) {
    if (value !== 'total_count')
      throw parameterInvalid('include', `Invalid include value: ${value}. Only total_count can be included.`);
  }
  return include?.includes('total_count') ?? false;
}

/** A list page in Stripe's shape, newest first, paged by `starting_after` / `ending_before`. */
export function listPage(
  items: StripeObject[],
  params: Params,
  url: string,
  sequence: (id: string) => number,
): Record<string, unknown> {
  const limit = params.integer('limit') ?? 10;
  if (limit < 1 || limit > 100)
    throw parameterInvalid(
      'limit',
      'Invalid value for limit: must be between 1 and 100.',
      'parameter_invalid_integer',
    );
  let rows = items.filter(createdFilter(params)).sort((a, b) => sequence(b.id) - sequence(a.id));
  const counted = includesTotalCount(params) ? { total_count: rows.length } : {};
  const after = params.string('starting_after');
  const before = params.string('ending_before');
  if (after) {
    const index = rows.findIndex((r) => r.id === after);
    if (index < 0)
      throw invalidRequest(`No such object: '${after}'`, {
        code: 'resource_missing',
        param: 'starting_after',
        status: 404,
      });
    rows = rows.slice(index + 1);
  } else if (before) {
    const index = rows.findIndex((r) => r.id === before);
    if (index < 0)
      throw invalidRequest(`No such object: '${before}'`, {
        code: 'resource_missing',
        param: 'ending_before',
        status: 404,
      });
    rows = rows.slice(0, index).slice(-limit);
    return { object: 'list', data: rows, has_more: index > limit, url, ...counted };
  }
  return { object: 'list', data: rows.slice(0, limit), has_more: rows.length > limit, url, ...counted };
}

/**
 * Sub-lists inside an object (a charge's `refunds`) carry `total_count` only when the request
 * included it; the sandbox keeps the full sub-list, so the count is its length.
 */
export function withSubListCounts(body: unknown, include: boolean, depth = 0): unknown {
  if (Array.isArray(body)) return body.map((b) => withSubListCounts(b, include, depth + 1));
  if (!body || typeof body !== 'object') return body;
  const node = body as Record<string, unknown>;
  for (const [key, value] of Object.entries(node)) node[key] = withSubListCounts(value, include, depth + 1);
  if (depth > 0 && node['object'] === 'list' && Array.isArray(node['data'])) {
    if (include) node['total_count'] = node['data'].length;
    else delete node['total_count'];
  }
  return node;
}
