import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { AuditService } from '@payrail/audit';
import { PaymentsService } from '@payrail/payments';
import { provisionTestDatabase } from '@payrail/testing';
import { OutboxEvent, verifySignature } from '@payrail/webhooks';
import { adminSession, type AdminRequest } from './admin-session';
import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A merchant's webhook receiver on loopback; `status` is what it answers. */
async function startReceiver(): Promise<{
  url: string;
  received: Received[];
  status: number;
  close(): Promise<void>;
}> {
  const state = { status: 200, received: [] as Received[] };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      state.received.push({ headers: req.headers, body });
      res.writeHead(state.status, { 'content-type': 'text/plain' });
      res.end(state.status < 300 ? 'ok' : 'not now');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

const until = async <T>(probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
};

const TEST_ENV = {
  PAYRAIL_JOB_POLL_MS: '50',
  PAYRAIL_WEBHOOK_ALLOW_HTTP_LOOPBACK: 'on',
  PAYRAIL_WEBHOOK_RETRY_SCHEDULE_MS: '100,200',
};
const paymentBody = (amount: number) => ({
  amount,
  currency: 'usd',
  capture_method: 'automatic',
  payment_method: { token: 'tok_ok' },
});

let api: TestApi;
let admin: AdminRequest;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
  api = await startTestApi({ memory: true, env: TEST_ENV });
  admin = (await adminSession(api, [{ role: 'owner', merchantId: null }])).request;
}, 60_000);

afterAll(async () => {
  await api?.close();
  await receiver.close();
});

const test = (name: string, fn: (api: TestApi) => Promise<void>) => it(name, async () => fn(api), 40_000);

