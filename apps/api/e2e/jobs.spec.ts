import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { AuditService } from '@payrail/audit';
import { ConnectionService, GatewayConnectionRecord } from '@payrail/gateways';
import { JobQueue } from '@payrail/jobs';
import { PaymentAttempt } from '@payrail/payments';
import { IN_MEMORY_TIMEOUT_TOKEN } from '@payrail/plugin-sdk/testing';
import { OutboxEvent } from '@payrail/webhooks';
import { describeWithDatabaseAndRedis } from '@payrail/testing';
import { adminSession, type AdminRequest } from './admin-session';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

const until = async <T>(probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
};

let api: TestApi;
let admin: AdminRequest;

beforeAll(async () => {
  api = await startTestApi({
    memory: true,
    env: { PAYRAIL_JOB_POLL_MS: '50', PAYRAIL_RECOVERY_INTERVAL_MS: '200' },
  });
  admin = (await adminSession(api, [{ role: 'owner', merchantId: null }])).request;
}, 60_000);

afterAll(async () => {
  await api?.close();
});

const test = (name: string, fn: (api: TestApi) => Promise<void>) => it(name, async () => fn(api), 30_000);

describeDb(`jobs: admin view and the recovery schedule ${dbLabel}`, () => {
  test('lists the queues, shows a dead job, and retries it by hand', async (api) => {
    const jobs = api.app.get(JobQueue);
    let healthy = false;
    jobs.define(
      'spec.reconcile',
      async () => {
        if (!healthy) throw new Error('the report is not ready');
      },
      { maxAttempts: 1 },
    );
    const id = await jobs.enqueue('spec.reconcile', { day: '2026-11-29' });
    await until(async () => (await jobs.get(id))?.state === 'dead');

    const queues = await admin('GET', '/admin/jobs/queues');
    expect(queues.status).toBe(200);
    expect(queues.body.backend).toBe('database');
    expect(queues.body.data.map((q: { queue: string }) => q.queue)).toEqual(
      expect.arrayContaining([
        'payments.recovery',
        'audit.retention',
        'webhooks.deliver',
        'webhooks.inbound',
        'spec.reconcile',
      ]),
    );
    expect(queues.body.data.find((q: { queue: string }) => q.queue === 'spec.reconcile')).toMatchObject({
      dead: 1,
    });
    const dead = await admin('GET', '/admin/jobs?state=dead&queue=spec.reconcile');
    expect(dead.body.data).toEqual([
      expect.objectContaining({
        id,
        state: 'dead',
        attempts: 1,
        last_error: 'the report is not ready',
        payload: { day: '2026-11-29' },
      }),
    ]);

    healthy = true;
    const retried = await admin('POST', `/admin/jobs/${id}/retry`);
    expect(retried.status).toBe(202);
    expect(
      (await api.app.get(AuditService).list({ action: 'job.retried', resourceId: id })).items,
    ).toHaveLength(1);
    await until(async () => (await admin('GET', `/admin/jobs/${id}`)).body.state === 'completed');
    expect((await admin('POST', `/admin/jobs/${id}/retry`)).status).toBe(409);
    expect((await admin('POST', '/admin/jobs/job_missing/retry')).status).toBe(404);
    const bad = await admin('GET', '/admin/jobs?state=stuck');
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('state');
  });

  test('a support user may look at jobs but not retry them', async (api) => {
    const support = (await adminSession(api, [{ role: 'support', merchantId: api.merchantId }])).request;
    const [job] = (await admin('GET', '/admin/jobs?limit=1')).body.data;
    expect((await support('POST', `/admin/jobs/${job.id}/retry`)).status).toBe(403);
  });

  test('the scheduled recovery job settles a payment left unknown once its next try is due', async (api) => {
    const created = await api.request('POST', '/v1/payments', {
      amount: 1700,
      currency: 'usd',
      capture_method: 'manual',
      payment_method: { token: IN_MEMORY_TIMEOUT_TOKEN },
    });
    expect(created.body.status).toBe('unknown');
    const dataSource = api.app.get<DataSource>(getDataSourceToken());
    // As if the first recovery delay had passed.
    await dataSource
      .getRepository(PaymentAttempt)
      .update(
        { paymentId: created.body.id, status: 'unknown' },
        { nextRecoveryAt: new Date(Date.now() - 1000) },
      );
    const settled = await until(async () => {
      const payment = await api.request('GET', `/v1/payments/${created.body.id}`);
      return payment.body.status === 'authorized' && payment.body;
    });
    expect(settled.amount_capturable).toBe(1700);
    const runs = await admin('GET', '/admin/jobs?queue=payments.recovery&state=completed');
    expect(runs.body.data.length).toBeGreaterThan(0);
  });

  test('when the schedule runs out the payment is flagged for review and an alert event is raised', async (api) => {
    const connections = api.app.get(ConnectionService);
    const doomed = await connections.create({
      merchantId: api.merchantId,
      gateway: 'memory',
      mode: 'test',
      values: { apiKey: 'mem_test_doomed', webhookSecret: 'memory-webhook-secret' },
    });
    const created = await api.request('POST', '/v1/payments', {
      amount: 1800,
      currency: 'usd',
      capture_method: 'manual',
      connection_id: doomed.id,
      payment_method: { token: IN_MEMORY_TIMEOUT_TOKEN },
    });
    expect(created.body.status).toBe('unknown');
    const dataSource = api.app.get<DataSource>(getDataSourceToken());
    await dataSource.getRepository(GatewayConnectionRecord).delete({ id: doomed.id });
    // Every scheduled try used up but the last.
    await dataSource
      .getRepository(PaymentAttempt)
      .update(
        { paymentId: created.body.id, status: 'unknown' },
        { recoveryTries: 4, nextRecoveryAt: new Date(Date.now() - 1000) },
      );
    const flagged = await until(async () => {
      const payment = await api.request('GET', `/v1/payments/${created.body.id}`);
      return payment.body.needs_review === true && payment.body;
    });
    expect(flagged.status).toBe('unknown');
    // Later sweeps leave it to a person: one flag, one alert.
    await new Promise((r) => setTimeout(r, 600));
    const alerts = await dataSource
      .getRepository(OutboxEvent)
      .findBy({ resourceId: created.body.id, type: 'payment.review_required' });
    expect(alerts).toHaveLength(1);
    expect(String(alerts[0].data['reason'])).toMatch(/connection no longer exists/);
    expect(api.logs.join('')).toMatch(/ALERT payment .* flagged for review/);
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/payrail_payments_flagged_for_review_total\{gateway="memory"\} 1/);
    expect(metrics).toMatch(/payrail_jobs\{queue="webhooks.inbound",state="dead"\} 0/);
  });
});

