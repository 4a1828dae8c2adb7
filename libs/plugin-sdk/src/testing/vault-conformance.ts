import { randomUUID } from 'node:crypto';
import type { Outcome } from '../lib/errors';
import {
  canVault,
  type CustomerVault,
  type GatewayConnection,
  type PaymentGateway,
  type SaveMethodRequest,
} from '../lib/gateway';

export interface VaultConformanceOptions {
  /** Shown in the suite's title. */
  name: string;
  gateway: () => PaymentGateway;
  /** A test-mode connection to the gateway's sandbox. */
  connection: () => GatewayConnection;
  currency?: string;
  /** A card (token or raw details) that saves without the customer authenticating; called per save. */
  savableMethod: () => Promise<SaveMethodRequest['method']> | SaveMethodRequest['method'];
  /** The last four digits `savableMethod` saves. */
  last4: string;
}

function expectOk<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.error.code}: ${outcome.error.message}`);
  return outcome.value;
}

/**
 * The shared suite for the optional `CustomerVault` capability: a customer at the gateway, a
 * saved card charged on and off session, and deletion that the gateway itself honours.
 */
export function describeCustomerVaultConformance(options: VaultConformanceOptions): void {
  const currency = options.currency ?? 'USD';
  const key = (label: string) => `vault-${label}-${randomUUID()}`;
  let gateway: PaymentGateway & CustomerVault;
  let connection: GatewayConnection;

  const newCustomer = async () =>
    expectOk(
      await gateway.createCustomer(connection, {
        customerId: `cus_${randomUUID().replace(/-/g, '').slice(0, 16)}`,
        idempotencyKey: key('customer'),
        email: 'saved.card@example.com',
        name: 'Saved Card',
        phone: '+15555550100',
      }),
    ).reference;

  const save = async (customerReference: string) =>
    expectOk(
      await gateway.saveMethod(connection, {
        customerReference,
        idempotencyKey: key('save'),
        method: await options.savableMethod(),
      }),
    );

  const charge = (customerReference: string, token: string, offSession: boolean) =>
    gateway.authorize(connection, {
      paymentId: `pay_${randomUUID()}`,
      attemptId: `att_${randomUUID()}`,
      idempotencyKey: key('auth'),
      amount: { amount: 1500, currency },
      token,
      description: 'vault conformance',
      savedMethod: { customerReference, offSession },
    });

  describe(`${options.name} customer vault conformance`, () => {
    beforeAll(() => {
      const candidate = options.gateway();
      if (!canVault(candidate)) throw new Error(`${options.name} does not implement CustomerVault`);
      gateway = candidate;
      connection = options.connection();
    });

    it('saves a card for a customer and lists it with its card summary', async () => {
      const customer = await newCustomer();
      const saved = await save(customer);
      expect(saved.status).toBe('ready');
      expect(saved.reference).toEqual(expect.any(String));
      expect(saved.card?.last4).toBe(options.last4);
      const listed = expectOk(await gateway.listMethods(connection, { customerReference: customer }));
      expect(listed.map((m) => m.reference)).toEqual([saved.reference]);
    });

    it('charges a saved card twice, the second time off-session', async () => {
      const customer = await newCustomer();
      const saved = await save(customer);
      const first = expectOk(await charge(customer, saved.reference, false));
      const second = expectOk(await charge(customer, saved.reference, true));
      expect([first.status, second.status]).toEqual(['authorized', 'authorized']);
      expect(second.reference).not.toBe(first.reference);
    });

    it('deletes a saved card at the gateway: gone from the list, and it cannot be charged', async () => {
      const customer = await newCustomer();
      const saved = await save(customer);
      expectOk(
        await gateway.deleteMethod(connection, {
          customerReference: customer,
          methodReference: saved.reference,
        }),
      );
      expect(expectOk(await gateway.listMethods(connection, { customerReference: customer }))).toEqual([]);
      const after = await charge(customer, saved.reference, true);
      expect(after.ok).toBe(false);
    });

    it('erases a customer with every card saved for it', async () => {
      const customer = await newCustomer();
      const saved = await save(customer);
      expectOk(await gateway.eraseCustomer(connection, { customerReference: customer }));
      const listed = await gateway.listMethods(connection, { customerReference: customer });
      if (listed.ok) expect(listed.value).toEqual([]);
      expect((await charge(customer, saved.reference, true)).ok).toBe(false);
    });
  });
}
