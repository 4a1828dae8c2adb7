import { OutboxService } from '@payrail/webhooks';
import { dbLabel, describeDb } from './harness';
import { startSandboxedApi, type SandboxedApi } from './sandboxes';

let s: SandboxedApi;

beforeAll(async () => {
  s = await startSandboxedApi();
}, 90_000);

afterAll(async () => {
  await s?.close();
});

const call = (method: string, path: string, body?: unknown) => s.api.request(method, path, body);

/** Polls the payment until its dispute reaches `status` (webhooks arrive in the background). */
async function disputeOf(paymentId: string, status: string): Promise<any> {
  for (let i = 0; i < 150; i++) {
    const payment = (await call('GET', `/v1/payments/${paymentId}`)).body;
    if (payment.dispute?.status === status) return payment;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`payment ${paymentId} never got a ${status} dispute`);
}

async function outboundTypes(disputeId: string): Promise<string[]> {
  const events = await s.api.app.get(OutboxService).listEvents('all', 200);
  return events.filter((e) => e.resourceId === disputeId).map((e) => e.type);
}

describeDb(`disputes ${dbLabel}`, () => {
  it('Stripe: a dispute test card opens a dispute by webhook, evidence wins it, the money stays', async () => {
    const paid = await call('POST', '/v1/payments', {
      amount: 3000,
      currency: 'usd',
      gateway: 'stripe',
      payment_method: { token: 'pm_card_createDispute' },
    });
    expect(paid.body.status).toBe('captured');
    const disputed = await disputeOf(paid.body.id, 'needs_response');
    expect(disputed).toMatchObject({
      status: 'captured',
      disputed: true,
      dispute: { amount: 3000, currency: 'usd', reason: 'fraudulent' },
    });
    expect(disputed.dispute.evidence_due_by).toEqual(expect.any(String));
    const id = disputed.dispute.id;
    const listed = await call('GET', '/v1/disputes?status=needs_response');
    expect(listed.body.data.map((d: { id: string }) => d.id)).toContain(id);
    const answered = await call('POST', `/v1/disputes/${id}/evidence`, {
      text: 'winning_evidence: signed delivery',
    });
    expect(answered.status).toBe(200);
    expect(answered.body.status).toBe('under_review');
    const won = await disputeOf(paid.body.id, 'won');
    expect(won.amount_net).toBe(3000);
    expect(await outboundTypes(id)).toEqual(
      expect.arrayContaining(['dispute.created', 'dispute.updated', 'dispute.closed']),
    );
    const again = await call('POST', `/v1/disputes/${id}/evidence`, { text: 'more' });
    expect(again.status).toBe(409);
  }, 60_000);

  it('Stripe: a lost dispute comes off the net amount', async () => {
    const paid = await call('POST', '/v1/payments', {
      amount: 2000,
      currency: 'usd',
      gateway: 'stripe',
      payment_method: { token: 'pm_card_createDisputeProductNotReceived' },
    });
    const disputed = await disputeOf(paid.body.id, 'needs_response');
    await call('POST', `/v1/disputes/${disputed.dispute.id}/evidence`, { text: 'losing_evidence' });
    const lost = await disputeOf(paid.body.id, 'lost');
    expect(lost).toMatchObject({ status: 'captured', amount_captured: 2000, amount_net: 0 });
    const report = await call('GET', '/v1/reports/summary?group_by=currency&gateway=stripe');
    expect(report.body.data[0]).toMatchObject({
      currency: 'usd',
      disputes_lost_count: 1,
      disputes_lost_amount: 2000,
    });
  }, 60_000);

  it('Square: a dispute opened in the sandbox reaches Payrail, takes evidence and ends lost', async () => {
    const paid = await call('POST', '/v1/payments', {
      amount: 4500,
      currency: 'usd',
      gateway: 'square',
      payment_method: { token: s.square.issueNonce() },
    });
    expect(paid.body.status).toBe('captured');
    const disputeRef = s.square.openDispute(paid.body.gateway_reference, 'NOT_AS_DESCRIBED');
    const disputed = await disputeOf(paid.body.id, 'needs_response');
    expect(disputed.dispute).toMatchObject({ amount: 4500, reason: 'NOT_AS_DESCRIBED' });
    const answered = await call('POST', `/v1/disputes/${disputed.dispute.id}/evidence`, {
      text: 'Delivered on 2026-11-20 to the billing address.',
    });
    expect(answered.body).toMatchObject({ status: 'under_review', gateway_status: 'PROCESSING' });
    s.square.resolveDispute(disputeRef, 'LOST');
    const lost = await disputeOf(paid.body.id, 'lost');
    expect(lost.amount_net).toBe(0);
    expect(await outboundTypes(disputed.dispute.id)).toEqual(
      expect.arrayContaining(['dispute.created', 'dispute.updated', 'dispute.closed']),
    );
  }, 60_000);

  it('PayPal: a dispute opened in the sandbox reaches Payrail by webhook and is resolved for the seller', async () => {
    const paid = await call('POST', '/v1/payments', {
      amount: 1800,
      currency: 'usd',
      gateway: 'paypal',
      payment_method: { card: { number: '4111111111111111', exp_month: 12, exp_year: 2035, cvc: '123' } },
    });
    expect(paid.body.status).toBe('captured');
    const capture = [...s.paypal.store.captures.values()].find(
      (c) => c.authorizationId === paid.body.gateway_reference,
    );
    const disputeRef = s.paypal.openDispute(String(capture?.id), 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED');
    const disputed = await disputeOf(paid.body.id, 'needs_response');
    expect(disputed.dispute).toMatchObject({ amount: 1800, reason: 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED' });
    const answered = await call('POST', `/v1/disputes/${disputed.dispute.id}/evidence`, {
      text: 'Shipped 2026-11-20, tracking 1Z999 delivered.',
    });
    expect(answered.body).toMatchObject({ status: 'under_review', gateway_status: 'UNDER_REVIEW' });
    expect(s.paypal.store.disputes.get(disputeRef)?.evidences[0]?.notes).toContain('tracking 1Z999');
    s.paypal.resolveDispute(disputeRef, 'WON');
    const won = await disputeOf(paid.body.id, 'won');
    expect(won.amount_net).toBe(1800);
    expect(await outboundTypes(disputed.dispute.id)).toEqual(
      expect.arrayContaining(['dispute.created', 'dispute.closed']),
    );
  }, 60_000);

  it('refuses evidence that is empty, and an unknown dispute', async () => {
    expect((await call('POST', '/v1/disputes/dsp_nope/evidence', { text: 'x' })).status).toBe(404);
    const list = await call('GET', '/v1/disputes?status=open');
    expect(list.status).toBe(400);
  });
});
