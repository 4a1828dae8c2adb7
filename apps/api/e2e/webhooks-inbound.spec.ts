import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { AuditService } from '@payrail/audit';
import { ConnectionService } from '@payrail/gateways';
import { JobQueue } from '@payrail/jobs';
import { WebhookIntakeService } from '@payrail/payments';
import { OutboxEvent } from '@payrail/webhooks';
import { adminSession, type AdminRequest } from './admin-session';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

let api: TestApi;
let admin: AdminRequest;

beforeAll(async () => {
  api = await startTestApi({ memory: true, env: { PAYRAIL_JOB_POLL_MS: '50' } });
  admin = (await adminSession(api, [{ role: 'owner', merchantId: null }])).request;
}, 60_000);

afterAll(async () => {
  await api?.close();
});

const test = (name: string, fn: (api: TestApi) => Promise<void>) => it(name, async () => fn(api), 30_000);

const authorized = async (api: TestApi) => {
  const created = await api.request('POST', '/v1/payments', {
    amount: 2500,
    currency: 'usd',
    capture_method: 'manual',
    payment_method: { token: 'tok_ok' },
  });
  expect(created.status).toBe(201);
  return created.body as { id: string; gateway_reference: string; connection_id: string };
};

/** Moves the payment at the in-memory gateway as if it had been captured there (e.g. from the gateway's dashboard). */
const captureAtGateway = (api: TestApi, reference: string) => {
  const stored = api.memory!.payments.get(reference)!;
  stored.captures.push({
    reference: `memcap_${reference}`,
    amount: stored.amountCapturable,
    attemptId: 'att_outside',
  });
  stored.amountCaptured = stored.amountCapturable;
  stored.amountCapturable = 0;
  stored.status = 'captured';
};

