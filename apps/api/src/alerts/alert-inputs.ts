import {
  ALERT_METRIC_NAMES,
  ApiError,
  type AlertConditionResource,
  type AlertMetricName,
  type AlertSeverityValue,
  type BurnWindowResource,
} from '@payrail/api-contract';
import { isEmailAddress } from '@payrail/notifications';
import type { AggregateCondition } from '@payrail/monitoring';

export const SEVERITIES: readonly AlertSeverityValue[] = ['critical', 'warning', 'info'];
const KINDS = ['success_rate_below', 'burn_rate', 'success_rate_baseline', 'gateway_down', 'threshold'];
export const MATCHER_LABELS = ['alertname', 'rule_id', 'severity', 'gateway', 'connection_id'];
const WEEK_SECONDS = 7 * 86_400;

export function text(value: unknown, param: string, max: number): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > max)
    throw ApiError.invalid(param, `${param} must be 1 to ${max} characters`);
  return value.trim();
}

export function optionalText(value: unknown, param: string, max: number): string | null {
  if (value === undefined || value === null || value === '') return null;
  return text(value, param, max);
}

export function flag(value: unknown, param: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw ApiError.invalid(param, `${param} must be true or false`);
  return value;
}

export function severity(value: unknown): AlertSeverityValue {
  if (typeof value !== 'string' || !SEVERITIES.includes(value as AlertSeverityValue))
    throw ApiError.invalid('severity', `severity must be one of ${SEVERITIES.join(', ')}`);
  return value as AlertSeverityValue;
}

export function integer(value: unknown, param: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw ApiError.invalid(param, `${param} must be a whole number from ${min} to ${max}`);
  return value;
}

function ratio(value: unknown, param: string, exclusiveEnds = false): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    value > 1 ||
    (exclusiveEnds && (value === 0 || value === 1))
  )
    throw ApiError.invalid(
      param,
      `${param} must be a number ${exclusiveEnds ? 'strictly between 0 and 1' : 'from 0 to 1'}`,
    );
  return value;
}

function only(input: Record<string, unknown>, keys: string[], kind: string): void {
  const extra = Object.keys(input).find((k) => k !== 'kind' && !keys.includes(k));
  if (extra)
    throw ApiError.invalid(
      `condition.${extra}`,
      `a ${kind} condition takes ${keys.length ? keys.join(', ') : 'nothing but kind'}`,
    );
}

