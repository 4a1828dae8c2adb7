import { createHash } from 'node:crypto';
import { AuditService } from '@payrail/audit';
import { SQUARE_SANDBOX_DEFAULTS } from '@payrail/sandbox/square';
import { dbLabel, describeDb } from './harness';
import { ConsoleClient, controlClock, OWNER } from './identity-support';
import { startSandboxedApi, type SandboxedApi } from './sandboxes';

let s: SandboxedApi;
let owner: ConsoleClient;
let finance: ConsoleClient;
let support: ConsoleClient;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]);

const call = (method: string, path: string, body?: unknown) => s.api.request(method, path, body);

/** A multipart upload as a browser or `curl -F` sends it, with the merchant's key or a console session. */
async function upload(
  path: string,
  file: { data: Buffer; name: string; type: string } | undefined,
  extra: Record<string, string> = {},
  as?: ConsoleClient,
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  if (file) form.append('file', new Blob([file.data], { type: file.type }), file.name);
  for (const [k, v] of Object.entries(extra)) form.append(k, v);
  const headers: Record<string, string> = as
    ? {
        cookie: [...as.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(as.csrf ? { 'x-csrf-token': as.csrf } : {}),
      }
    : { authorization: `Bearer ${s.api.apiKey}` };
  const response = await fetch(`${s.api.url}${path}`, { method: 'POST', headers, body: form });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body };
}

async function disputeOf(paymentId: string, status: string): Promise<any> {
  for (let i = 0; i < 150; i++) {
    const payment = (await call('GET', `/v1/payments/${paymentId}`)).body;
    if (payment.dispute?.status === status) return payment;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`payment ${paymentId} never got a ${status} dispute`);
}

async function stripeDispute(token = 'pm_card_createDispute'): Promise<{ payment: any; id: string }> {
  const paid = await call('POST', '/v1/payments', {
    amount: 2600,
    currency: 'usd',
    gateway: 'stripe',
    payment_method: { token },
  });
  const payment = await disputeOf(paid.body.id, 'needs_response');
  return { payment, id: payment.dispute.id };
}

beforeAll(async () => {
  s = await startSandboxedApi();
  const clock = controlClock(s.api.app);
  owner = new ConsoleClient(s.api);
  await owner.login(OWNER.email, OWNER.password);
  await owner.enrolMfa(clock);
  for (const role of ['finance', 'support'] as const) {
    const made = await owner.request('POST', '/admin/users', {
      email: `${role}@example.com`,
      password: 'chargebacks answered on time',
      roles: [{ role, merchant_id: s.api.merchantId }],
    });
    expect(made.status).toBe(201);
  }
  finance = new ConsoleClient(s.api);
  await finance.login('finance@example.com', 'chargebacks answered on time');
  support = new ConsoleClient(s.api);
  await support.login('support@example.com', 'chargebacks answered on time');
}, 90_000);

afterAll(async () => {
  await s?.close();
});

