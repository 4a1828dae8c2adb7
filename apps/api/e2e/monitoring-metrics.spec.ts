import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ memory: true });
}, 60_000);

afterAll(async () => {
  await api?.close();
});

const pay = (token: string, key: string) =>
  api.request(
    'POST',
    '/v1/payments',
    {
      amount: 1500,
      currency: 'usd',
      capture_method: 'automatic',
      payment_method: { token },
      customer: { email: `buyer-${key}@example.com` },
      metadata: { order: key },
    },
    { 'idempotency-key': key },
  );

describeDb(`metrics over HTTP ${dbLabel}`, () => {
  it('counts gateway calls, payments and declines, and times routes by template', async () => {
    expect((await pay('tok_visa', 'metrics-ok-1')).status).toBe(201);
    const declined = await pay('tok_insufficient_funds', 'metrics-decline-1');
    expect(declined.status).toBe(402);
    expect((await api.request('GET', `/v1/payments/${declined.body.error.payment_id}`)).status).toBe(200);

    const text = await (await fetch(`${api.url}/metrics`)).text();
    expect(text).toMatch(
      /payrail_gateway_requests_total\{gateway="memory",operation="authorize",outcome="success"\} 1/,
    );
    expect(text).toMatch(
      /payrail_gateway_requests_total\{gateway="memory",operation="authorize",outcome="declined"\} 1/,
    );
    expect(text).toMatch(
      /payrail_gateway_requests_total\{gateway="memory",operation="capture",outcome="success"\} 1/,
    );
    expect(text).toMatch(
      /payrail_gateway_request_duration_seconds_count\{gateway="memory",operation="authorize"\} 2/,
    );
    expect(text).toMatch(/payrail_payments_total\{gateway="memory",status="captured"\} 1/);
    expect(text).toMatch(/payrail_payment_declines_total\{gateway="memory",code="insufficient_funds"\} 1/);
    expect(text).toMatch(
      /payrail_http_request_duration_seconds_count\{route="\/v1\/payments",method="POST",status_class="4xx"\} 1/,
    );
    expect(text).toMatch(
      /payrail_http_request_duration_seconds_count\{route="\/v1\/payments\/:id",method="GET",status_class="2xx"\} 1/,
    );
    expect(text).toMatch(/payrail_webhook_inbox_lag_seconds 0/);
    expect(text).toMatch(/payrail_outbox_lag_seconds \d/);
    expect(text).toMatch(/payrail_webhook_deliveries_dead 0/);
    // Nothing a client sent is a label value.
    expect(text).not.toContain('metrics-ok-1');
    expect(text).not.toContain('buyer-');
    expect(text).not.toContain(declined.body.error.payment_id);
  });
});