/** Checks a condition as a client sent it and answers it in its stored, defaults-filled shape. */
export function parseCondition(raw: unknown): AlertConditionResource {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw ApiError.invalid('condition', 'condition must be an object with a kind');
  const c = raw as Record<string, unknown>;
  if (typeof c['kind'] !== 'string' || !KINDS.includes(c['kind']))
    throw ApiError.invalid('condition.kind', `condition.kind must be one of ${KINDS.join(', ')}`);
  switch (c['kind']) {
    case 'success_rate_below': {
      only(c, ['threshold', 'window_seconds', 'min_calls'], c['kind']);
      return {
        kind: 'success_rate_below',
        threshold: ratio(c['threshold'], 'condition.threshold', true),
        window_seconds: integer(c['window_seconds'], 'condition.window_seconds', 60, WEEK_SECONDS),
        min_calls:
          c['min_calls'] === undefined ? 1 : integer(c['min_calls'], 'condition.min_calls', 1, 1_000_000),
      };
    }
    case 'burn_rate': {
      only(c, ['slo', 'windows'], c['kind']);
      const slo = ratio(c['slo'], 'condition.slo', true);
      let windows: BurnWindowResource[] = [
        { long_seconds: 3600, short_seconds: 300, factor: 14.4 },
        { long_seconds: 21_600, short_seconds: 1800, factor: 6 },
      ];
      if (c['windows'] !== undefined) {
        if (!Array.isArray(c['windows']) || c['windows'].length === 0 || c['windows'].length > 4)
          throw ApiError.invalid('condition.windows', 'condition.windows must list 1 to 4 window pairs');
        windows = c['windows'].map((w: unknown, i) => {
          const p = `condition.windows[${i}]`;
          if (!w || typeof w !== 'object') throw ApiError.invalid(p, `${p} must be an object`);
          const pair = w as Record<string, unknown>;
          const long = integer(pair['long_seconds'], `${p}.long_seconds`, 60, WEEK_SECONDS);
          const short = integer(pair['short_seconds'], `${p}.short_seconds`, 60, WEEK_SECONDS);
          if (short > long)
            throw ApiError.invalid(`${p}.short_seconds`, `${p}.short_seconds must not exceed long_seconds`);
          const factor = pair['factor'];
          if (typeof factor !== 'number' || !Number.isFinite(factor) || factor <= 0 || factor > 1000)
            throw ApiError.invalid(`${p}.factor`, `${p}.factor must be a number above 0, at most 1000`);
          return { long_seconds: long, short_seconds: short, factor };
        });
      }
      return { kind: 'burn_rate', slo, windows };
    }
    case 'success_rate_baseline': {
      only(c, ['max_drop', 'window_seconds', 'baseline_days', 'min_calls'], c['kind']);
      return {
        kind: 'success_rate_baseline',
        max_drop: ratio(c['max_drop'], 'condition.max_drop', true),
        window_seconds:
          c['window_seconds'] === undefined
            ? 3600
            : integer(c['window_seconds'], 'condition.window_seconds', 300, 86_400),
        baseline_days:
          c['baseline_days'] === undefined
            ? 7
            : integer(c['baseline_days'], 'condition.baseline_days', 1, 28),
        min_calls:
          c['min_calls'] === undefined ? 20 : integer(c['min_calls'], 'condition.min_calls', 1, 1_000_000),
      };
    }
    case 'gateway_down': {
      only(c, ['failed_checks'], c['kind']);
      return {
        kind: 'gateway_down',
        failed_checks:
          c['failed_checks'] === undefined
            ? 3
            : integer(c['failed_checks'], 'condition.failed_checks', 1, 20),
      };
    }
    default: {
      only(c, ['metric', 'above'], 'threshold');
      if (typeof c['metric'] !== 'string' || !ALERT_METRIC_NAMES.includes(c['metric'] as AlertMetricName))
        throw ApiError.invalid(
          'condition.metric',
          `condition.metric must be one of ${ALERT_METRIC_NAMES.join(', ')}`,
        );
      const above = c['above'];
      if (typeof above !== 'number' || !Number.isFinite(above) || above < 0)
        throw ApiError.invalid('condition.above', 'condition.above must be a number, 0 or more');
      return { kind: 'threshold', metric: c['metric'] as AlertMetricName, above };
    }
  }
}

/** The stored (wire, seconds) condition as the evaluator reads it (milliseconds). */
export function toAggregate(c: AlertConditionResource): AggregateCondition {
  switch (c.kind) {
    case 'success_rate_below':
      return {
        kind: c.kind,
        threshold: c.threshold,
        windowMs: c.window_seconds * 1000,
        minCalls: c.min_calls ?? 1,
      };
    case 'burn_rate':
      return {
        kind: c.kind,
        slo: c.slo,
        windows: (c.windows ?? []).map((w) => ({
          longMs: w.long_seconds * 1000,
          shortMs: w.short_seconds * 1000,
          factor: w.factor,
        })),
      };
    case 'success_rate_baseline':
      return {
        kind: c.kind,
        maxDrop: c.max_drop,
        windowMs: (c.window_seconds ?? 3600) * 1000,
        baselineDays: c.baseline_days ?? 7,
        minCalls: c.min_calls ?? 20,
      };
    case 'gateway_down':
      return { kind: c.kind, failedChecks: c.failed_checks ?? 3 };
    case 'threshold':
      return { kind: c.kind, metric: c.metric, above: c.above };
  }
}

export function emailList(value: unknown, param: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 20)
    throw ApiError.invalid(param, `${param} must list 1 to 20 email addresses`);
  return value.map((v, i) => {
    if (typeof v !== 'string' || v.length > 320 || !isEmailAddress(v))
      throw ApiError.invalid(`${param}[${i}]`, `${param}[${i}] must be an email address`);
    return v.trim();
  });
}

export function matchers(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0)
    throw ApiError.invalid('matchers', `matchers must be an object of labels (${MATCHER_LABELS.join(', ')})`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (!MATCHER_LABELS.includes(k))
      throw ApiError.invalid(`matchers.${k}`, `matcher labels are ${MATCHER_LABELS.join(', ')}`);
    if (typeof v !== 'string' || v.length === 0 || v.length > 100)
      throw ApiError.invalid(`matchers.${k}`, `matchers.${k} must be 1 to 100 characters`);
    out[k] = v;
  }
  return out;
}

export function isoTime(value: unknown, param: string): Date {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
    throw ApiError.invalid(param, `${param} must be an ISO 8601 time`);
  return new Date(value);
}