describeDb(`dispute evidence files ${dbLabel}`, () => {
  it('Stripe: a file goes to the File Upload API, Payrail keeps its metadata, the evidence wins', async () => {
    const { payment, id } = await stripeDispute();
    const sent = await upload(
      `/v1/disputes/${id}/files`,
      {
        data: PDF,
        name: 'Receipt #1042 (signed).pdf',
        type: 'application/pdf',
      },
      { category: 'receipt' },
    );
    expect(sent.status).toBe(201);
    expect(sent.body.file).toMatchObject({
      object: 'dispute_evidence_file',
      dispute_id: id,
      name: 'Receipt #1042 (signed).pdf',
      size: PDF.length,
      content_type: 'application/pdf',
      category: 'receipt',
      sha256: createHash('sha256').update(PDF).digest('hex'),
      gateway_file_reference: expect.stringMatching(/^file_/),
    });
    expect(sent.body.dispute.status).toBe('needs_response');
    const stripeDisputeId = (await call('GET', `/v1/disputes/${id}`)).body.gateway_reference;
    const atStripe = s.stripe.state.retrieveDispute(stripeDisputeId);
    expect(atStripe.evidence['receipt']).toBe(sent.body.file.gateway_file_reference);
    expect(s.stripe.state.retrieveFile(sent.body.file.gateway_file_reference)).toMatchObject({
      purpose: 'dispute_evidence',
      size: PDF.length,
      filename: 'Receipt _1042 _signed.pdf',
    });
    const listed = await call('GET', `/v1/disputes/${id}/files`);
    expect(listed.body.data.map((f: { id: string }) => f.id)).toEqual([sent.body.file.id]);
    const answered = await call('POST', `/v1/disputes/${id}/evidence`, { text: 'winning_evidence' });
    expect(answered.body.status).toBe('under_review');
    expect(s.stripe.state.retrieveDispute(stripeDisputeId).evidence['receipt']).toBe(
      sent.body.file.gateway_file_reference,
    );
    await disputeOf(payment.id, 'won');
    const audit = await s.api.app
      .get(AuditService)
      .list({ action: 'dispute.evidence_file_uploaded', resourceId: id });
    expect(audit.items[0]).toMatchObject({ resourceType: 'dispute', resourceId: id, actorType: 'api_key' });
    const timeline = await call('GET', `/v1/payments/${payment.id}/events`);
    expect(JSON.stringify(timeline.body)).toContain(sent.body.file.id);
  }, 60_000);

  it('Square: a file becomes dispute evidence through CreateDisputeEvidenceFile, then the text submits it', async () => {
    const paid = await call('POST', '/v1/payments', {
      amount: 3900,
      currency: 'usd',
      gateway: 'square',
      payment_method: { token: s.square.issueNonce() },
    });
    const squareRef = s.square.openDispute(paid.body.gateway_reference, 'NOT_RECEIVED');
    const disputed = await disputeOf(paid.body.id, 'needs_response');
    const sent = await upload(
      `/v1/disputes/${disputed.dispute.id}/files`,
      { data: PNG, name: 'delivery photo.png', type: 'image/png' },
      { category: 'shipping' },
    );
    expect(sent.status).toBe(201);
    expect(sent.body.dispute.status).toBe('needs_response');
    const res = await fetch(`${s.square.url}/v2/disputes/${squareRef}/evidence`, {
      headers: { authorization: `Bearer ${SQUARE_SANDBOX_DEFAULTS.accessToken}` },
    });
    const { evidence } = (await res.json()) as { evidence: any[] };
    expect(evidence).toEqual([
      expect.objectContaining({
        id: sent.body.file.gateway_file_reference,
        evidence_type: 'PROOF_OF_DELIVERY_DOCUMENTATION',
        evidence_file: { filename: 'delivery photo.png', filetype: 'image/png' },
      }),
    ]);
    const answered = await call('POST', `/v1/disputes/${disputed.dispute.id}/evidence`, {
      text: 'Photo of the parcel at the door attached.',
    });
    expect(answered.body).toMatchObject({ status: 'under_review', gateway_status: 'PROCESSING' });
    s.square.resolveDispute(squareRef, 'WON');
    expect((await disputeOf(paid.body.id, 'won')).amount_net).toBe(3900);
  }, 60_000);

  it('PayPal: a file is a document on provide-evidence, and the dispute goes under review at once', async () => {
    const paid = await call('POST', '/v1/payments', {
      amount: 2100,
      currency: 'usd',
      gateway: 'paypal',
      payment_method: { card: { number: '4111111111111111', exp_month: 12, exp_year: 2035, cvc: '123' } },
    });
    const capture = [...s.paypal.store.captures.values()].find(
      (c) => c.authorizationId === paid.body.gateway_reference,
    );
    const paypalRef = s.paypal.openDispute(String(capture?.id), 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED');
    const disputed = await disputeOf(paid.body.id, 'needs_response');
    const sent = await upload(
      `/v1/disputes/${disputed.dispute.id}/files`,
      { data: PDF, name: 'proof_of_delivery.pdf', type: 'application/pdf' },
      { category: 'receipt' },
    );
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({
      file: { gateway_file_reference: 'proof_of_delivery.pdf' },
      dispute: { status: 'under_review', gateway_status: 'UNDER_REVIEW' },
    });
    expect(s.paypal.store.disputes.get(paypalRef)?.evidences[0]).toMatchObject({
      evidence_type: 'PROOF_OF_RECEIPT_COPY',
      documents: [{ name: 'proof_of_delivery.pdf' }],
    });
    const again = await upload(`/v1/disputes/${disputed.dispute.id}/files`, {
      data: PDF,
      name: 'more.pdf',
      type: 'application/pdf',
    });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'dispute_not_open' } } });
    s.paypal.resolveDispute(paypalRef, 'LOST');
    expect((await disputeOf(paid.body.id, 'lost')).amount_net).toBe(0);
  }, 60_000);

  it('refuses with a 4xx that names the problem: type, size, no file, closed, unknown', async () => {
    const { id } = await stripeDispute();
    const text = await upload(`/v1/disputes/${id}/files`, {
      data: Buffer.from('hello'),
      name: 'notes.txt',
      type: 'text/plain',
    });
    expect(text).toMatchObject({
      status: 415,
      body: { error: { code: 'evidence_file_type_unsupported', param: 'file' } },
    });
    const disguised = await upload(`/v1/disputes/${id}/files`, {
      data: PNG,
      name: 'scan.pdf',
      type: 'application/pdf',
    });
    expect(disguised.body.error).toMatchObject({ code: 'evidence_file_type_mismatch' });
    expect(disguised.body.error.message).toContain('image/png');
    const big = await upload(`/v1/disputes/${id}/files`, {
      data: Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024)]),
      name: 'big.pdf',
      type: 'application/pdf',
    });
    expect(big).toMatchObject({ status: 413, body: { error: { code: 'evidence_file_too_large' } } });
    expect(big.body.error.message).toContain('5 MB');
    const none = await upload(`/v1/disputes/${id}/files`, undefined, { category: 'receipt' });
    expect(none).toMatchObject({
      status: 400,
      body: { error: { code: 'parameter_missing', param: 'file' } },
    });
    const category = await upload(
      `/v1/disputes/${id}/files`,
      { data: PDF, name: 'a.pdf', type: 'application/pdf' },
      { category: 'photos' },
    );
    expect(category).toMatchObject({ status: 400, body: { error: { param: 'category' } } });
    const json = await call('POST', `/v1/disputes/${id}/files`, { file: 'x' });
    expect(json).toMatchObject({ status: 415, body: { error: { code: 'multipart_required' } } });
    expect(
      (await upload('/v1/disputes/dsp_nope/files', { data: PDF, name: 'a.pdf', type: 'application/pdf' }))
        .status,
    ).toBe(404);
    await call('POST', `/v1/disputes/${id}/evidence`, { text: 'answered' });
    const closed = await upload(`/v1/disputes/${id}/files`, {
      data: PDF,
      name: 'late.pdf',
      type: 'application/pdf',
    });
    expect(closed).toMatchObject({ status: 409, body: { error: { code: 'dispute_not_open' } } });
    expect((await call('GET', `/v1/disputes/${id}/files`)).body.data).toEqual([]);
  }, 60_000);

  it('refuses a file that would take a dispute over the 4.5 MB the gateways take together', async () => {
    const { id } = await stripeDispute();
    const threeMb = Buffer.concat([PDF, Buffer.alloc(3 * 1024 * 1024)]);
    const first = await upload(
      `/v1/disputes/${id}/files`,
      { data: threeMb, name: 'receipt.pdf', type: 'application/pdf' },
      { category: 'receipt' },
    );
    expect(first.status).toBe(201);
    const second = await upload(
      `/v1/disputes/${id}/files`,
      { data: threeMb, name: 'shipping.pdf', type: 'application/pdf' },
      { category: 'shipping' },
    );
    expect(second).toMatchObject({ status: 413, body: { error: { code: 'evidence_files_too_large' } } });
    expect(second.body.error.message).toContain('4.5 MB');
    expect((await call('GET', `/v1/disputes/${id}/files`)).body.data).toHaveLength(1);
    const answered = await call('POST', `/v1/disputes/${id}/evidence`, { text: 'see the receipt' });
    expect(answered.body.status).toBe('under_review');
  }, 60_000);

  it('refuses a file once the evidence deadline has passed', async () => {
    const { id } = await stripeDispute();
    const { DataSource } = await import('typeorm');
    await s.api.app
      .get(DataSource)
      .query(
        s.api.database.kind === 'postgres'
          ? `UPDATE disputes SET evidence_due_by = now() - interval '1 day' WHERE id = $1`
          : `UPDATE disputes SET evidence_due_by = datetime('now', '-1 day') WHERE id = ?`,
        [id],
      );
    const late = await upload(`/v1/disputes/${id}/files`, {
      data: PDF,
      name: 'late.pdf',
      type: 'application/pdf',
    });
    expect(late).toMatchObject({ status: 409, body: { error: { code: 'dispute_evidence_past_due' } } });
  }, 60_000);

  it('console: finance uploads on the dispute and submits; support may only look', async () => {
    const { id } = await stripeDispute();
    const detail = await support.request('GET', `/admin/disputes/${id}`);
    expect(detail.body).toMatchObject({
      dispute: { id, status: 'needs_response' },
      files: [],
      accepts_files: true,
    });
    const refused = await upload(
      `/admin/disputes/${id}/files`,
      { data: PNG, name: 'label.png', type: 'image/png' },
      {},
      support,
    );
    expect(refused.status).toBe(403);
    const sent = await upload(
      `/admin/disputes/${id}/files`,
      { data: PNG, name: 'label.png', type: 'image/png' },
      { category: 'shipping' },
      finance,
    );
    expect(sent.status).toBe(201);
    expect(sent.body.file).toMatchObject({ content_type: 'image/png', category: 'shipping' });
    const after = await finance.request('GET', `/admin/disputes/${id}`);
    expect(after.body.files.map((f: { id: string }) => f.id)).toEqual([sent.body.file.id]);
    const answered = await finance.request('POST', `/admin/disputes/${id}/evidence`, {
      text: 'Tracking attached.',
    });
    expect(answered).toMatchObject({ status: 200, body: { status: 'under_review' } });
    const audit = await s.api.app
      .get(AuditService)
      .list({ action: 'dispute.evidence_file_uploaded', resourceId: id });
    expect(audit.items[0]).toMatchObject({ actorType: 'user' });
  }, 60_000);
});
