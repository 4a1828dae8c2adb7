import { Counter, Gauge, Histogram, register, type Metric } from 'prom-client';
import { isGatewayErrorCode, type GatewayError } from '@payrail/plugin-sdk';

/**
 * Payrail's own metrics, on prom-client's default registry. Every label takes its values from a
 * closed set (installed gateway codes, operation names, taxonomy codes, route templates, status
 * classes): nothing a client sends (ids, emails, metadata, raw paths) ever becomes a label value,
 * so the number of series stays flat however many payments pass. Recording is in memory only.
 */

function metric<T extends Metric>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

/** How one gateway call ended, as a label. */
export type CallOutcome = 'success' | 'declined' | 'refused' | 'error' | 'timeout' | 'circuit_open';
export const CALL_OUTCOMES: readonly CallOutcome[] = [
  'success',
  'declined',
  'refused',
  'error',
  'timeout',
  'circuit_open',
];

export const GATEWAY_OPERATIONS = [
  'tokenize',
  'authorize',
  'capture',
  'void',
  'refund',
  'sync',
  'health_check',
] as const;
export type GatewayOperation = (typeof GATEWAY_OPERATIONS)[number];

/** Codes a card or its bank refused: a decline is the gateway working, never a gateway failure. */
export const DECLINE_CODES: readonly string[] = [
  'card_declined',
  'insufficient_funds',
  'expired_card',
  'incorrect_cvc',
  'invalid_card_number',
  'authentication_required',
  'fraud_suspected',
];

/** Codes of a gateway failing (not answering, answering 5xx): what health and the circuit breaker count. */
export function isGatewayFailure(error: GatewayError): boolean {
  return (
    error.code === 'gateway_unavailable' ||
    error.code === 'gateway_timeout' ||
    (error.gatewayStatus !== undefined && error.gatewayStatus >= 500) ||
    (error.code === 'processing_error' && error.indeterminate && error.gatewayStatus === undefined)
  );
}

/** The outcome label of a call's result. */
export function callOutcome(error: GatewayError | null): CallOutcome {
  if (!error) return 'success';
  if (error.gatewayCode === CIRCUIT_OPEN_CODE) return 'circuit_open';
  if (error.code === 'gateway_timeout') return 'timeout';
  if (isGatewayFailure(error)) return 'error';
  if (DECLINE_CODES.includes(error.code)) return 'declined';
  return 'refused';
}

/** The `gatewayCode` of the error a call gets when its connection's circuit is open (the gateway was not called). */
export const CIRCUIT_OPEN_CODE = 'payrail_circuit_open';

const gatewayRequests = metric(
  'payrail_gateway_requests_total',
  () =>
    new Counter({
      name: 'payrail_gateway_requests_total',
      help: 'Gateway calls by gateway, operation and outcome (success, declined, refused, error, timeout, circuit_open)',
      labelNames: ['gateway', 'operation', 'outcome'],
    }),
);

const gatewayDuration = metric(
  'payrail_gateway_request_duration_seconds',
  () =>
    new Histogram({
      name: 'payrail_gateway_request_duration_seconds',
      help: 'Gateway call latency by gateway and operation',
      labelNames: ['gateway', 'operation'],
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
);

const payments = metric(
  'payrail_payments_total',
  () =>
    new Counter({
      name: 'payrail_payments_total',
      help: 'Payments reaching a status, by gateway and status',
      labelNames: ['gateway', 'status'],
    }),
);

const declines = metric(
  'payrail_payment_declines_total',
  () =>
    new Counter({
      name: 'payrail_payment_declines_total',
      help: 'Failed payments by gateway and taxonomy code',
      labelNames: ['gateway', 'code'],
    }),
);

const httpDuration = metric(
  'payrail_http_request_duration_seconds',
  () =>
    new Histogram({
      name: 'payrail_http_request_duration_seconds',
      help: 'HTTP request latency by route template, method and status class',
      labelNames: ['route', 'method', 'status_class'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
);

const circuitState = metric(
  'payrail_circuit_state',
  () =>
    new Gauge({
      name: 'payrail_circuit_state',
      help: "A connection's circuit breaker as this instance last saw it: 0 closed, 1 half-open, 2 open",
      labelNames: ['connection_id', 'gateway'],
    }),
);

/** Gateway codes are the installed plugins' own (`PaymentGateway.code`), never a client's value. */
function gatewayLabel(code: string): string {
  return code;
}

function operationLabel(operation: string): string {
  return (GATEWAY_OPERATIONS as readonly string[]).includes(operation) ? operation : 'other';
}

/** One finished gateway call. */
export function recordGatewayCall(
  gateway: string,
  operation: string,
  error: GatewayError | null,
  seconds: number,
): void {
  const labels = { gateway: gatewayLabel(gateway), operation: operationLabel(operation) };
  gatewayRequests.inc({ ...labels, outcome: callOutcome(error) });
  gatewayDuration.observe(labels, seconds);
}

/** A payment reached `status` (one of the state machine's, a closed set). */
export function recordPaymentStatus(gateway: string, status: string): void {
  payments.inc({ gateway: gatewayLabel(gateway), status });
}

/** A payment failed with this taxonomy code. */
export function recordPaymentFailure(gateway: string, code: string): void {
  declines.inc({ gateway: gatewayLabel(gateway), code: isGatewayErrorCode(code) ? code : 'other' });
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** One HTTP request; `route` is the matched route template (never the raw path), `unmatched` when none. */
export function recordHttpRequest(route: string, method: string, status: number, seconds: number): void {
  httpDuration.observe(
    {
      route,
      method: METHODS.includes(method) ? method : 'other',
      status_class: status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'other',
    },
    seconds,
  );
}

export type CircuitStateName = 'closed' | 'half_open' | 'open';
const CIRCUIT_VALUE: Record<CircuitStateName, number> = { closed: 0, half_open: 1, open: 2 };

export function recordCircuitState(connectionId: string, gateway: string, state: CircuitStateName): void {
  circuitState.set({ connection_id: connectionId, gateway: gatewayLabel(gateway) }, CIRCUIT_VALUE[state]);
}

/** The number of series a metric holds now, for the cardinality spec and the docs. */
export async function seriesCount(): Promise<number> {
  const all = await register.getMetricsAsJSON();
  return all.reduce((sum, m) => sum + (m.values?.length ?? 0), 0);
}
