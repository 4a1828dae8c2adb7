// Load loop and latency statistics for the benchmark.

const round = (value, digits = 1) =>
  value === null || value === undefined || Number.isNaN(value)
    ? null
    : Math.round(value * 10 ** digits) / 10 ** digits;
export { round };

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summary(latencies) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: sorted.length,
    median_ms: round(percentile(sorted, 50)),
    p95_ms: round(percentile(sorted, 95)),
    p99_ms: round(percentile(sorted, 99)),
    max_ms: round(sorted.at(-1) ?? null),
  };
}

/**
 * Runs `count` operations with `concurrency` workers. Each operation gets `timed(fn)`, which
 * times one request of it, so per-request latencies are kept beside per-operation ones. No
 * operation starts after `maxSeconds`, so a slow path cannot make the run unbounded.
 */
export async function load({ label, count, concurrency, operation, maxSeconds = 120 }) {
  const operations = [];
  const requests = [];
  let next = 0;
  let failures = 0;
  const timed = async (fn) => {
    const t0 = performance.now();
    const result = await fn();
    requests.push(performance.now() - t0);
    return result;
  };
  const started = performance.now();
  const deadline = started + maxSeconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count && performance.now() < deadline) {
        const i = next++;
        const t0 = performance.now();
        try {
          await operation(i, timed);
          operations.push(performance.now() - t0);
        } catch (error) {
          failures++;
          if (failures <= 3) process.stderr.write(`${label}: operation failed: ${error.message}\n`);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    operations: operations.length,
    failures,
    seconds: round(seconds, 2),
    ops_per_s: round(operations.length / seconds),
    operation: summary(operations),
    request: summary(requests),
  };
}
