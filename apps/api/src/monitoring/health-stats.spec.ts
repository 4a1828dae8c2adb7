import { callStats, healthStatus } from './health-stats';

const call = (status: string, errorCode: string | null, latencyMs: number) => ({
  status,
  errorCode,
  latencyMs,
});

describe('connection health from calls and checks', () => {
  it('counts declines as answers and gateway failures and calls in doubt as errors, with percentiles', () => {
    const stats = callStats([
      ...Array.from({ length: 96 }, (_, i) => call('succeeded', null, i + 1)),
      call('failed', 'card_declined', 50),
      call('failed', 'invalid_request', 50),
      call('failed', 'gateway_unavailable', 400),
      call('unknown', 'gateway_timeout', 30_000),
    ]);
    expect(stats).toMatchObject({ calls: 100, declines: 1, success_rate: 0.98, error_rate: 0.02 });
    // Nearest rank over the 100 sorted latencies.
    expect(stats.latency_ms).toEqual({ p50: 50, p95: 93, p99: 400 });
    expect(callStats([])).toMatchObject({
      calls: 0,
      success_rate: null,
      error_rate: null,
      latency_ms: { p50: null },
    });
  });

  it('is down with an open circuit or three failed checks, degraded on one failed check or over 5 % errors', () => {
    const fine = callStats([call('succeeded', null, 10)]);
    const bad = callStats([call('succeeded', null, 10), call('failed', 'gateway_timeout', 10)]);
    const ok = { healthy: true };
    const failed = { healthy: false };
    expect(healthStatus({ circuit: 'open', recentChecks: [ok], lastHour: fine }).status).toBe('down');
    expect(
      healthStatus({ circuit: 'closed', recentChecks: [failed, failed, failed, ok], lastHour: fine }).status,
    ).toBe('down');
    expect(healthStatus({ circuit: 'closed', recentChecks: [failed, ok], lastHour: fine }).status).toBe(
      'degraded',
    );
    expect(healthStatus({ circuit: 'closed', recentChecks: [ok], lastHour: bad })).toEqual({
      status: 'degraded',
      reason: "50 % of the last hour's calls failed",
    });
    expect(healthStatus({ circuit: 'closed', recentChecks: [ok], lastHour: fine }).status).toBe('healthy');
  });
});
