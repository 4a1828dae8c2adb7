import Stripe from 'stripe';
import { loadStripeOpenApi, startStripeSandbox, STRIPE_SANDBOX_DEFAULTS, type StripeSandbox } from './index';

const validator = loadStripeOpenApi();
let sandbox: StripeSandbox;
let stripe: Stripe;

/** The smallest files of each kind: what the sandbox judges is their signature, as Stripe does. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32)]);

async function stripeError(call: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

async function openDispute(): Promise<string> {
  const pi = await stripe.paymentIntents.create({
    amount: 4000,
    currency: 'usd',
    confirm: true,
    payment_method: 'pm_card_visa',
    allowed_payment_method_types: ['card'],
  });
  return String(sandbox.openDispute(String(pi.latest_charge), 'product_not_received').id);
}

beforeAll(async () => {
  sandbox = await startStripeSandbox({ port: 0, record: true, disputeDelayMs: 20 });
  stripe = new Stripe(STRIPE_SANDBOX_DEFAULTS.secretKey, {
    ...sandbox.clientOptions,
    maxNetworkRetries: 0,
    telemetry: false,
  });
});

afterAll(async () => {
  await sandbox?.close();
});

describe('Stripe sandbox: dispute evidence files', () => {
  it('takes a PDF through the File Upload API (the SDK sends it to the files host, the sandbox here)', async () => {
    const file = await stripe.files.create({
      purpose: 'dispute_evidence',
      file: { data: PDF, name: 'receipt.pdf', type: 'application/pdf' },
    });
    expect(file).toMatchObject({
      object: 'file',
      purpose: 'dispute_evidence',
      size: PDF.length,
      type: 'pdf',
      filename: 'receipt.pdf',
    });
    expect((await stripe.files.retrieve(file.id)).id).toBe(file.id);
    expect((await stripe.files.list({ purpose: 'dispute_evidence' })).data.map((f) => f.id)).toContain(
      file.id,
    );
  });

  it('judges the file by its content: a text file named .pdf is refused, a PNG is taken', async () => {
    const fake = await stripeError(
      stripe.files.create({
        purpose: 'dispute_evidence',
        file: { data: Buffer.from('not a pdf'), name: 'letter.pdf', type: 'application/pdf' },
      }),
    );
    expect(fake).toMatchObject({ statusCode: 400, code: 'file_upload_invalid_file_type', param: 'file' });
    const png = await stripe.files.create({
      purpose: 'dispute_evidence',
      file: { data: PNG, name: 'label.png', type: 'image/png' },
    });
    expect(png.type).toBe('png');
  });

  it('refuses a dispute_evidence file over 5MB and an upload without a purpose', async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024)]);
    const tooLarge = await stripeError(
      stripe.files.create({
        purpose: 'dispute_evidence',
        file: { data: big, name: 'big.pdf', type: 'application/pdf' },
      }),
    );
    expect(tooLarge).toMatchObject({ statusCode: 400, code: 'file_upload_size_exceeded', param: 'file' });
    const noPurpose = await stripeError(
      stripe.files.create({ file: { data: PDF, name: 'a.pdf', type: 'application/pdf' } } as never),
    );
    expect(noPurpose).toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'purpose' });
  });

  it('puts file ids in the evidence file fields and submits; an unknown id is refused', async () => {
    const disputeId = await openDispute();
    const file = await stripe.files.create({
      purpose: 'dispute_evidence',
      file: { data: PDF, name: 'proof.pdf', type: 'application/pdf' },
    });
    const staged = await stripe.disputes.update(disputeId, {
      evidence: { uncategorized_file: file.id, receipt: file.id },
      submit: false,
    });
    expect(staged).toMatchObject({ status: 'needs_response', evidence: { uncategorized_file: file.id } });
    expect(staged.evidence_details.has_evidence).toBe(true);
    const unknown = await stripeError(
      stripe.disputes.update(disputeId, { evidence: { shipping_documentation: 'file_missing' } }),
    );
    expect(unknown).toMatchObject({ statusCode: 404, param: 'evidence[shipping_documentation]' });
    const submitted = await stripe.disputes.update(disputeId, {
      evidence: { uncategorized_text: 'Delivered, signed for.' },
      submit: true,
    });
    expect(submitted).toMatchObject({
      status: 'under_review',
      evidence: { uncategorized_file: file.id, receipt: file.id },
    });
    expect(submitted.evidence_details.submission_count).toBe(1);
  });

  it('answered with bodies the official spec allows', () => {
    const problems = sandbox.exchanges.flatMap((exchange) => validator.validate(exchange));
    expect(sandbox.exchanges.some((e) => e.route === '/v1/files' && e.method === 'POST')).toBe(true);
    expect(problems).toEqual([]);
  });
});
