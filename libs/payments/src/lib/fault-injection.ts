/**
 * Test-only crash points. `PAYRAIL_FAULT_INJECTION=<point>` makes the process exit hard (SIGKILL)
 * when it reaches that point, so a test can prove recovery after a crash at the worst moment:
 * `before_gateway_<operation>` once the attempt is committed and before the call,
 * `after_gateway_<operation>` once the gateway has acted and before its answer is committed.
 * With `PAYRAIL_FAULT_INJECTION_HITS=<n>` the first calls to arrive wait there until the n-th
 * arrives, so one crash leaves n operations at exactly that point.
 * Configuration refuses both variables in production; they are ignored there as well.
 */
export const FAULT_POINTS = (['authorize', 'capture', 'void', 'refund'] as const).flatMap((operation) => [
  `before_gateway_${operation}` as const,
  `after_gateway_${operation}` as const,
]);

export type FaultPoint = (typeof FAULT_POINTS)[number];

let arrivals = 0;

export async function faultPoint(point: FaultPoint): Promise<void> {
  if (process.env['NODE_ENV'] === 'production') return;
  if (process.env['PAYRAIL_FAULT_INJECTION'] !== point) return;
  arrivals++;
  if (arrivals >= (Number(process.env['PAYRAIL_FAULT_INJECTION_HITS']) || 1))
    process.kill(process.pid, 'SIGKILL');
  // Held until the crash: nothing after the fault point may run.
  await new Promise<never>(() => undefined);
}
