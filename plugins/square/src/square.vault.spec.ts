import type { GatewayConnection } from '@payrail/plugin-sdk';
import { describeCustomerVaultConformance } from '@payrail/plugin-sdk/testing';
import { startSquareSandbox, type SquareSandbox } from '@payrail/sandbox/square';
import { SquareGateway } from './square.gateway';
import { squareSandboxConnection } from './testing/sandbox-connection';

const gateway = new SquareGateway();
let sandbox: SquareSandbox;
let connection: GatewayConnection;

beforeAll(async () => {
  sandbox = await startSquareSandbox({ port: 0 });
  connection = squareSandboxConnection(sandbox, 'conn_square_vault');
});

afterAll(async () => {
  await sandbox?.close();
});

describeCustomerVaultConformance({
  name: 'Square',
  gateway: () => gateway,
  connection: () => connection,
  savableMethod: () => ({ token: sandbox.issueNonce() }),
  last4: '1111',
});

describe('Square customer vault: what Square refuses', () => {
  it('refuses raw card numbers, and charges a saved card only with its customer', async () => {
    const customer = await gateway.createCustomer(connection, {
      customerId: 'cus_sq_1',
      idempotencyKey: 'sq-c1',
    });
    if (!customer.ok) throw customer.error;
    const raw = await gateway.saveMethod(connection, {
      customerReference: customer.value.reference,
      idempotencyKey: 'sq-s0',
      method: { card: { number: '4111111111111111', expMonth: 12, expYear: 2035 } },
    });
    expect(!raw.ok && raw.error.code).toBe('invalid_request');
    const saved = await gateway.saveMethod(connection, {
      customerReference: customer.value.reference,
      idempotencyKey: 'sq-s1',
      method: { token: sandbox.issueNonce() },
    });
    if (!saved.ok) throw saved.error;
    const stranger = await gateway.authorize(connection, {
      paymentId: 'pay_sq',
      attemptId: 'att_sq',
      idempotencyKey: 'sq-a1',
      amount: { amount: 700, currency: 'USD' },
      token: saved.value.reference,
    });
    expect(stranger.ok).toBe(false);
  });
});
