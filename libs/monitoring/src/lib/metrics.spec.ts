import { EventEmitter } from 'node:events';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { register } from 'prom-client';
import { GATEWAY_ERROR_CODES, GatewayError } from '@payrail/plugin-sdk';
import { PAYMENT_STATUSES } from '@payrail/api-contract';
import { httpMetrics } from './http-metrics';
import {
  callOutcome,
  CIRCUIT_OPEN_CODE,
  GATEWAY_OPERATIONS,
  recordGatewayCall,
  recordPaymentFailure,
  recordPaymentStatus,
  seriesCount,
} from './metrics';

const GATEWAYS = ['stripe', 'paypal', 'square'];
const ROUTES = ['/v1/payments', '/v1/payments/:id', '/v1/payments/:id/capture', '/v1/payments/:id/refunds'];
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

/** What one request does to the metrics, with its raw path and random customer data in play. */
function requestThrough(route: string | null, method: string, status: number, rawPath: string): void {
  const res = new EventEmitter() as unknown as Response;
  (res as { statusCode: number }).statusCode = status;
  const req = {
    method,
    baseUrl: '',
    originalUrl: rawPath,
    url: rawPath,
    route: route ? { path: route } : undefined,
  };
  httpMetrics()(req as unknown as Request, res, () => undefined);
  (res as unknown as EventEmitter).emit('finish');
}

function onePayment(payment: { id: string; email: string; metadata: Record<string, string> }): void {
  const gateway = pick(GATEWAYS);
  const code = pick(GATEWAY_ERROR_CODES);
  const error =
    Math.random() < 0.3 ? new GatewayError(code, { gatewayCode: payment.id, detail: payment.email }) : null;
  for (const operation of ['tokenize', 'authorize', 'capture'])
    recordGatewayCall(gateway, operation, error, Math.random());
  recordPaymentStatus(gateway, pick(PAYMENT_STATUSES));
  if (error) recordPaymentFailure(gateway, error.code);
  const query = new URLSearchParams({ email: payment.email, ...payment.metadata }).toString();
  requestThrough(
    pick(ROUTES),
    pick(['GET', 'POST']),
    pick([200, 201, 402, 404, 503]),
    `/v1/payments/${payment.id}?${query}`,
  );
  requestThrough(null, 'GET', 404, `/nothing/${payment.id}/${payment.email}`);
}

describe('metrics cardinality', () => {
  beforeAll(() => register.resetMetrics());

  it('10,000 payments with random ids, emails and metadata add no series', async () => {
    // Every label value the code can produce, once: the ceiling of the series count.
    for (const gateway of GATEWAYS) {
      for (const operation of GATEWAY_OPERATIONS)
        for (const code of [...GATEWAY_ERROR_CODES, null]) {
          const error = code ? new GatewayError(code) : null;
          recordGatewayCall(gateway, operation, error, 0.1);
        }
      recordGatewayCall(
        gateway,
        'authorize',
        new GatewayError('gateway_unavailable', { gatewayCode: CIRCUIT_OPEN_CODE }),
        0,
      );
      for (const status of PAYMENT_STATUSES) recordPaymentStatus(gateway, status);
      for (const code of GATEWAY_ERROR_CODES) recordPaymentFailure(gateway, code);
    }
    for (const route of [...ROUTES, null])
      for (const method of ['GET', 'POST'])
        for (const status of [200, 201, 402, 404, 503]) requestThrough(route, method, status, '/warm-up');
    const ceiling = await seriesCount();

    const seen: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const payment = {
        id: `pay_${randomUUID()}`,
        email: `${randomBytes(6).toString('hex')}@example.com`,
        metadata: {
          [`k_${randomBytes(3).toString('hex')}`]: randomBytes(8).toString('hex'),
          order: String(i),
        },
      };
      if (i % 1000 === 0) seen.push(payment.id, payment.email);
      onePayment(payment);
    }
    expect(await seriesCount()).toBe(ceiling);
    const text = await register.metrics();
    for (const value of seen) expect(text).not.toContain(value);
    expect(text).toMatch(
      /payrail_http_request_duration_seconds_count\{route="\/v1\/payments\/:id",method="(GET|POST)",status_class="\dxx"\}/,
    );
    expect(text).toContain('route="unmatched"');
  });

  it('labels a call by what it says about the gateway: declines and bad requests are not gateway errors', () => {
    expect(callOutcome(null)).toBe('success');
    expect(callOutcome(new GatewayError('card_declined', { gatewayStatus: 402 }))).toBe('declined');
    expect(callOutcome(new GatewayError('invalid_request', { gatewayStatus: 400 }))).toBe('refused');
    expect(
      callOutcome(new GatewayError('gateway_unavailable', { gatewayStatus: 503, indeterminate: true })),
    ).toBe('error');
    expect(callOutcome(new GatewayError('gateway_timeout', { indeterminate: true }))).toBe('timeout');
    expect(callOutcome(new GatewayError('gateway_unavailable', { gatewayCode: CIRCUIT_OPEN_CODE }))).toBe(
      'circuit_open',
    );
  });
});
