import { randomUUID } from 'node:crypto';
import { adminSession } from './admin-session';
import { dbLabel, describeDb, type TestApi } from './harness';
import { startSandboxedApi, type SandboxedApi } from './sandboxes';

let env: SandboxedApi;

beforeAll(async () => {
  env = await startSandboxedApi();
}, 60_000);

afterAll(async () => {
  await env?.close();
});

const test = (name: string, fn: (api: TestApi) => Promise<void>, timeout = 20_000) =>
  it(
    name,
    async () => {
      await fn(env.api);
    },
    timeout,
  );

const rawCard = (name = 'Ada Buyer') => ({
  card: { number: '4111111111111111', exp_month: 12, exp_year: 2030, cvc: '123', name },
});

interface GatewayCase {
  code: 'stripe' | 'paypal' | 'square';
  ok: Record<string, unknown>;
  declines: Array<{ trigger: string; payment_method: Record<string, unknown>; code: string }>;
}

const GATEWAYS: GatewayCase[] = [
  {
    code: 'stripe',
    ok: { token: 'pm_card_visa' },
    declines: [
      {
        trigger: 'pm_card_chargeDeclinedInsufficientFunds',
        payment_method: { token: 'pm_card_chargeDeclinedInsufficientFunds' },
        code: 'insufficient_funds',
      },
      {
        trigger: 'pm_card_chargeDeclinedIncorrectCvc',
        payment_method: { token: 'pm_card_chargeDeclinedIncorrectCvc' },
        code: 'incorrect_cvc',
      },
      {
        trigger: 'pm_card_chargeDeclinedExpiredCard',
        payment_method: { token: 'pm_card_chargeDeclinedExpiredCard' },
        code: 'expired_card',
      },
    ],
  },
  {
    code: 'paypal',
    ok: rawCard(),
    declines: [
      { trigger: 'CCREJECT-REFUSED', payment_method: rawCard('CCREJECT-REFUSED'), code: 'card_declined' },
      { trigger: 'CCREJECT-EC', payment_method: rawCard('CCREJECT-EC'), code: 'expired_card' },
      { trigger: 'CCREJECT-CVV_F', payment_method: rawCard('CCREJECT-CVV_F'), code: 'incorrect_cvc' },
    ],
  },
  {
    code: 'square',
    ok: { token: 'cnon:card-nonce-ok' },
    declines: [
      {
        trigger: 'cnon:card-nonce-declined',
        payment_method: { token: 'cnon:card-nonce-declined' },
        code: 'card_declined',
      },
      {
        trigger: 'cnon:card-nonce-rejected-cvv',
        payment_method: { token: 'cnon:card-nonce-rejected-cvv' },
        code: 'incorrect_cvc',
      },
      {
        trigger: 'cnon:card-nonce-rejected-expiration',
        payment_method: { token: 'cnon:card-nonce-rejected-expiration' },
        code: 'expired_card',
      },
    ],
  },
];

