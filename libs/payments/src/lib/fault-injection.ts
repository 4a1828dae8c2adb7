/**
 * Test-only crash points. `PAYRAIL_FAULT_INJECTION=<point>` makes the process exit hard (SIGKILL)
 * when it reaches that point, so a test can prove recovery after a crash at the worst moment.
 * Configuration refuses the variable in production; it is ignored there as well.
 */
export type FaultPoint = 'after_gateway_capture';

export function faultPoint(point: FaultPoint): void {
  if (process.env['NODE_ENV'] === 'production') return;
  if (process.env['PAYRAIL_FAULT_INJECTION'] === point) process.kill(process.pid, 'SIGKILL');
}
