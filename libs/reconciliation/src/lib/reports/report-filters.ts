import { ApiError } from '@payrail/api-contract';
import type { SqlDialect } from '../sql-dialect';

export const GROUP_BY = ['day', 'week', 'month', 'gateway', 'status', 'currency'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** What a report or an export covers: always one mode, so test payments never swell live figures. */
export interface ReportFilter {
  merchants: string[] | 'all';
  mode: 'test' | 'live';
  from?: Date;
  to?: Date;
  gateway?: string;
  currency?: string;
}

/** The WHERE clause on `payments p` for a filter, with its parameters numbered from `start`. */
export function paymentWhere(
  sql: SqlDialect,
  filter: ReportFilter,
  start = 1,
): { clause: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (text: (mark: string) => string, value: unknown) => {
    params.push(value);
    parts.push(text(sql.p(start + params.length - 1)));
  };
  add((m) => `p.mode = ${m}`, filter.mode);
  if (filter.merchants !== 'all') {
    if (!filter.merchants.length) parts.push('1 = 0');
    else {
      const marks = filter.merchants.map((id) => {
        params.push(id);
        return sql.p(start + params.length - 1);
      });
      parts.push(`p.merchant_id IN (${marks.join(', ')})`);
    }
  }
  if (filter.from) add((m) => `p.created_at >= ${m}`, sql.date(filter.from));
  if (filter.to) add((m) => `p.created_at < ${m}`, sql.date(filter.to));
  if (filter.gateway) add((m) => `p.gateway = ${m}`, filter.gateway);
  if (filter.currency) add((m) => `LOWER(p.currency) = ${m}`, filter.currency.toLowerCase());
  return { clause: parts.join(' AND '), params };
}

/** Checks a window: `from` before `to` when both are given. */
export function checkWindow(from?: Date, to?: Date): void {
  if (from && to && !(from < to)) throw ApiError.invalid('from', 'from must be before to');
}

/** The SQL expression a report groups payments by. */
export function groupExpression(sql: SqlDialect, groupBy: GroupBy): string {
  switch (groupBy) {
    case 'day':
      return sql.postgres ? `to_char(p.created_at, 'YYYY-MM-DD')` : `strftime('%Y-%m-%d', p.created_at)`;
    case 'week':
      // The Monday a week starts on (ISO 8601 weeks).
      return sql.postgres
        ? `to_char(date_trunc('week', p.created_at), 'YYYY-MM-DD')`
        : `date(p.created_at, 'weekday 0', '-6 days')`;
    case 'month':
      return sql.postgres ? `to_char(p.created_at, 'YYYY-MM')` : `strftime('%Y-%m', p.created_at)`;
    case 'gateway':
      return 'p.gateway';
    case 'status':
      return 'p.status';
    case 'currency':
      return 'LOWER(p.currency)';
  }
}
