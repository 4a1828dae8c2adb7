import { randomBytes } from 'node:crypto';
import { GatewayError } from '@payrail/plugin-sdk';
import { describeWithRedis } from '@payrail/testing';
import { CircuitBreaker, isCircuitOpen, type CircuitSettings } from './circuit-breaker';
import { MemoryCircuitStore, type CircuitStore } from './circuit-store';
import { RedisCircuitStore } from './redis-circuit-store';

const SETTINGS: CircuitSettings = {
  failureRatePercent: 50,
  minimumCalls: 4,
  windowMs: 10_000,
  openMs: 1_000,
};
const unavailable = () =>
  new GatewayError('gateway_unavailable', { gatewayStatus: 503, indeterminate: true });
const declined = () => new GatewayError('card_declined', { gatewayStatus: 402 });
const badRequest = () => new GatewayError('invalid_request', { gatewayStatus: 400 });

/** A call through the breaker, as the gateway invoker makes it. */
async function call(breaker: CircuitBreaker, id: string, error: GatewayError | null) {
  const permit = await breaker.permit(id, 'stripe');
  if (!permit.allowed) return permit.error;
  await breaker.record(id, 'stripe', permit.probe, error);
  return error;
}

function behaviour(name: string, makeStore: () => CircuitStore) {
  describe(name, () => {
    let now = 1_800_000_000_000;
    let store: CircuitStore;
    let breaker: CircuitBreaker;
    const id = () => `con_${expect.getState().currentTestName?.length}`;
    beforeEach(() => {
      store = makeStore();
      breaker = new CircuitBreaker(store, SETTINGS, () => now);
    });
    afterEach(() => store.shutdown());

    it('opens on gateway failures past the threshold and then fails fast without calling', async () => {
      const conn = id();
      for (const error of [null, unavailable(), null]) await call(breaker, conn, error);
      expect((await breaker.view(conn)).state).toBe('closed');
      await call(breaker, conn, unavailable()); // 2 of 4 failed: 50 %
      expect((await breaker.view(conn)).state).toBe('open');
      const refused = await breaker.permit(conn, 'stripe');
      expect(refused.allowed).toBe(false);
      if (!refused.allowed) {
        expect(refused.error.code).toBe('gateway_unavailable');
        expect(refused.error.retryable).toBe(true);
        expect(refused.error.indeterminate).toBe(false);
        expect(isCircuitOpen(refused.error)).toBe(true);
      }
    });

    it('never opens on declines or refused requests', async () => {
      const conn = id();
      for (let i = 0; i < 30; i++) await call(breaker, conn, i % 2 ? declined() : badRequest());
      expect((await breaker.view(conn)).state).toBe('closed');
    });

    it('lets one probe through when half-open: success closes, failure opens again', async () => {
      const conn = id();
      for (let i = 0; i < 4; i++) await call(breaker, conn, unavailable());
      expect((await breaker.view(conn)).state).toBe('open');
      now += SETTINGS.openMs;
      expect((await breaker.view(conn)).state).toBe('half_open');
      const probe = await breaker.permit(conn, 'stripe');
      expect(probe).toEqual({ allowed: true, probe: true });
      expect((await breaker.permit(conn, 'stripe')).allowed).toBe(false); // only one probe at a time
      await breaker.record(conn, 'stripe', true, unavailable());
      expect((await breaker.view(conn)).state).toBe('open');
      now += SETTINGS.openMs;
      const second = await breaker.permit(conn, 'stripe');
      expect(second).toEqual({ allowed: true, probe: true });
      await breaker.record(conn, 'stripe', true, null);
      expect((await breaker.view(conn)).state).toBe('closed');
      // The window starts empty again: one failure does not reopen it.
      await call(breaker, conn, unavailable());
      expect((await breaker.view(conn)).state).toBe('closed');
    });

    it('forgets failures older than the window', async () => {
      const conn = id();
      for (let i = 0; i < 3; i++) await call(breaker, conn, unavailable());
      now += SETTINGS.windowMs + 1_000;
      await call(breaker, conn, unavailable());
      expect((await breaker.view(conn)).state).toBe('closed');
    });
  });
}

behaviour('circuit breaker in process', () => new MemoryCircuitStore());

const redisUrl = process.env['REDIS_URL_TEST'];
describeWithRedis()('circuit breaker shared through Redis', () => {
  behaviour(
    'on Redis',
    () => new RedisCircuitStore(redisUrl as string, `payrail-spec-${randomBytes(6).toString('hex')}`),
  );

  it('two instances see the same circuit', async () => {
    const prefix = `payrail-spec-${randomBytes(6).toString('hex')}`;
    const one = new CircuitBreaker(new RedisCircuitStore(redisUrl as string, prefix), SETTINGS);
    const two = new CircuitBreaker(new RedisCircuitStore(redisUrl as string, prefix), SETTINGS);
    try {
      // Failures seen by both instances count in one window.
      await call(one, 'con_shared', unavailable());
      await call(two, 'con_shared', unavailable());
      await call(one, 'con_shared', null);
      expect((await two.view('con_shared')).state).toBe('closed');
      await call(two, 'con_shared', unavailable());
      expect((await one.view('con_shared')).state).toBe('open');
      expect((await one.permit('con_shared', 'stripe')).allowed).toBe(false);
      await one.reset('con_shared', 'stripe');
      expect((await two.permit('con_shared', 'stripe')).allowed).toBe(true);
    } finally {
      await one.shutdown();
      await two.shutdown();
    }
  });
});
