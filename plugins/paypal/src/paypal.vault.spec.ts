import type { GatewayConnection } from '@payrail/plugin-sdk';
import { describeCustomerVaultConformance } from '@payrail/plugin-sdk/testing';
import { PAYPAL_SANDBOX_DEFAULTS, startPayPalSandbox, type PayPalSandbox } from '@payrail/sandbox/paypal';
import { PayPalGateway } from './paypal.gateway';

const gateway = new PayPalGateway();
let sandbox: PayPalSandbox;
let connection: GatewayConnection;

beforeAll(async () => {
  sandbox = await startPayPalSandbox({ port: 0 });
  connection = {
    id: 'conn_paypal_vault',
    mode: 'test',
    values: {
      clientId: PAYPAL_SANDBOX_DEFAULTS.clientId,
      clientSecret: PAYPAL_SANDBOX_DEFAULTS.clientSecret,
    },
    baseUrl: sandbox.url,
    timeoutMs: 5000,
  };
});

afterAll(async () => {
  await sandbox?.close();
});

describeCustomerVaultConformance({
  name: 'PayPal',
  gateway: () => gateway,
  connection: () => connection,
  savableMethod: () => ({
    card: { number: '4111111111111111', expMonth: 12, expYear: 2035, cvc: '123', name: 'Saved Card' },
  }),
  last4: '1111',
});

describe('PayPal customer vault: stored credentials', () => {
  it('sends a merchant-initiated charge with PayPal stored-credential flags on the vaulted card', async () => {
    const customer = await gateway.createCustomer(connection, {
      customerId: 'cus_pp_flags',
      idempotencyKey: 'pp-c',
    });
    if (!customer.ok) throw customer.error;
    const saved = await gateway.saveMethod(connection, {
      customerReference: customer.value.reference,
      idempotencyKey: 'pp-s',
      method: { card: { number: '5555555555554444', expMonth: 1, expYear: 2034 } },
    });
    if (!saved.ok) throw saved.error;
    expect(saved.value.card).toMatchObject({ last4: '4444', expMonth: 1, expYear: 2034 });
    const charged = await gateway.authorize(connection, {
      paymentId: 'pay_pp_off',
      attemptId: 'att_pp_off',
      idempotencyKey: 'pp-a',
      amount: { amount: 1234, currency: 'USD' },
      token: saved.value.reference,
      savedMethod: { customerReference: customer.value.reference, offSession: true },
    });
    expect(charged.ok && charged.value.status).toBe('authorized');
    const order = [...sandbox.store.orders.values()].find((o) => o.unit.reference_id === 'pay_pp_off');
    expect(order?.source).toMatchObject({ kind: 'card', lastDigits: '4444' });
  });
});
