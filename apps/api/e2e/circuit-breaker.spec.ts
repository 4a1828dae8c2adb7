import { randomUUID } from 'node:crypto';
import { dbLabel, describeDb } from './harness';
import { startSandboxedApi, type SandboxedApi } from './sandboxes';

let env: SandboxedApi;
// Long enough that a loaded machine cannot let the open window lapse between seeing the circuit
// open and making the call it must refuse.
const OPEN_MS = 2500;
const SLOW_GATEWAY_MS = 5000;

beforeAll(async () => {
  env = await startSandboxedApi({
    PAYRAIL_CIRCUIT_MIN_CALLS: '4',
    PAYRAIL_CIRCUIT_FAILURE_RATE: '50',
    PAYRAIL_CIRCUIT_OPEN_MS: String(OPEN_MS),
  });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

const card = {
  card: { number: '4111111111111111', exp_month: 12, exp_year: 2030, cvc: '123', name: 'Ada Buyer' },
};
const GATEWAYS = [
  { code: 'stripe', ok: { token: 'pm_card_visa' }, decline: { token: 'pm_card_chargeDeclined' } },
  { code: 'paypal', ok: card, decline: { card: { ...card.card, name: 'CCREJECT-REFUSED' } } },
  { code: 'square', ok: { token: 'cnon:card-nonce-ok' }, decline: { token: 'cnon:card-nonce-declined' } },
] as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function control(gateway: string, path: string, body: Record<string, unknown>) {
  const sandbox = env[gateway as 'stripe' | 'paypal' | 'square'];
  const response = await fetch(`${sandbox.url}/_sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBeLessThan(300);
}

const pay = (gateway: string, payment_method: unknown) =>
  env.api.request(
    'POST',
    '/v1/payments',
    { amount: 2500, currency: 'usd', capture_method: 'manual', gateway, payment_method },
    { 'idempotency-key': randomUUID() },
  );

/** The circuit gauge of the gateway's one sandbox connection, from /metrics. */
async function circuit(gateway: string): Promise<number | undefined> {
  const text = await (await fetch(`${env.api.url}/metrics`)).text();
  const match = new RegExp(
    `payrail_circuit_state\\{connection_id="[^"]+",gateway="${gateway}"\\} (\\d)`,
  ).exec(text);
  return match ? Number(match[1]) : undefined;
}

describeDb.each(GATEWAYS)(`the circuit breaker on $code ${dbLabel}`, ({ code, ok, decline }) => {
  // A failed case must not leave the sandbox degraded for the next one.
  afterEach(async () => {
    await control(code, 'unavailable', { ratio: 0 });
    await control(code, 'latency', { ms: 0 });
  });

  it('opens when the sandbox answers 503 half the time, fails fast, and a half-open probe closes it', async () => {
    await control(code, 'unavailable', { ratio: 0.5 });
    let opened = false;
    for (let i = 0; i < 16 && !opened; i++) {
      await pay(code, ok);
      opened = (await circuit(code)) === 2;
    }
    expect(opened).toBe(true);

    // The gateway now answers slowly: a call that reached it would take over 5 s, while the refusal
    // itself (a payment, its attempt and events written) can take a second on a loaded machine.
    await control(code, 'latency', { ms: SLOW_GATEWAY_MS });
    const started = performance.now();
    const refused = await pay(code, ok);
    const elapsed = performance.now() - started;
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({ code: 'gateway_unavailable' });
    expect(elapsed).toBeLessThan(SLOW_GATEWAY_MS);
    const events = await env.api.request('GET', `/v1/payments/${refused.body.error.payment_id}/events`);
    const call = events.body.data.find((e: { type: string }) => e.type === 'gateway_call');
    expect(call.latency_ms).toBeLessThan(50);
    expect(call.message).toMatch(/circuit .* is open/);

    await control(code, 'unavailable', { ratio: 0 });
    await control(code, 'latency', { ms: 0 });
    await sleep(OPEN_MS + 50);
    const probe = await pay(code, ok);
    expect(probe.status).toBe(201);
    expect(probe.body.status).toBe('authorized');
    expect(await circuit(code)).toBe(0);
  }, 60_000);

  it('never opens on declines', async () => {
    for (let i = 0; i < 8; i++) expect((await pay(code, decline)).status).toBe(402);
    expect(await circuit(code)).toBe(0);
    expect((await pay(code, ok)).status).toBe(201);
  }, 60_000);
});
