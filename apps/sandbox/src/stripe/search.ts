// Stripe's search query language (https://stripe.com/docs/search) for the fields the sandbox serves.
import { invalidRequest, parameterInvalid } from './errors';
import type { Params } from './form';
import type { StripeObject } from './state-types';

type Operator = ':' | '>' | '<' | '>=' | '<=' | '~';

interface Clause {
  negated: boolean;
  field: string;
  /** The key of `metadata['key']`. */
  key?: string;
  operator: Operator;
  value: string | number | null;
}

/** Searchable fields per resource, as Stripe documents them (a subset: the ones the sandbox models). */
export const SEARCH_FIELDS: Readonly<
  Record<string, Readonly<Record<string, 'string' | 'number' | 'boolean'>>>
> = {
  payment_intents: {
    amount: 'number',
    created: 'number',
    currency: 'string',
    customer: 'string',
    metadata: 'string',
    status: 'string',
  },
  charges: {
    amount: 'number',
    created: 'number',
    currency: 'string',
    customer: 'string',
    disputed: 'boolean',
    metadata: 'string',
    payment_intent: 'string',
    refunded: 'boolean',
    status: 'string',
  },
  customers: { created: 'number', email: 'string', metadata: 'string', name: 'string', phone: 'string' },
};

const TOKEN =
  /\s*(?:(AND|OR)\b|(-)?([a-z_.]+)(?:\[(?:'([^']*)'|"([^"]*)")\])?(>=|<=|:|>|<|~)(?:'([^']*)'|"([^"]*)"|(-?\d+)|(null)\b))/y;

function queryError(message: string) {
  return invalidRequest(message, { param: 'query', code: 'parameter_invalid_string' });
}

/** Parses a query into clauses joined by one connective (Stripe forbids mixing AND and OR). */
export function parseSearchQuery(resource: string, query: string): { clauses: Clause[]; join: 'AND' | 'OR' } {
  const fields = SEARCH_FIELDS[resource];
  const clauses: Clause[] = [];
  let join: 'AND' | 'OR' | undefined;
  let expectClause = true;
  let at = 0;
  const text = query.trim();
  if (!text) throw queryError('The search query must not be empty.');
  while (at < text.length) {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) throw queryError(`Search query is malformed near '${text.slice(at, at + 20)}'.`);
    at = TOKEN.lastIndex;
    if (m[1]) {
      if (expectClause) throw queryError(`Search query is malformed: '${m[1]}' needs a clause before it.`);
      if (join && join !== m[1])
        throw queryError('Search queries cannot mix AND and OR; use one connective throughout.');
      join = m[1] as 'AND' | 'OR';
      expectClause = true;
      continue;
    }
    if (!expectClause && !join && clauses.length > 0) join = 'AND';
    const field = m[3];
    const type = fields[field];
    if (!type)
      throw queryError(
        `Field '${field}' is an unsupported search field for resource ${resource}. Supported fields: ${Object.keys(fields).join(', ')}.`,
      );
    const key = m[4] ?? m[5];
    if (field === 'metadata' && key === undefined)
      throw queryError("Search on metadata needs a key: metadata['key']:'value'.");
    const operator = m[6] as Operator;
    const value = m[7] ?? m[8] ?? (m[9] !== undefined ? Number(m[9]) : null);
    if (type === 'number' && operator !== ':' && typeof value !== 'number')
      throw queryError(`Field '${field}' compares with a number.`);
    if (type !== 'number' && ['>', '<', '>=', '<='].includes(operator))
      throw queryError(`Field '${field}' does not support the '${operator}' operator.`);
    clauses.push({ negated: m[2] === '-', field, key, operator, value });
    expectClause = false;
  }
  if (expectClause) throw queryError('Search query is malformed: it ends with a connective.');
  return { clauses, join: join ?? 'AND' };
}

function matches(object: StripeObject, clause: Clause): boolean {
  const raw =
    clause.field === 'metadata'
      ? ((object['metadata'] as Record<string, string> | undefined)?.[clause.key ?? ''] ?? null)
      : (object[clause.field] as unknown);
  const actual = raw === undefined ? null : raw;
  const { operator, value } = clause;
  let result: boolean;
  if (operator === ':') {
    if (value === null) result = actual === null;
    else if (typeof actual === 'number') result = actual === Number(value);
    else if (typeof actual === 'boolean') result = String(actual) === String(value);
    else result = typeof actual === 'string' && actual.toLowerCase() === String(value).toLowerCase();
  } else if (operator === '~') {
    result =
      typeof actual === 'string' &&
      String(value).length >= 3 &&
      actual.toLowerCase().includes(String(value).toLowerCase());
  } else {
    const n = Number(actual);
    const v = Number(value);
    result = operator === '>' ? n > v : operator === '<' ? n < v : operator === '>=' ? n >= v : n <= v;
  }
  return clause.negated ? !result : result;
}

/** A search answer in Stripe's shape, newest first, paged by the opaque `page` token. */
export function searchResult(
  resource: string,
  items: StripeObject[],
  params: Params,
  url: string,
  sequence: (id: string) => number,
): Record<string, unknown> {
  params.only('query', 'limit', 'page');
  const { clauses, join } = parseSearchQuery(resource, params.requiredString('query'));
  const limit = params.integer('limit') ?? 10;
  if (limit < 1 || limit > 100)
    throw parameterInvalid(
      'limit',
      'Invalid value for limit: must be between 1 and 100.',
      'parameter_invalid_integer',
    );
  const page = params.string('page');
  let offset = 0;
  if (page !== undefined) {
    offset = Number(
      Buffer.from(page, 'base64url')
        .toString('utf8')
        .replace(/^offset:/, ''),
    );
    if (!Number.isSafeInteger(offset) || offset < 0) throw parameterInvalid('page', `Invalid page: ${page}`);
  }
  const rows = items
    .filter((o) =>
      join === 'AND' ? clauses.every((c) => matches(o, c)) : clauses.some((c) => matches(o, c)),
    )
    .sort((a, b) => sequence(b.id) - sequence(a.id));
  const data = rows.slice(offset, offset + limit);
  const more = rows.length > offset + limit;
  const counted = (params.strings('expand') ?? []).includes('total_count')
    ? { total_count: rows.length }
    : {};
  return {
    object: 'search_result',
    data,
    has_more: more,
    next_page: more ? Buffer.from(`offset:${offset + limit}`).toString('base64url') : null,
    url,
    ...counted,
  };
}
