import { createHash } from 'node:crypto';
import { describeGatewayConformance } from './conformance';
import { IN_MEMORY_TIMEOUT_TOKEN, InMemoryGateway } from './in-memory-gateway';
import type { GatewayConnection } from '../lib/gateway';

const gateway = new InMemoryGateway();
const connection: GatewayConnection = {
  id: 'conn_memory',
  mode: 'test',
  values: { apiKey: 'mem_test_abc123', webhookSecret: 'memsecret' },
  timeoutMs: 5000,
  baseUrl: 'http://127.0.0.1:1',
};

function delivery(reference: string, at = Math.floor(Date.now() / 1000)) {
  const body = JSON.stringify({
    id: `evt_${createHash('sha1')
      .update(reference + at)
      .digest('hex')}`,
    type: 'payment.captured',
    reference,
    created: at,
  });
  return {
    rawBody: Buffer.from(body),
    headers: gateway.signWebhook('memsecret', body, at),
    url: 'http://127.0.0.1/webhooks/conn_memory',
  };
}

describeGatewayConformance({
  name: 'In-memory',
  gateway: () => gateway,
  connection: () => connection,
  approvedToken: () => 'tok_ok',
  approvedCard: {
    number: '4242424242424242',
    expMonth: 12,
    expYear: new Date().getFullYear() + 2,
    cvc: '123',
  },
  failures: [
    { code: 'card_declined', stage: 'authorize', token: () => 'tok_declined' },
    { code: 'insufficient_funds', stage: 'authorize', token: () => 'tok_insufficient_funds' },
    {
      code: 'expired_card',
      stage: 'tokenize',
      card: { number: '4242424242424242', expMonth: 1, expYear: 2020 },
    },
    {
      code: 'invalid_card_number',
      stage: 'tokenize',
      card: { number: '4242424242424241', expMonth: 1, expYear: 2040 },
    },
    { code: 'gateway_timeout', stage: 'authorize', token: () => IN_MEMORY_TIMEOUT_TOKEN },
  ],
  signedWebhook: async (reference) => delivery(reference),
  staleWebhook: async (reference) => delivery(reference, Math.floor(Date.now() / 1000) - 3600),
  badCredentials: () => ({ ...connection, values: { apiKey: 'nope' } }),
  payOut: async () => {
    gateway.settlements.payOut();
  },
});

describe('InMemoryGateway', () => {
  it('counts a replayed call as received but performs it once', async () => {
    const g = new InMemoryGateway();
    const request = {
      paymentId: 'p',
      attemptId: 'a',
      idempotencyKey: 'k',
      amount: { amount: 100, currency: 'USD' },
      token: 'tok_ok',
    };
    const [a, b] = await Promise.all([g.authorize(connection, request), g.authorize(connection, request)]);
    expect(a.ok && b.ok && a.value.reference === b.value.reference).toBe(true);
    expect(g.performed['authorize']).toBe(1);
    expect(g.received['authorize']).toBe(2);
  });
});
