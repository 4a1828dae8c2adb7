import { randomBytes, randomUUID } from 'node:crypto';
import { STRIPE_DESCRIPTOR } from '@payrail/plugin-stripe';
import { startStripeSandbox, type StripeSandbox } from '@payrail/sandbox/stripe';
import { describeWithDatabaseAndRedis } from '@payrail/testing';
import { dbLabel, startTestApi, type TestApi } from './harness';
import { freePort } from './sandboxes';

let stripe: StripeSandbox;
let one: TestApi;
let two: TestApi;

const describeShared = describeWithDatabaseAndRedis();

describeShared(`two API instances share circuits through Redis ${dbLabel}`, () => {
  beforeAll(async () => {
    stripe = await startStripeSandbox({ port: 0 });
    const shared = {
      REDIS_URL: process.env['REDIS_URL_TEST'] as string,
      PAYRAIL_QUEUE_PREFIX: `payrail-spec-${randomBytes(6).toString('hex')}`,
      PAYRAIL_SANDBOX: 'on',
      PAYRAIL_PLUGINS: 'stripe',
      PAYRAIL_SANDBOX_HOST: '127.0.0.1',
      PAYRAIL_SANDBOX_STRIPE_PORT: new URL(stripe.url).port,
      PAYRAIL_CIRCUIT_MIN_CALLS: '4',
      PAYRAIL_CIRCUIT_OPEN_MS: '60000',
    };
    const portOne = await freePort();
    one = await startTestApi({
      plugins: [STRIPE_DESCRIPTOR.module()],
      env: { ...shared, PORT: String(portOne), PAYRAIL_PUBLIC_URL: `http://127.0.0.1:${portOne}` },
    });
    const portTwo = await freePort();
    two = await startTestApi({
      plugins: [STRIPE_DESCRIPTOR.module()],
      database: one.database,
      env: {
        ...shared,
        PORT: String(portTwo),
        PAYRAIL_PUBLIC_URL: `http://127.0.0.1:${portTwo}`,
        PAYRAIL_JOBS: 'off',
      },
    });
  }, 90_000);

  afterAll(async () => {
    await two?.close();
    await one?.close();
    await stripe?.close();
  });

  const pay = (api: TestApi) =>
    api.request(
      'POST',
      '/v1/payments',
      {
        amount: 1200,
        currency: 'usd',
        capture_method: 'manual',
        gateway: 'stripe',
        payment_method: { token: 'pm_card_visa' },
      },
      { 'idempotency-key': randomUUID() },
    );

  it('a circuit opened by failures seen on one instance fails fast on the other', async () => {
    await fetch(`${stripe.url}/_sandbox/unavailable`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ratio: 1 }),
    });
    // Two failures on each instance: four in the shared window, each one left in doubt, none refused by a circuit.
    for (const api of [one, two, one, two]) {
      const failed = await pay(api);
      expect(failed.status).toBe(201);
      expect(failed.body.status).toBe('unknown');
    }
    await fetch(`${stripe.url}/_sandbox/unavailable`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ratio: 0 }),
    });
    for (const api of [one, two]) {
      const refused = await pay(api);
      expect(refused.status).toBe(503);
      const events = await api.request('GET', `/v1/payments/${refused.body.error.payment_id}/events`);
      expect(events.body.data.find((e: { type: string }) => e.type === 'gateway_call').message).toMatch(
        /circuit .* is open/,
      );
    }
  }, 60_000);
});
