import type { SquareClient } from 'square';
import { sdkClient, squareError, usd } from './sdk-spec-helpers';
import { loadSquareOpenApi, startSquareSandbox, type SquareSandbox } from './index';

const openApi = loadSquareOpenApi();
let sandbox: SquareSandbox;
let square: SquareClient;
let n = 0;
const key = () => `sbx-files-${process.pid}-${++n}`;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(60)]);

beforeAll(async () => {
  sandbox = await startSquareSandbox({ port: 0, record: true, refundDelayMs: 20 });
  square = sdkClient(sandbox.url);
});

afterAll(async () => {
  await sandbox.close();
});

async function openDispute(): Promise<string> {
  const { payment } = await square.payments.create({
    sourceId: 'cnon:card-nonce-ok',
    idempotencyKey: key(),
    amountMoney: usd(3100),
  });
  return sandbox.openDispute(String(payment?.id), 'NOT_RECEIVED');
}

describe('Square sandbox: CreateDisputeEvidenceFile', () => {
  it('takes a PDF beside text evidence through the SDK, then the evidence is submitted', async () => {
    const disputeId = await openDispute();
    const idempotencyKey = key();
    const uploaded = await square.disputes.createEvidenceFile({
      disputeId,
      request: { idempotencyKey, evidenceType: 'RECEIPT', contentType: 'application/pdf' },
      imageFile: new File([PDF], 'receipt-1042.pdf', { type: 'application/pdf' }),
    });
    expect(uploaded.evidence).toMatchObject({
      disputeId,
      evidenceType: 'RECEIPT',
      evidenceFile: { filename: 'receipt-1042.pdf', filetype: 'application/pdf' },
    });
    const replayed = await square.disputes.createEvidenceFile({
      disputeId,
      request: { idempotencyKey, evidenceType: 'RECEIPT' },
      imageFile: new File([PDF], 'receipt-1042.pdf', { type: 'application/pdf' }),
    });
    expect(replayed.evidence?.id).toBe(uploaded.evidence?.id);
    await square.disputes.createEvidenceText({
      disputeId,
      idempotencyKey: key(),
      evidenceType: 'REBUTTAL_EXPLANATION',
      evidenceText: 'Delivered; receipt attached.',
    });
    const listed = (await square.disputes.evidence.list({ disputeId })).data;
    expect(listed.map((e) => e.id)).toContain(uploaded.evidence?.id);
    expect(listed).toHaveLength(2);
    expect((await square.disputes.submitEvidence({ disputeId })).dispute?.state).toBe('PROCESSING');
  });

  it('judges the file by its content and refuses what Square does not take, in Square’s error shape', async () => {
    const disputeId = await openDispute();
    const jpeg = await square.disputes.createEvidenceFile({
      disputeId,
      request: { idempotencyKey: key(), evidenceType: 'CARDHOLDER_COMMUNICATION' },
      imageFile: new File([JPEG], 'chat.jpg', { type: 'image/jpeg' }),
    });
    expect(jpeg.evidence?.evidenceFile?.filetype).toBe('image/jpeg');
    const text = await squareError(
      square.disputes.createEvidenceFile({
        disputeId,
        request: { idempotencyKey: key() },
        imageFile: new File([Buffer.from('plain words')], 'notes.pdf', { type: 'application/pdf' }),
      }),
    );
    expect(text.statusCode).toBe(415);
    expect(text.errors[0]).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', field: 'image_file' });
    const big = await squareError(
      square.disputes.createEvidenceFile({
        disputeId,
        request: { idempotencyKey: key() },
        imageFile: new File([PDF, Buffer.alloc(5 * 1024 * 1024)], 'big.pdf', { type: 'application/pdf' }),
      }),
    );
    expect(big.statusCode).toBe(413);
    expect(big.errors[0]).toMatchObject({ code: 'REQUEST_ENTITY_TOO_LARGE' });
    const noKey = await squareError(
      square.disputes.createEvidenceFile({
        disputeId,
        imageFile: new File([PDF], 'a.pdf', { type: 'application/pdf' }),
      }),
    );
    expect(noKey.errors[0]).toMatchObject({ code: 'MISSING_REQUIRED_PARAMETER' });
    await square.disputes.accept({ disputeId });
    const late = await squareError(
      square.disputes.createEvidenceFile({
        disputeId,
        request: { idempotencyKey: key() },
        imageFile: new File([PDF], 'late.pdf', { type: 'application/pdf' }),
      }),
    );
    expect(late.statusCode).toBe(400);
  });

  it('answers every recorded exchange as the Square OpenAPI spec describes', () => {
    expect(sandbox.exchanges.some((e) => e.path.endsWith('/evidence-files') && e.status === 200)).toBe(true);
    const problems = sandbox.exchanges.flatMap((e) =>
      openApi.validate(e.method, e.path, e.status, e.responseBody),
    );
    expect(problems).toEqual([]);
  });
});
