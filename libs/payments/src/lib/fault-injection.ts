/**
 * Test-only crash points. `PAYRAIL_FAULT_INJECTION=<point>` makes the process exit hard (SIGKILL)
 * when it reaches that point, so a test can prove recovery after a crash at the worst moment:
 * `before_gateway_<operation>` once the attempt is committed and before the call,
 * `after_gateway_<operation>` once the gateway has acted and before its answer is committed.
 * Configuration refuses the variable in production; it is ignored there as well.
 */
export const FAULT_POINTS = (['authorize', 'capture', 'void', 'refund'] as const).flatMap((operation) => [
  `before_gateway_${operation}` as const,
  `after_gateway_${operation}` as const,
]);

export type FaultPoint = (typeof FAULT_POINTS)[number];

export function faultPoint(point: FaultPoint): void {
  if (process.env['NODE_ENV'] === 'production') return;
  if (process.env['PAYRAIL_FAULT_INJECTION'] === point) process.kill(process.pid, 'SIGKILL');
}