describeDb(`outbound webhooks to merchants ${dbLabel}`, () => {
  let endpoint: { id: string; secret: string };

  test('registers an endpoint and shows its signing secret once', async (api) => {
    const created = await api.request('POST', '/v1/webhook_endpoints', {
      url: `${receiver.url}/payrail`,
      event_types: ['payment.captured', 'refund.succeeded'],
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    endpoint = created.body;
    const shown = await api.request('GET', `/v1/webhook_endpoints/${endpoint.id}`);
    expect(shown.body.secret).toBeUndefined();
    expect(shown.body.secret_hint).toBe(`…${endpoint.secret.slice(-4)}`);
    const audit = await api.app
      .get(AuditService)
      .list({ action: 'webhook_endpoint.created', resourceId: endpoint.id });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({ actorType: 'api_key', merchantId: api.merchantId });
    expect(JSON.stringify(audit.items[0])).not.toContain(endpoint.secret);
  });

  it.each([
    ['https://10.0.0.1/hook', 'url', /private/],
    ['https://169.254.169.254/latest/meta-data', 'url', /metadata/],
    ['https://[::ffff:192.168.0.1]/hook', 'url', /private/],
    ['ftp://example.com/hook', 'url', /https/],
  ])('refuses to register %s, naming the parameter', async (url, param, message) => {
    const refused = await api.request('POST', '/v1/webhook_endpoints', { url, event_types: ['*'] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.param).toBe(param);
    expect(refused.body.error.message).toMatch(message);
  });

  test('refuses an unknown event type, naming event_types', async (api) => {
    const refused = await api.request('POST', '/v1/webhook_endpoints', {
      url: `${receiver.url}/x`,
      event_types: ['payment.exploded'],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.param).toBe('event_types');
  });

  test('delivers each subscribed change once, signed, with an event id', async (api) => {
    const before = receiver.received.length;
    const payment = await api.request('POST', '/v1/payments', paymentBody(3100));
    expect(payment.body.status).toBe('captured');
    const got = await until(async () =>
      receiver.received.slice(before).find((r) => JSON.parse(r.body).data.object.id === payment.body.id),
    );
    const event = JSON.parse(got.body);
    expect(event).toMatchObject({
      object: 'event',
      type: 'payment.captured',
      data: { object: { id: payment.body.id, status: 'captured' }, previous_status: 'capturing' },
    });
    expect(got.headers['payrail-event-id']).toBe(event.id);
    expect(verifySignature(endpoint.secret, got.body, String(got.headers['payrail-signature']))).toBe(true);
    // Only the subscribed type: the authorization was not sent.
    expect(
      receiver.received.slice(before).filter((r) => JSON.parse(r.body).data.object.id === payment.body.id),
    ).toHaveLength(1);
    const deliveries = await until(async () => {
      const list = await api.request(
        'GET',
        `/v1/webhook_endpoints/${endpoint.id}/deliveries?event_id=${event.id}`,
      );
      return list.body.data[0]?.state === 'succeeded' && list.body.data;
    });
    const detail = await admin('GET', `/admin/webhooks/deliveries/${deliveries[0].id}`);
    expect(detail.body.attempt_log).toEqual([
      expect.objectContaining({ attempt: 1, status_code: 200, error: null }),
    ]);
    expect(detail.body.attempt_log[0].latency_ms).toBeGreaterThanOrEqual(0);
  });

  test('retries a failing endpoint on its schedule, then marks the delivery dead; a redelivery by hand succeeds', async (api) => {
    receiver.status = 500;
    const started = Date.now();
    try {
      const payment = await api.request('POST', '/v1/payments', paymentBody(3200));
      const dead = await until(async () => {
        const list = await admin('GET', `/admin/webhooks/deliveries?endpoint_id=${endpoint.id}&state=dead`);
        return list.body.data.find((d: { event_type: string }) => d.event_type === 'payment.captured') as
          { id: string } | undefined;
      });
      const detail = await admin('GET', `/admin/webhooks/deliveries/${dead.id}`);
      expect(detail.body).toMatchObject({ state: 'dead', attempts: 3, last_status_code: 500 });
      expect(detail.body.attempt_log.map((a: { status_code: number }) => a.status_code)).toEqual([
        500, 500, 500,
      ]);
      // Three tries with the 100 ms and 200 ms waits between them.
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      receiver.status = 200;
      const redelivered = await admin('POST', `/admin/webhooks/deliveries/${dead.id}/redeliver`);
      expect(redelivered.status).toBe(202);
      await until(
        async () => (await admin('GET', `/admin/webhooks/deliveries/${dead.id}`)).body.state === 'succeeded',
      );
      const last = receiver.received.at(-1)!;
      expect(JSON.parse(last.body).data.object.id).toBe(payment.body.id);
      expect(last.headers['payrail-delivery-attempt']).toBe('4');
    } finally {
      receiver.status = 200;
    }
  });

  test('the outbox row commits with the change: a change that fails to commit leaves no event', async (api) => {
    const created = await api.request('POST', '/v1/payments', {
      ...paymentBody(3500),
      capture_method: 'manual',
    });
    let refused = 0;
    api.app.get(PaymentsService).changes.subscribe(async (_m, change) => {
      if (change.kind === 'payment' && change.payment.id === created.body.id && change.to === 'captured') {
        refused++;
        throw new Error('the disk is full');
      }
    });
    const capture = await api.request('POST', `/v1/payments/${created.body.id}/capture`, {});
    expect(capture.status).toBe(500);
    expect(refused).toBe(1);
    const outbox = await api.app
      .get<DataSource>(getDataSourceToken())
      .getRepository(OutboxEvent)
      .findBy({ resourceId: created.body.id });
    expect(outbox.map((e) => e.type).sort()).toEqual(['payment.authorized', 'payment.authorizing']);
    expect((await api.request('GET', `/v1/payments/${created.body.id}`)).body.status).not.toBe('captured');
  });

  test('refunds are delivered too', async (api) => {
    const payment = await api.request('POST', '/v1/payments', paymentBody(3300));
    const refund = await api.request('POST', `/v1/payments/${payment.body.id}/refunds`, { amount: 1000 });
    expect(refund.status).toBe(201);
    const got = await until(async () =>
      receiver.received.find((r) => JSON.parse(r.body).data.object.id === refund.body.id),
    );
    expect(JSON.parse(got.body)).toMatchObject({
      type: 'refund.succeeded',
      data: { object: { id: refund.body.id, amount: 1000 } },
    });
  });
});

describeDb(`the outbox survives a crash between commit and delivery ${dbLabel}`, () => {
  it('delivers after a restart what was committed before it', async () => {
    // Both processes run on one database (and data folder), as a restarted instance would.
    const database = await provisionTestDatabase();
    const hook = await startReceiver();
    try {
      // The first process commits payments and their outbox rows, but dies before any delivery (no jobs run in it).
      const first = await startTestApi({
        memory: true,
        database,
        env: { ...TEST_ENV, PAYRAIL_JOBS: 'off' },
      });
      const registered = await first.request('POST', '/v1/webhook_endpoints', {
        url: `${hook.url}/in`,
        event_types: ['payment.captured'],
      });
      expect(registered.status).toBe(201);
      const payment = await first.request('POST', '/v1/payments', paymentBody(3400));
      expect(payment.body.status).toBe('captured');
      await new Promise((r) => setTimeout(r, 300));
      expect(hook.received).toHaveLength(0);
      await first.app.close();

      const second = await startTestApi({ memory: true, database, env: TEST_ENV });
      try {
        const got = await until(async () =>
          hook.received.find((r) => JSON.parse(r.body).data.object.id === payment.body.id),
        );
        expect(JSON.parse(got.body).type).toBe('payment.captured');
        await new Promise((r) => setTimeout(r, 300));
        expect(
          hook.received.filter((r) => JSON.parse(r.body).data.object.id === payment.body.id),
        ).toHaveLength(1);
        // The payment's other events, which no endpoint takes, are dispatched too, with no delivery.
        const rows = await second.app
          .get<DataSource>(getDataSourceToken())
          .getRepository(OutboxEvent)
          .find({ where: { resourceId: payment.body.id } });
        expect(rows.map((r) => r.type)).toEqual(expect.arrayContaining(['payment.captured']));
        expect(rows.length).toBeGreaterThan(1);
        await until(async () =>
          (
            await second.app
              .get<DataSource>(getDataSourceToken())
              .getRepository(OutboxEvent)
              .find({ where: { resourceId: payment.body.id, state: 'pending' } })
          ).length === 0
            ? true
            : undefined,
        );
      } finally {
        await second.close();
      }
    } finally {
      await hook.close();
      await database.drop();
    }
  }, 60_000);
});