const deliver = async (
  api: TestApi,
  event: { id: string; type: string; reference: string },
  secret = 'memory-webhook-secret',
) => {
  const body = JSON.stringify({ ...event, created: Math.floor(Date.now() / 1000) });
  const response = await fetch(`${api.url}/webhooks/${api.memoryConnectionId}`, {
    method: 'POST',
    headers: api.memory!.signWebhook(secret, body),
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

const settle = (api: TestApi) => api.app.get(JobQueue).drain({ timeoutMs: 15_000 });

describeDb(`inbound webhooks through the inbox ${dbLabel}`, () => {
  test('5 concurrent deliveries of one event are stored once and change the payment once', async (api) => {
    const payment = await authorized(api);
    captureAtGateway(api, payment.gateway_reference);
    const event = {
      id: `evt_dup_${payment.id}`,
      type: 'payment.captured',
      reference: payment.gateway_reference,
    };
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliver(api, event)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.reduce((n, a) => n + a.body['duplicates'], 0)).toBe(4);
    await settle(api);

    const after = await api.request('GET', `/v1/payments/${payment.id}`);
    expect(after.body.status).toBe('captured');
    const timeline = (await api.request('GET', `/v1/payments/${payment.id}/events`)).body.data as Array<{
      type: string;
      to_status: string | null;
    }>;
    expect(timeline.filter((e) => e.type === 'webhook')).toHaveLength(1);
    expect(timeline.filter((e) => e.type === 'status_changed' && e.to_status === 'captured')).toHaveLength(1);
    const outbox = await api.app
      .get<DataSource>(getDataSourceToken())
      .getRepository(OutboxEvent)
      .findBy({ resourceId: payment.id, type: 'payment.captured' });
    expect(outbox).toHaveLength(1);

    const inbox = await admin('GET', `/admin/webhooks/inbox?payment_reference=${payment.gateway_reference}`);
    expect(inbox.status).toBe(200);
    expect(inbox.body.data).toHaveLength(1);
    expect(inbox.body.data[0]).toMatchObject({
      state: 'applied',
      gateway_event_id: event.id,
      effect: {
        outcome: 'applied',
        payment_id: payment.id,
        from_status: 'authorized',
        to_status: 'captured',
      },
    });
  });

  test('an older event arriving after a newer one never moves the payment backwards', async (api) => {
    const payment = await authorized(api);
    captureAtGateway(api, payment.gateway_reference);
    expect(
      (
        await deliver(api, {
          id: `evt_new_${payment.id}`,
          type: 'payment.captured',
          reference: payment.gateway_reference,
        })
      ).status,
    ).toBe(200);
    await settle(api);
    // The authorization's event, late: it carries the gateway's state as it was then.
    const stored = api.memory!.payments.get(payment.gateway_reference)!;
    const now = structuredClone(stored);
    Object.assign(stored, { status: 'authorized', amountCapturable: 2500, amountCaptured: 0, captures: [] });
    try {
      expect(
        (
          await deliver(api, {
            id: `evt_old_${payment.id}`,
            type: 'payment.authorized',
            reference: payment.gateway_reference,
          })
        ).status,
      ).toBe(200);
    } finally {
      Object.assign(stored, now);
    }
    // Plainly stale, it was decided on receipt, in the commit that stored it: no job to wait for.
    const onReceipt = await admin('GET', `/admin/webhooks/inbox?gateway_event_id=evt_old_${payment.id}`);
    expect(onReceipt.body.data[0]).toMatchObject({ state: 'ignored' });
    await settle(api);
    const after = await api.request('GET', `/v1/payments/${payment.id}`);
    expect(after.body.status).toBe('captured');
    expect(after.body.amount_captured).toBe(2500);
    const old = await admin('GET', `/admin/webhooks/inbox?gateway_event_id=evt_old_${payment.id}`);
    expect(old.body.data[0]).toMatchObject({
      state: 'ignored',
      effect: { outcome: 'ignored', from_status: 'captured', to_status: 'captured' },
    });
  });

  test('an event without the payment’s state asks the gateway only when it could change the payment', async (api) => {
    const record = (await api.app.get(ConnectionService).findById(api.memoryConnectionId!))!;
    const intake = api.app.get(WebhookIntakeService);
    const syncs = () => api.memory!.received['sync'] ?? 0;
    const prompt = (id: string, reference: string) => ({
      id,
      type: 'payment.captured' as const,
      gatewayType: 'payment.captured',
      reference,
      occurredAt: new Date(),
    });
    // Captured at the gateway while Payrail holds it authorized: the gateway is asked, the payment moves.
    const payment = await authorized(api);
    captureAtGateway(api, payment.gateway_reference);
    const before = syncs();
    const moved = await intake.apply(record, prompt(`evt_prompt1_${payment.id}`, payment.gateway_reference));
    expect(moved).toMatchObject({ outcome: 'applied', fromStatus: 'authorized', toStatus: 'captured' });
    expect(syncs()).toBe(before + 1);
    // The same announcement again: the payment is already captured, so no call is made.
    const again = await intake.apply(record, prompt(`evt_prompt2_${payment.id}`, payment.gateway_reference));
    expect(again).toMatchObject({ outcome: 'ignored', fromStatus: 'captured', toStatus: 'captured' });
    expect(again.message).toContain('the payment is already captured');
    expect(syncs()).toBe(before + 1);
    const timeline = await api.request('GET', `/v1/payments/${payment.id}/events`);
    expect(
      timeline.body.data
        .filter((e: { type: string }) => e.type === 'webhook')
        .map((e: { outcome: string }) => e.outcome),
    ).toEqual(['applied', 'ignored']);
  });

  test('a forged or stale signature gets 400, an audit entry and a metric, and nothing is stored', async (api) => {
    const payment = await authorized(api);
    const forged = await deliver(
      api,
      { id: `evt_forged_${payment.id}`, type: 'payment.captured', reference: payment.gateway_reference },
      'not-the-secret',
    );
    expect(forged.status).toBe(400);
    expect(forged.body['error']).toMatchObject({ code: 'webhook_signature_invalid', param: 'signature' });
    const body = JSON.stringify({
      id: `evt_stale_${payment.id}`,
      type: 'payment.captured',
      reference: payment.gateway_reference,
      created: 0,
    });
    const stale = await fetch(`${api.url}/webhooks/${api.memoryConnectionId}`, {
      method: 'POST',
      headers: api.memory!.signWebhook('memory-webhook-secret', body, Math.floor(Date.now() / 1000) - 3600),
      body,
    });
    expect(stale.status).toBe(400);

    const audit = await api.app
      .get(AuditService)
      .list({ action: 'webhook.signature_rejected', resourceId: api.memoryConnectionId });
    expect(audit.items.length).toBeGreaterThanOrEqual(2);
    expect(audit.items[0]).toMatchObject({ outcome: 'failure', resourceType: 'connection' });
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/payrail_webhook_signature_failures_total\{gateway="memory"\} [2-9]/);
    const inbox = await admin('GET', `/admin/webhooks/inbox?payment_reference=${payment.gateway_reference}`);
    expect(inbox.body.data).toHaveLength(0);
  });

  test('an admin sees an event with its raw body and effect, and replays it without moving the payment twice', async (api) => {
    const payment = await authorized(api);
    captureAtGateway(api, payment.gateway_reference);
    await deliver(api, {
      id: `evt_replay_${payment.id}`,
      type: 'payment.captured',
      reference: payment.gateway_reference,
    });
    await settle(api);
    const [row] = (await admin('GET', `/admin/webhooks/inbox?gateway_event_id=evt_replay_${payment.id}`)).body
      .data;
    const detail = await admin('GET', `/admin/webhooks/inbox/${row.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.raw_body).toContain(`evt_replay_${payment.id}`);
    expect(detail.body.headers['x-memory-signature']).toMatch(/^t=\d+,v1=/);
    const replayed = await admin('POST', `/admin/webhooks/inbox/${row.id}/replay`);
    expect(replayed.status).toBe(202);
    expect(replayed.body).toMatchObject({ state: 'received', replays: 1 });
    expect(
      (await api.app.get(AuditService).list({ action: 'webhook_inbox.replayed', resourceId: row.id })).items,
    ).toHaveLength(1);
    await settle(api);
    const again = await admin('GET', `/admin/webhooks/inbox/${row.id}`);
    expect(again.body).toMatchObject({ state: 'ignored', replays: 1 });
    const timeline = (await api.request('GET', `/v1/payments/${payment.id}/events`)).body.data as Array<{
      type: string;
      to_status: string | null;
    }>;
    expect(timeline.filter((e) => e.type === 'status_changed' && e.to_status === 'captured')).toHaveLength(1);
    expect((await admin('GET', '/admin/webhooks/inbox/whin_missing')).status).toBe(404);
    expect((await admin('GET', '/admin/webhooks/inbox?state=bogus')).status).toBe(400);
  });

  test('the inbox and replay need a console session with the right policy', async (api) => {
    const anonymous = await fetch(`${api.url}/admin/webhooks/inbox`);
    expect([401, 403]).toContain(anonymous.status);
    const support = (await adminSession(api, [{ role: 'support', merchantId: api.merchantId }])).request;
    const [row] = (await admin('GET', '/admin/webhooks/inbox?limit=1')).body.data;
    expect((await support('POST', `/admin/webhooks/inbox/${row.id}/replay`)).status).toBe(403);
  });
});
