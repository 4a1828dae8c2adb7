/** One live gateway call as the attempts table records it. */
export interface CallSample {
  status: string;
  errorCode: string | null;
  latencyMs: number | null;
}

export type HealthStatus = 'healthy' | 'degraded' | 'down';

export interface CallStats {
  calls: number;
  /** Share of calls the gateway answered (successes and declines) out of all; null without calls. */
  success_rate: number | null;
  /** Share of calls that failed at the gateway (no answer, timeout, 5xx, in doubt), declines excluded. */
  error_rate: number | null;
  declines: number;
  latency_ms: { p50: number | null; p95: number | null; p99: number | null };
}

const DECLINES = new Set([
  'card_declined',
  'insufficient_funds',
  'expired_card',
  'incorrect_cvc',
  'invalid_card_number',
  'authentication_required',
  'fraud_suspected',
]);
const GATEWAY_FAILURES = new Set(['gateway_unavailable', 'gateway_timeout']);

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Rates and latency percentiles of a connection's calls; declines and refused requests are answers, not errors. */
export function callStats(samples: readonly CallSample[]): CallStats {
  let declines = 0;
  let errors = 0;
  for (const s of samples) {
    if (s.status === 'unknown' || (s.status === 'failed' && s.errorCode && GATEWAY_FAILURES.has(s.errorCode)))
      errors++;
    else if (s.errorCode && DECLINES.has(s.errorCode)) declines++;
  }
  const latencies = samples
    .map((s) => s.latencyMs)
    .filter((v): v is number => typeof v === 'number')
    .sort((a, b) => a - b);
  const calls = samples.length;
  return {
    calls,
    success_rate: calls ? (calls - errors) / calls : null,
    error_rate: calls ? errors / calls : null,
    declines,
    latency_ms: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
    },
  };
}

/**
 * Down: the circuit is open, or the last three health checks failed. Degraded: the last check
 * failed, or more than 5 % of the last hour's calls failed at the gateway. Healthy otherwise.
 */
export function healthStatus(input: {
  circuit: 'closed' | 'half_open' | 'open';
  recentChecks: readonly { healthy: boolean }[];
  lastHour: CallStats;
}): { status: HealthStatus; reason: string } {
  if (input.circuit === 'open') return { status: 'down', reason: 'the circuit is open' };
  const last3 = input.recentChecks.slice(0, 3);
  if (last3.length === 3 && last3.every((c) => !c.healthy))
    return { status: 'down', reason: 'the last three health checks failed' };
  if (input.recentChecks[0] && !input.recentChecks[0].healthy)
    return { status: 'degraded', reason: 'the last health check failed' };
  if (input.lastHour.error_rate !== null && input.lastHour.error_rate > 0.05)
    return {
      status: 'degraded',
      reason: `${Math.round(input.lastHour.error_rate * 1000) / 10} % of the last hour's calls failed`,
    };
  if (input.circuit === 'half_open') return { status: 'degraded', reason: 'the circuit is probing' };
  return { status: 'healthy', reason: 'checks pass and calls succeed' };
}
