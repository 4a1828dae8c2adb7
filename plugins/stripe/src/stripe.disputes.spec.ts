import { type GatewayConnection } from '@payrail/plugin-sdk';
import { describeDisputeFilesConformance } from '@payrail/plugin-sdk/testing';
import { startStripeSandbox, STRIPE_SANDBOX_DEFAULTS, type StripeSandbox } from '@payrail/sandbox/stripe';
import { StripeGateway } from './stripe.gateway';

let sandbox: StripeSandbox;
let connection: GatewayConnection;
const gateway = new StripeGateway();
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

beforeAll(async () => {
  sandbox = await startStripeSandbox({ port: 0, disputeDelayMs: 20 });
  connection = {
    id: 'conn_stripe_disputes',
    mode: 'test',
    values: { secretKey: STRIPE_SANDBOX_DEFAULTS.secretKey },
    baseUrl: sandbox.url,
    timeoutMs: 5000,
  };
});

afterAll(async () => {
  await sandbox?.close();
});

async function disputedCharge(key: string): Promise<string> {
  const authorized = await gateway.authorize(connection, {
    paymentId: `pay_${key}`,
    attemptId: `att_${key}`,
    idempotencyKey: `auth-${key}`,
    amount: { amount: 3000, currency: 'USD' },
    token: 'pm_card_visa',
  });
  if (!authorized.ok) throw authorized.error;
  const captured = await gateway.capture(connection, {
    reference: authorized.value.reference,
    attemptId: `att_cap_${key}`,
    idempotencyKey: `cap-${key}`,
    amount: { amount: 3000, currency: 'USD' },
    final: true,
  });
  if (!captured.ok) throw captured.error;
  const intent = sandbox.state.paymentIntents.get(authorized.value.reference);
  return String(sandbox.openDispute(String(intent?.object['latest_charge'])).id);
}

let n = 0;
describeDisputeFilesConformance({
  name: 'Stripe',
  gateway: () => gateway,
  connection: () => connection,
  openDispute: () => disputedCharge(`conf${++n}`),
  heldAtGateway: (dispute, file) =>
    sandbox.state.retrieveDispute(dispute).evidence['receipt'] === file &&
    sandbox.state.retrieveFile(file).purpose === 'dispute_evidence',
});

describe('Stripe dispute evidence files through the SDK', () => {
  it('uploads a file through the File Upload API and stages it in the evidence field of its category', async () => {
    const disputeId = await disputedCharge('f1');
    const uploaded = await gateway.uploadDisputeEvidenceFile(connection, {
      reference: disputeId,
      idempotencyKey: 'dsp-f1',
      file: { name: 'receipt.pdf', contentType: 'application/pdf', category: 'receipt', data: PDF },
    });
    if (!uploaded.ok) throw uploaded.error;
    expect(uploaded.value.fileReference).toMatch(/^file_/);
    expect(uploaded.value.dispute).toMatchObject({ reference: disputeId, status: 'needs_response' });
    const other = await gateway.uploadDisputeEvidenceFile(connection, {
      reference: disputeId,
      idempotencyKey: 'dsp-f2',
      file: { name: 'chat.pdf', contentType: 'application/pdf', category: 'other', data: PDF },
    });
    if (!other.ok) throw other.error;
    const staged = sandbox.state.retrieveDispute(disputeId);
    expect(staged.evidence).toMatchObject({
      receipt: uploaded.value.fileReference,
      uncategorized_file: other.value.fileReference,
    });
    const submitted = await gateway.submitDisputeEvidence(connection, {
      reference: disputeId,
      text: 'Delivered and signed for; receipt attached.',
      idempotencyKey: 'dsp-f1-text',
    });
    expect(submitted.ok && submitted.value.status).toBe('under_review');
    expect(sandbox.state.retrieveDispute(disputeId).evidence['receipt']).toBe(uploaded.value.fileReference);
  });

  it('reports the gateway refusing a file that is not what its type says as invalid_request', async () => {
    const disputeId = await disputedCharge('f3');
    const refused = await gateway.uploadDisputeEvidenceFile(connection, {
      reference: disputeId,
      idempotencyKey: 'dsp-f3',
      file: { name: 'x.pdf', contentType: 'application/pdf', category: 'other', data: Buffer.from('hello') },
    });
    expect(!refused.ok && refused.error.code).toBe('invalid_request');
  });
});
