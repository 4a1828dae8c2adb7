import { randomBytes } from 'node:crypto';
import { invalid, missing, SquareApiError } from './errors';
import type { Json, Money } from './resources';
import { canonicalJson, ReplayStore, requestFingerprint } from '../kit';

/** Reading Square request bodies: fields, money, durations, idempotency keys and list pages. */

export const sid = (length = 27) =>
  randomBytes(length).toString('base64url').replace(/[-_]/g, 'X').slice(0, length);
export const now = () => new Date().toISOString();

export function durationMs(value: string): number | undefined {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(value);
  if (!match || value === 'P' || value.endsWith('T')) return undefined;
  const [, d = '0', h = '0', m = '0', s = '0'] = match;
  return ((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60_000 + Number(s) * 1000;
}

export function readMoney(value: unknown, field: string, currency: string): Money {
  if (value === undefined || value === null) throw missing(field);
  if (typeof value !== 'object') throw invalid('EXPECTED_OBJECT', `Expected an object`, field);
  const { amount, currency: code } = value as { amount?: unknown; currency?: unknown };
  if (amount === undefined) throw missing(`${field}.amount`);
  if (typeof amount !== 'number' || !Number.isInteger(amount))
    throw invalid('EXPECTED_INTEGER', 'Expected an integer value', `${field}.amount`);
  if (amount < 1) throw invalid('VALUE_TOO_LOW', 'Amount must be greater than 0', `${field}.amount`);
  if (typeof code !== 'string') throw missing(`${field}.currency`);
  if (code !== currency)
    throw invalid(
      'UNSUPPORTED_CURRENCY',
      `This merchant can only process payments in ${currency}, but amount was provided in ${code}.`,
      `${field}.currency`,
    );
  if (amount > 99_999_999) throw invalid('AMOUNT_TOO_HIGH', 'The amount is too high', `${field}.amount`);
  return { amount, currency: code };
}

export function optionalString(body: Json, field: string, max: number): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid('EXPECTED_STRING', 'Expected a string value', field);
  if (value.length > max)
    throw invalid('VALUE_TOO_LONG', `Field must not be greater than ${max} length`, field);
  return value;
}

export function idempotencyKey(body: Json, max: number): string {
  const key = body['idempotency_key'];
  if (key === undefined || key === '') throw missing('idempotency_key');
  if (typeof key !== 'string') throw invalid('EXPECTED_STRING', 'Expected a string value', 'idempotency_key');
  if (key.length > max)
    throw invalid('VALUE_TOO_LONG', `Field must not be greater than ${max} length`, 'idempotency_key');
  return key;
}

/** Keyed answers: the same key and body replay the first answer; another body with it is refused. */
export class IdempotencyStore {
  private readonly answers = new ReplayStore<{ fingerprint: string; body: Json; status: number }>();

  run(scope: string, key: string, request: Json, perform: () => Json): { status: number; body: Json } {
    const { idempotency_key: _key, ...rest } = request;
    const fingerprint = requestFingerprint(canonicalJson(rest));
    const known = this.answers.get(`${scope}:${key}`);
    if (known) {
      if (known.fingerprint !== fingerprint)
        throw invalid(
          'IDEMPOTENCY_KEY_REUSED',
          'The idempotency key can only be retried with the same request data.',
          'idempotency_key',
        );
      if (known.status !== 200)
        throw new SquareApiError(known.status, known.body['errors'] as never, known.body);
      return { status: 200, body: structuredClone(known.body) };
    }
    try {
      const body = perform();
      this.answers.remember(`${scope}:${key}`, { fingerprint, body: structuredClone(body), status: 200 });
      return { status: 200, body };
    } catch (error) {
      // Declines are answers too: the nonce is spent, so a retry must see the same decline.
      if (error instanceof SquareApiError && error.errors[0]?.category === 'PAYMENT_METHOD_ERROR') {
        const { errors: _errors, ...extra } = error.body();
        this.answers.remember(`${scope}:${key}`, {
          fingerprint,
          status: error.status,
          body: { ...structuredClone(extra), errors: error.errors },
        });
      }
      throw error;
    }
  }
}

export interface ListQuery {
  begin_time?: string;
  end_time?: string;
  sort_order?: string;
  cursor?: string;
  limit?: string;
  location_id?: string;
  [key: string]: string | undefined;
}

/** One page of `items` by `created_at`, with Square's query parameters and opaque cursor. */
export function page<T extends { created_at: string }>(
  items: T[],
  query: ListQuery,
  key: string,
  maxLimit = 100,
): Json {
  const end = query.end_time ? Date.parse(query.end_time) : Date.now() + 1;
  const begin = query.begin_time ? Date.parse(query.begin_time) : end - 365 * 24 * 3600_000;
  if (Number.isNaN(begin))
    throw invalid('INVALID_TIME', 'begin_time is not an RFC 3339 timestamp', 'begin_time');
  if (Number.isNaN(end)) throw invalid('INVALID_TIME', 'end_time is not an RFC 3339 timestamp', 'end_time');
  if (begin > end) throw invalid('INVALID_TIME_RANGE', 'begin_time must be before end_time', 'begin_time');
  const order = query.sort_order ?? 'DESC';
  if (order !== 'ASC' && order !== 'DESC')
    throw invalid('INVALID_SORT_ORDER', 'sort_order must be ASC or DESC', 'sort_order');
  const limit = query.limit === undefined ? maxLimit : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw invalid('INVALID_VALUE', 'limit must be a positive integer', 'limit');
  let offset = 0;
  if (query.cursor) {
    offset = Number(Buffer.from(query.cursor, 'base64url').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0)
      throw invalid('INVALID_CURSOR', 'The cursor is invalid', 'cursor');
  }
  const matching = items
    .filter((item) => {
      const at = Date.parse(item.created_at);
      return at >= begin && at < end;
    })
    .sort((a, b) => (order === 'ASC' ? 1 : -1) * a.created_at.localeCompare(b.created_at));
  const slice = matching.slice(offset, offset + Math.min(limit, maxLimit));
  const next = offset + slice.length;
  const out: Json = {};
  if (slice.length) out[key] = slice;
  if (next < matching.length) out['cursor'] = Buffer.from(String(next), 'utf8').toString('base64url');
  return out;
}
