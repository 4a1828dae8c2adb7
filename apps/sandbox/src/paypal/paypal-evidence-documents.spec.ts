import { randomUUID } from 'node:crypto';
import {
  PAYPAL_SANDBOX_DEFAULTS,
  PayPalSpecValidator,
  startPayPalSandbox,
  type PayPalSandbox,
} from './index';

const validator = new PayPalSpecValidator();
let sandbox: PayPalSandbox;
let token: string;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const GIF = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(20)]);
const card = { number: '4111111111111111', expiry: '2035-12', security_code: '123', name: 'Ada Lovelace' };

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      'paypal-request-id': randomUUID(),
      prefer: 'return=representation',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** provide-evidence as PayPal documents it: the `input` JSON part beside `evidence-file` parts. */
async function provide(
  disputeId: string,
  input: unknown,
  files: { name: string; data: Buffer; type: string }[],
) {
  const form = new FormData();
  form.append('input', new Blob([JSON.stringify(input)], { type: 'application/json' }));
  for (const f of files) form.append('evidence-file', new Blob([f.data], { type: f.type }), f.name);
  const res = await fetch(`${sandbox.url}/v1/customer/disputes/${disputeId}/provide-evidence`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function openDispute(): Promise<string> {
  const order = await call('POST', '/v2/checkout/orders', {
    intent: 'CAPTURE',
    purchase_units: [{ amount: { currency_code: 'USD', value: '19.00' } }],
    payment_source: { card },
  });
  const captured = await call('POST', `/v2/checkout/orders/${order.body.id}/capture`, {});
  return sandbox.openDispute(captured.body.purchase_units[0].payments.captures[0].id, 'UNAUTHORISED');
}

beforeAll(async () => {
  sandbox = await startPayPalSandbox({ port: 0, record: true });
  const res = await fetch(`${sandbox.url}/v1/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${PAYPAL_SANDBOX_DEFAULTS.clientId}:${PAYPAL_SANDBOX_DEFAULTS.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  token = ((await res.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  await sandbox?.close();
});

describe('PayPal sandbox: evidence documents on provide-evidence', () => {
  it('takes documents beside the input, files them under their evidence, and shows them on the dispute', async () => {
    const disputeId = await openDispute();
    const provided = await provide(
      disputeId,
      {
        evidences: [
          {
            evidence_type: 'PROOF_OF_RECEIPT_COPY',
            documents: [{ name: 'receipt-1042.pdf' }],
            notes: 'Receipt',
          },
          { evidence_type: 'OTHER', notes: 'Chat log attached' },
        ],
      },
      [
        { name: 'receipt-1042.pdf', data: PDF, type: 'application/pdf' },
        { name: 'chat log.gif', data: GIF, type: 'image/gif' },
      ],
    );
    expect(provided.status).toBe(200);
    const dispute = await call('GET', `/v1/customer/disputes/${disputeId}`);
    expect(dispute.body.status).toBe('UNDER_REVIEW');
    expect(dispute.body.evidences).toEqual([
      expect.objectContaining({
        evidence_type: 'PROOF_OF_RECEIPT_COPY',
        documents: [{ name: 'receipt-1042.pdf' }, { name: 'chat log.gif' }],
      }),
      expect.objectContaining({ evidence_type: 'OTHER', notes: 'Chat log attached' }),
    ]);
  });

  it('refuses documents PayPal does not take, in PayPal’s error shape, and changes nothing', async () => {
    const disputeId = await openDispute();
    const input = { evidences: [{ evidence_type: 'OTHER', notes: 'see file' }] };
    const text = await provide(disputeId, input, [
      { name: 'notes.pdf', data: Buffer.from('words'), type: 'application/pdf' },
    ]);
    expect(text.status).toBe(400);
    expect(text.body).toMatchObject({
      name: 'INVALID_REQUEST',
      details: [{ field: 'evidence-file', issue: 'INVALID_PARAMETER_VALUE' }],
    });
    const big = await provide(disputeId, input, [
      {
        name: 'big.pdf',
        data: Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]),
        type: 'application/pdf',
      },
    ]);
    expect(big.body.details[0].description).toContain('10 MB');
    const badName = await provide(disputeId, input, [
      { name: 'receipt#1.pdf', data: PDF, type: 'application/pdf' },
    ]);
    expect(badName.body.details[0]).toMatchObject({ issue: 'INVALID_PARAMETER_SYNTAX' });
    const missing = await provide(
      disputeId,
      { evidences: [{ evidence_type: 'OTHER', documents: [{ name: 'absent.pdf' }] }] },
      [],
    );
    expect(missing.body.details[0]).toMatchObject({
      issue: 'MISSING_REQUIRED_PARAMETER',
      field: 'evidence-file',
    });
    const dispute = await call('GET', `/v1/customer/disputes/${disputeId}`);
    expect(dispute.body.status).toBe('WAITING_FOR_SELLER_RESPONSE');
    expect(dispute.body.evidences).toBeUndefined();
  });

  it('answered every disputes call as the official spec describes', () => {
    const ours = sandbox.exchanges.filter((e) => e.path.startsWith('/v1/customer/disputes'));
    expect(ours.length).toBeGreaterThan(5);
    expect(validator.violations(ours)).toEqual([]);
  });
});
