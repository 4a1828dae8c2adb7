import { type GatewayConnection } from '@payrail/plugin-sdk';
import { describeCustomerVaultConformance } from '@payrail/plugin-sdk/testing';
import { startStripeSandbox, STRIPE_SANDBOX_DEFAULTS, type StripeSandbox } from '@payrail/sandbox/stripe';
import { StripeGateway } from './stripe.gateway';

let sandbox: StripeSandbox;
let connection: GatewayConnection;
const gateway = new StripeGateway();

beforeAll(async () => {
  sandbox = await startStripeSandbox({ port: 0 });
  connection = {
    id: 'conn_stripe_vault',
    mode: 'test',
    values: { secretKey: STRIPE_SANDBOX_DEFAULTS.secretKey },
    baseUrl: sandbox.url,
    timeoutMs: 5000,
  };
});

afterAll(async () => {
  await sandbox?.close();
});

describeCustomerVaultConformance({
  name: 'Stripe',
  gateway: () => gateway,
  connection: () => connection,
  savableMethod: () => ({ token: 'tok_visa' }),
  last4: '4242',
});

describe('Stripe customer vault: authentication and ownership', () => {
  it('asks for 3-D Secure when saving a card that needs it, and charges it off-session once set up', async () => {
    const customer = await gateway.createCustomer(connection, {
      customerId: 'cus_local_1',
      idempotencyKey: 'k-c1',
    });
    if (!customer.ok) throw customer.error;
    const saved = await gateway.saveMethod(connection, {
      customerReference: customer.value.reference,
      idempotencyKey: 'k-s1',
      method: { token: 'pm_card_authenticationRequiredOnSetup' },
    });
    if (!saved.ok) throw saved.error;
    expect(saved.value).toMatchObject({ status: 'requires_action', nextAction: { type: 'redirect_to_url' } });
    const [setup] = [...sandbox.state.setupIntents.values()].filter(
      (s) => s.object.customer === customer.value.reference,
    );
    sandbox.authenticate(setup.object.id, 'succeed');
    const listed = await gateway.listMethods(connection, { customerReference: customer.value.reference });
    expect(listed.ok && listed.value.map((m) => m.reference)).toEqual([saved.value.reference]);
    const charged = await gateway.authorize(connection, {
      paymentId: 'pay_off',
      attemptId: 'att_off',
      idempotencyKey: 'k-a1',
      amount: { amount: 900, currency: 'USD' },
      token: saved.value.reference,
      savedMethod: { customerReference: customer.value.reference, offSession: true },
    });
    expect(charged.ok && charged.value.status).toBe('authorized');
  });

  it('refuses to delete a card saved for another customer', async () => {
    const a = await gateway.createCustomer(connection, { customerId: 'cus_local_a', idempotencyKey: 'k-ca' });
    const b = await gateway.createCustomer(connection, { customerId: 'cus_local_b', idempotencyKey: 'k-cb' });
    if (!a.ok || !b.ok) throw new Error('customers');
    const saved = await gateway.saveMethod(connection, {
      customerReference: a.value.reference,
      idempotencyKey: 'k-sa',
      method: { token: 'tok_mastercard' },
    });
    if (!saved.ok) throw saved.error;
    const wrong = await gateway.deleteMethod(connection, {
      customerReference: b.value.reference,
      methodReference: saved.value.reference,
    });
    expect(!wrong.ok && wrong.error.code).toBe('invalid_request');
  });
});
