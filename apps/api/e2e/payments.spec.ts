import { dbLabel, describeDb, startTestApi, type TestApi } from './harness';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ memory: true });
}, 60_000);

afterAll(async () => {
  await api?.close();
});

/** Skips (with the reason already printed) when this run's database is not available. */
const test = (name: string, fn: (api: TestApi) => Promise<void>, timeout?: number) =>
  it(
    name,
    async () => {
      await fn(api);
    },
    timeout,
  );

const card = {
  number: '4242424242424242',
  exp_month: 12,
  exp_year: new Date().getFullYear() + 2,
  cvc: '123',
};
const manual = (extra: Record<string, unknown> = {}) => ({
  amount: 10000,
  currency: 'usd',
  capture_method: 'manual',
  payment_method: { token: 'tok_ok' },
  ...extra,
});

describeDb(`payments API ${dbLabel}`, () => {
  test('answers health and docs', async (api) => {
    expect((await api.request('GET', '/health/live')).status).toBe(200);
    const ready = await api.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.database.status).toBe('ok');
    const docs = await api.request('GET', '/docs-json');
    expect(docs.body.paths['/v1/payments']).toBeDefined();
    expect(ready.headers.get('request-id')).toMatch(/^req_/);
  });

  test('refuses a missing or bad key with 401 and no hint', async (api) => {
    const none = await fetch(`${api.url}/v1/payments`);
    expect(none.status).toBe(401);
    const bad = await api.request('GET', '/v1/payments', undefined, {
      authorization: 'Bearer pr_test_nottherightkeyatallnottherightkey00',
    });
    expect(bad.status).toBe(401);
    expect(bad.body.error.type).toBe('authentication_error');
    expect(bad.body.error.request_id).toMatch(/^req_/);
  });

  test('authorizes, captures part, refunds twice and ends refunded, with a timeline', async (api) => {
    const created = await api.request(
      'POST',
      '/v1/payments',
      manual({ customer: { email: 'buyer@example.com' } }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'authorized',
      amount: 10000,
      amount_capturable: 10000,
      currency: 'usd',
      gateway: 'memory',
    });
    const id = created.body.id;
    const captured = await api.request('POST', `/v1/payments/${id}/capture`, { amount: 6000 });
    expect(captured.body).toMatchObject({ status: 'captured', amount_captured: 6000, amount_capturable: 0 });
    const r1 = await api.request('POST', `/v1/payments/${id}/refunds`, { amount: 2000 });
    expect(r1.status).toBe(201);
    expect(r1.body).toMatchObject({ object: 'refund', amount: 2000, status: 'succeeded' });
    expect((await api.request('GET', `/v1/payments/${id}`)).body.status).toBe('partially_refunded');
    const r2 = await api.request('POST', `/v1/payments/${id}/refunds`, {});
    expect(r2.body.amount).toBe(4000);
    const done = await api.request('GET', `/v1/payments/${id}`);
    expect(done.body).toMatchObject({ status: 'refunded', amount_refunded: 6000 });
    const again = await api.request('POST', `/v1/payments/${id}/refunds`, { amount: 1 });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_refunded');
    const events = await api.request('GET', `/v1/payments/${id}/events`);
    const calls = events.body.data.filter((e: { type: string }) => e.type === 'gateway_call');
    expect(calls.map((c: { operation: string }) => c.operation)).toEqual([
      'authorize',
      'capture',
      'refund',
      'refund',
    ]);
    for (const call of calls) expect(call.latency_ms).toBeGreaterThanOrEqual(0);
    const statuses = events.body.data
      .filter((e: { type: string }) => e.type === 'status_changed')
      .map((e: { to_status: string }) => e.to_status);
    expect(statuses).toEqual([
      'requires_payment_method',
      'authorizing',
      'authorized',
      'capturing',
      'captured',
      'partially_refunded',
      'refunded',
    ]);
  });

  test('captures automatically, tokenizing a raw card that is never returned or stored', async (api) => {
    const created = await api.request('POST', '/v1/payments', {
      amount: 2500,
      currency: 'EUR',
      payment_method: { card },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'captured',
      amount_captured: 2500,
      payment_method: { last4: '4242' },
    });
    expect(JSON.stringify(created.body)).not.toContain(card.number);
  });

  test('voids an authorization; a voided payment cannot be captured', async (api) => {
    const { body } = await api.request('POST', '/v1/payments', manual());
    const voided = await api.request('POST', `/v1/payments/${body.id}/void`);
    expect(voided.body.status).toBe('voided');
    const capture = await api.request('POST', `/v1/payments/${body.id}/capture`);
    expect(capture.status).toBe(409);
    expect(capture.body.error.payment_id).toBe(body.id);
  });

  test('answers a decline with 402, the taxonomy code and the failed payment id, which keeps its timeline', async (api) => {
    const declined = await api.request(
      'POST',
      '/v1/payments',
      manual({ payment_method: { token: 'tok_insufficient_funds' } }),
    );
    expect(declined.status).toBe(402);
    expect(declined.body.error).toMatchObject({ type: 'card_error', code: 'insufficient_funds' });
    expect(declined.body.error.message).toMatch(/insufficient funds/);
    const payment = await api.request('GET', `/v1/payments/${declined.body.error.payment_id}`);
    expect(payment.body).toMatchObject({ status: 'failed', failure: { code: 'insufficient_funds' } });
  });

  test('refuses a capture larger than capturable, and a second capture of the whole amount', async (api) => {
    const { body } = await api.request('POST', '/v1/payments', manual());
    const tooMuch = await api.request('POST', `/v1/payments/${body.id}/capture`, { amount: 10001 });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error.param).toBe('amount');
    await api.request('POST', `/v1/payments/${body.id}/capture`);
    const twice = await api.request('POST', `/v1/payments/${body.id}/capture`);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('already_captured');
  });

  describe('bad input gets 400 naming the parameter, and writes nothing', () => {
    const cases: Array<[string, unknown, string]> = [
      ['zero amount', manual({ amount: 0 }), 'amount'],
      ['negative amount', manual({ amount: -5 }), 'amount'],
      ['fractional amount', manual({ amount: 10.5 }), 'amount'],
      ['string amount', manual({ amount: '100' }), 'amount'],
      ['unknown currency', manual({ currency: 'zzz' }), 'currency'],
      ['amount over the currency limit', manual({ amount: 10_000_000_000_000, currency: 'usd' }), 'amount'],
      ['unknown field', manual({ colour: 'red' }), 'colour'],
      [
        'malformed card',
        manual({ payment_method: { card: { ...card, number: '4242424242424241' } } }),
        'payment_method.card.number',
      ],
      [
        'bad expiry month',
        manual({ payment_method: { card: { ...card, exp_month: 13 } } }),
        'payment_method.card.exp_month',
      ],
      ['token and card together', manual({ payment_method: { token: 'tok_ok', card } }), 'payment_method'],
      ['unknown capture method', manual({ capture_method: 'later' }), 'capture_method'],
    ];
    it.each(cases)('%s', async (_name, body, param) => {
      const before = (await api.request('GET', '/v1/payments?limit=100')).body.data.length;
      const response = await api.request('POST', '/v1/payments', body, {
        'idempotency-key': `bad-${param}-${Math.random()}`,
      });
      expect(response.status).toBe(400);
      expect(response.body.error.param).toBe(param);
      expect(response.body.error.type).toBe('invalid_request_error');
      expect((await api.request('GET', '/v1/payments?limit=100')).body.data.length).toBe(before);
    });

    it('refuses a body over 100 kB with 413', async () => {
      const response = await api.request(
        'POST',
        '/v1/payments',
        manual({ description: 'x'.repeat(110_000) }),
      );
      expect(response.status).toBe(413);
      expect(response.body.error.param).toBe('body');
    });
  });

  test('lists with filters and cursor pagination', async (api) => {
    for (let i = 0; i < 3; i++) await api.request('POST', '/v1/payments', manual({ amount: 100 + i }));
    const page1 = await api.request('GET', '/v1/payments?limit=2&status=authorized');
    expect(page1.body.data).toHaveLength(2);
    expect(page1.body.has_more).toBe(true);
    const page2 = await api.request(
      'GET',
      `/v1/payments?limit=2&status=authorized&starting_after=${page1.body.data[1].id}`,
    );
    expect(page2.body.data[0].id < page1.body.data[1].id).toBe(true);
    expect((await api.request('GET', '/v1/payments?limit=101')).body.error.param).toBe('limit');
  });
});