const manual = (
  gateway: string,
  payment_method: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => ({
  amount: 10000,
  currency: 'usd',
  capture_method: 'manual',
  gateway,
  payment_method,
  ...extra,
});

// The sandbox's webhook reaches the API and then the inbox job (polling every second by default):
// a loaded machine can take several seconds over it, so the deadline leaves room.
async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describeDb.each(GATEWAYS)(
  `the $code sandbox through the payments API ${dbLabel}`,
  ({ code, ok, declines }) => {
    const paymentIds: string[] = [];

    test('authorizes, captures part, refunds and ends with the right status', async (api) => {
      const created = await api.request('POST', '/v1/payments', manual(code, ok));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        status: 'authorized',
        amount: 10000,
        amount_capturable: 10000,
        gateway: code,
      });
      const id = created.body.id;
      paymentIds.push(id);
      if (code === 'paypal') {
        const first = await api.request('POST', `/v1/payments/${id}/capture`, { amount: 3000, final: false });
        expect(first.status).toBe(200);
        expect(first.body).toMatchObject({ amount_captured: 3000 });
        const second = await api.request('POST', `/v1/payments/${id}/capture`, { amount: 3000, final: true });
        expect(second.status).toBe(200);
        expect(second.body).toMatchObject({
          status: 'captured',
          amount_captured: 6000,
          amount_capturable: 0,
        });
        const refund = await api.request('POST', `/v1/payments/${id}/refunds`, { amount: 2000 });
        expect(refund.status).toBe(201);
        expect(refund.body).toMatchObject({ object: 'refund', amount: 2000 });
        const after = await api.request('GET', `/v1/payments/${id}`);
        expect(after.body).toMatchObject({ status: 'partially_refunded', amount_refunded: 2000 });
        return;
      }
      const captured = await api.request('POST', `/v1/payments/${id}/capture`, { amount: 6000 });
      expect(captured.status).toBe(200);
      expect(captured.body).toMatchObject({
        status: 'captured',
        amount_captured: 6000,
        amount_capturable: 0,
      });
      const r1 = await api.request('POST', `/v1/payments/${id}/refunds`, { amount: 2000 });
      expect(r1.status).toBe(201);
      expect(r1.body).toMatchObject({ object: 'refund', amount: 2000 });
      expect((await api.request('GET', `/v1/payments/${id}`)).body.status).toBe('partially_refunded');
      const r2 = await api.request('POST', `/v1/payments/${id}/refunds`, { amount: 4000 });
      expect(r2.status).toBe(201);
      expect(r2.body).toMatchObject({ object: 'refund', amount: 4000 });
      const done = await api.request('GET', `/v1/payments/${id}`);
      expect(done.body).toMatchObject({ status: 'refunded', amount_refunded: 6000 });
    });

    test('voids an authorization', async (api) => {
      const created = await api.request('POST', '/v1/payments', manual(code, ok, { amount: 1500 }));
      expect(created.status).toBe(201);
      const voided = await api.request('POST', `/v1/payments/${created.body.id}/void`, {});
      expect(voided.status).toBe(200);
      expect(voided.body.status).toBe('voided');
    });

    for (const decline of declines) {
      test(`declines ${decline.trigger} with 402 ${decline.code}`, async (api) => {
        const declined = await api.request(
          'POST',
          '/v1/payments',
          manual(code, decline.payment_method, { amount: 1200 }),
        );
        expect(declined.status).toBe(402);
        expect(declined.body.error).toMatchObject({ type: 'card_error', code: decline.code });
        expect(typeof declined.body.error.message).toBe('string');
        expect(declined.body.error.message.length).toBeGreaterThan(10);
        expect(declined.body.error.message).not.toMatch(/CCREJECT|cnon:|pm_card|processor:/);
      });
    }

    test('replays the first payment for a repeated Idempotency-Key', async (api) => {
      const key = randomUUID();
      const body = manual(code, ok, { amount: 1300 });
      const first = await api.request('POST', '/v1/payments', body, { 'idempotency-key': key });
      expect(first.status).toBe(201);
      const again = await api.request('POST', '/v1/payments', body, { 'idempotency-key': key });
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(first.body.id);
      const list = await api.request('GET', '/v1/payments?limit=100');
      expect(list.body.data.filter((p: { id: string }) => p.id === first.body.id)).toHaveLength(1);
    });

    test('refuses a forged webhook with 400', async (api) => {
      const created = await api.request('POST', '/v1/payments', manual(code, ok, { amount: 1100 }));
      expect(created.status).toBe(201);
      const connectionId = created.body.connection_id;
      expect(connectionId).toBeTruthy();
      const forged = await fetch(`${api.url}/webhooks/${connectionId}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`,
          'x-square-hmacsha256-signature': 'Zm9yZ2Vk',
          'paypal-transmission-id': randomUUID(),
          'paypal-transmission-time': new Date().toISOString(),
          'paypal-transmission-sig': 'Zm9yZ2Vk',
          'paypal-cert-url': 'https://example.com/cert.pem',
          'paypal-auth-algo': 'SHA256withRSA',
        },
        body: JSON.stringify({
          id: 'evt_forged',
          type: 'payment.updated',
          event_type: 'PAYMENT.CAPTURE.COMPLETED',
          data: { object: { id: created.body.gateway_reference ?? 'x' } },
        }),
      });
      expect(forged.status).toBe(400);
    });

    test('the sandbox delivers signed webhooks that the API accepts', async (api) => {
      const created = await api.request('POST', '/v1/payments', manual(code, ok, { amount: 1600 }));
      expect(created.status).toBe(201);
      const sandbox = env![code];
      const path =
        code === 'stripe'
          ? '/_sandbox/webhook_deliveries'
          : code === 'paypal'
            ? '/_sandbox/deliveries'
            : '/_sandbox/webhooks/deliveries';
      const delivered = await waitFor(async () => {
        const body = (await (await fetch(`${sandbox.url}${path}`)).json()) as unknown;
        const rows = (
          Array.isArray(body)
            ? body
            : ((body as { data?: unknown[]; deliveries?: unknown[] }).data ??
              (body as { deliveries?: unknown[] }).deliveries ??
              [])
        ) as Array<Record<string, unknown>>;
        return rows.find(
          (r) =>
            JSON.stringify(r).includes(created.body.connection_id) &&
            [r['status'], r['status_code'], r['statusCode'], r['lastResult']].includes(200),
        );
      });
      expect(delivered).toBeDefined();
    }, 30_000);

    // A PayPal event carries no payment snapshot; the intake then asks the gateway for the payment's state.
    test('records a signed webhook delivered by the sandbox on the timeline', async (api) => {
      const created = await api.request('POST', '/v1/payments', manual(code, ok, { amount: 1400 }));
      expect(created.status).toBe(201);
      const id = created.body.id;
      await api.request('POST', `/v1/payments/${id}/capture`, {});
      const webhook = await waitFor(async () => {
        const events = await api.request('GET', `/v1/payments/${id}/events`);
        return events.body.data.find((e: { type: string }) => e.type === 'webhook');
      });
      expect(webhook).toBeDefined();
    }, 30_000);
  },
);

