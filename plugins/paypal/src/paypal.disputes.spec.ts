import { randomUUID } from 'node:crypto';
import type { GatewayConnection } from '@payrail/plugin-sdk';
import { describeDisputeFilesConformance } from '@payrail/plugin-sdk/testing';
import { PAYPAL_SANDBOX_DEFAULTS, startPayPalSandbox, type PayPalSandbox } from '@payrail/sandbox/paypal';
import { PayPalGateway } from './paypal.gateway';

const gateway = new PayPalGateway();
let sandbox: PayPalSandbox;
let connection: GatewayConnection;

beforeAll(async () => {
  sandbox = await startPayPalSandbox({ port: 0 });
  connection = {
    id: 'conn_paypal_disputes',
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

async function disputedCapture(): Promise<string> {
  const token = await gateway.tokenize(connection, {
    card: { number: '4111111111111111', expMonth: 12, expYear: 2035, cvc: '123', name: 'Dis Puted' },
    idempotencyKey: randomUUID(),
  });
  if (!token.ok) throw token.error;
  const authorized = await gateway.authorize(connection, {
    paymentId: `pay_${randomUUID()}`,
    attemptId: `att_${randomUUID()}`,
    idempotencyKey: randomUUID(),
    amount: { amount: 2200, currency: 'USD' },
    token: token.value.token,
  });
  if (!authorized.ok) throw authorized.error;
  const captured = await gateway.capture(connection, {
    reference: authorized.value.reference,
    attemptId: `att_${randomUUID()}`,
    idempotencyKey: randomUUID(),
    amount: { amount: 2200, currency: 'USD' },
    final: true,
  });
  if (!captured.ok) throw captured.error;
  const capture = [...sandbox.store.captures.values()].find(
    (c) => c.authorizationId === authorized.value.reference,
  );
  return sandbox.openDispute(String(capture?.id), 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED');
}

describeDisputeFilesConformance({
  name: 'PayPal',
  gateway: () => gateway,
  connection: () => connection,
  openDispute: disputedCapture,
  fileSubmits: true,
  heldAtGateway: (dispute, file) =>
    sandbox.store.disputes
      .get(dispute)
      ?.evidences.some(
        (e) => e.evidence_type === 'PROOF_OF_RECEIPT_COPY' && e.documents?.some((d) => d.name === file),
      ),
});
