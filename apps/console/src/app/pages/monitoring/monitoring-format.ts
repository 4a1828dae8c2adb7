import type { ChartConfiguration } from 'chart.js';
import type { GatewayHealthBucketResource, GatewayHealthWindow } from '@payrail/api-contract';

/** How often the open gateway and alert tabs reload. */
export const REFRESH_MS = 30_000;

export const COLOURS = ['#3f51b5', '#e91e63', '#009688', '#ff9800', '#795548'];

/** `0.9875` → `98.8 %`; no calls → an em dash, never `0 %`. */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  return `${(Math.round(rate * 1000) / 10).toFixed(1)} %`;
}

export function millis(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${Math.round(value)} ms`;
}

/** A bucket's start as an axis label: the hour over a day, weekday and hour over a week. */
export function bucketLabel(start: string, window: GatewayHealthWindow, locale = 'en-GB'): string {
  const at = new Date(start);
  const time = at.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  return window === '7d' ? `${at.toLocaleDateString(locale, { weekday: 'short' })} ${time}` : time;
}

/** The three charts of a connection's series: volume, success and error rates, latency percentiles. */
export function healthCharts(
  series: readonly GatewayHealthBucketResource[],
  window: GatewayHealthWindow,
): {
  volume: ChartConfiguration<'bar'>['data'];
  rates: ChartConfiguration<'line'>['data'];
  latency: ChartConfiguration<'line'>['data'];
} {
  const labels = series.map((b) => bucketLabel(b.start, window));
  return {
    volume: {
      labels,
      datasets: [
        {
          label: 'Calls',
          data: series.map((b) => b.calls - b.declines),
          backgroundColor: COLOURS[0],
          stack: 'c',
        },
        { label: 'Declines', data: series.map((b) => b.declines), backgroundColor: COLOURS[3], stack: 'c' },
      ],
    },
    rates: {
      labels,
      datasets: [
        {
          label: 'Success rate',
          data: series.map((b) => b.success_rate),
          borderColor: COLOURS[2],
          spanGaps: true,
        },
        {
          label: 'Error rate',
          data: series.map((b) => b.error_rate),
          borderColor: COLOURS[1],
          spanGaps: true,
        },
      ],
    },
    latency: {
      labels,
      datasets: (['p50_ms', 'p95_ms', 'p99_ms'] as const).map((key, i) => ({
        label: key.replace('_ms', ''),
        data: series.map((b) => b[key]),
        borderColor: COLOURS[i],
        spanGaps: true,
      })),
    },
  };
}

/** `a, B ,c` → `['a', 'b', 'c']`; empty → undefined (the condition is left out). */
export function listOf(text: string): string[] | undefined {
  const items = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  return items.length ? items : undefined;
}

/** Lines of `key=value` (or a bare `key` for "present") → a metadata object; empty → undefined. */
export function metadataOf(text: string): Record<string, string | null> | undefined {
  const out: Record<string, string | null> = {};
  for (const line of text.split(/\n|;/)) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    const at = trimmed.indexOf('=');
    if (at < 0) out[trimmed] = null;
    else out[trimmed.slice(0, at).trim()] = trimmed.slice(at + 1).trim();
  }
  return Object.keys(out).length ? out : undefined;
}

export function metadataText(metadata: Record<string, string | null> | undefined): string {
  return Object.entries(metadata ?? {})
    .map(([key, value]) => (value === null ? key : `${key}=${value}`))
    .join('\n');
}