describeDb(`gateway-specific rules ${dbLabel}`, () => {
  // The events the sandbox has raised: a call that reached it would add one. Their delivery state
  // is left out, since earlier cases' webhooks may still be on their way.
  const raised = async () =>
    (
      (await (await fetch(`${env!.square.url}/_sandbox/webhooks/deliveries`)).json()) as {
        deliveries: Array<{ eventId: string; type: string }>;
      }
    ).deliveries.map((d) => `${d.type} ${d.eventId}`);
  test('refuses a raw card for Square with 400 naming payment_method.card, before any call', async (api) => {
    const before = await raised();
    const refused = await api.request('POST', '/v1/payments', manual('square', rawCard()));
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.error)).toContain('payment_method.card');
    expect(await raised()).toEqual(before);
  });
});

describeDb(`installed plugins ${dbLabel}`, () => {
  test('GET /admin/plugins shows each plugin, SDK and gateway API version', async (api) => {
    const { request: owner } = await adminSession(api, [{ role: 'owner', merchantId: null }]);
    const res = await owner('GET', '/admin/plugins');
    expect(res.status).toBe(200);
    const byCode = Object.fromEntries(res.body.data.map((p: any) => [p.code, p]));
    expect(byCode['stripe']).toMatchObject({
      version: '1.0.0',
      sdk: { package: 'stripe', version: expect.stringMatching(/^\d+\.\d+\.\d+$/) },
      api_version: { value: expect.stringMatching(/^\d{4}-\d{2}-\d{2}/), header: 'Stripe-Version' },
    });
    expect(byCode['square'].api_version).toEqual({
      value: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      header: 'Square-Version',
    });
    expect(byCode['paypal']).toMatchObject({
      sdk: { package: '@paypal/paypal-server-sdk' },
      api_version: { value: 'v2', header: null },
    });
  });
});