describeWithDatabaseAndRedis()(`the API on the BullMQ job queue ${dbLabel}`, () => {
  it('applies a webhook delivered 5 times once, with jobs in Redis', async () => {
    const redisUrl = process.env['REDIS_URL_TEST'] as string;
    const bull = await startTestApi({
      memory: true,
      env: { REDIS_URL: redisUrl, PAYRAIL_QUEUE_PREFIX: `payrail-e2e-${randomBytes(4).toString('hex')}` },
    });
    try {
      const created = await bull.request('POST', '/v1/payments', {
        amount: 2600,
        currency: 'usd',
        capture_method: 'manual',
        payment_method: { token: 'tok_ok' },
      });
      const stored = bull.memory!.payments.get(created.body.gateway_reference)!;
      Object.assign(stored, {
        status: 'captured',
        amountCaptured: 2600,
        amountCapturable: 0,
        captures: [{ reference: 'memcap_x', amount: 2600, attemptId: 'att_outside' }],
      });
      const body = JSON.stringify({
        id: `evt_bull_${created.body.id}`,
        type: 'payment.captured',
        reference: created.body.gateway_reference,
        created: Math.floor(Date.now() / 1000),
      });
      const answers = await Promise.all(
        Array.from({ length: 5 }, () =>
          fetch(`${bull.url}/webhooks/${bull.memoryConnectionId}`, {
            method: 'POST',
            headers: bull.memory!.signWebhook('memory-webhook-secret', body),
            body,
          }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      const captured = await until(async () => {
        const payment = await bull.request('GET', `/v1/payments/${created.body.id}`);
        return payment.body.status === 'captured' && payment.body;
      });
      expect(captured.amount_captured).toBe(2600);
      const timeline = (await bull.request('GET', `/v1/payments/${created.body.id}/events`)).body
        .data as Array<{ type: string }>;
      expect(timeline.filter((e) => e.type === 'webhook')).toHaveLength(1);
      const bullAdmin = (await adminSession(bull, [{ role: 'owner', merchantId: null }])).request;
      const queues = await bullAdmin('GET', '/admin/jobs/queues');
      expect(queues.body.backend).toBe('bullmq');
      expect(
        queues.body.data.find((q: { queue: string }) => q.queue === 'webhooks.inbound').completed,
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await bull.close();
    }
  }, 60_000);
});
