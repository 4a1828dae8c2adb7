import { GatewayError } from '@payrail/plugin-sdk';
import type { CircuitStore } from './circuit-store';
import { CIRCUIT_OPEN_CODE, isGatewayFailure, recordCircuitState, type CircuitStateName } from './metrics';

export interface CircuitSettings {
  /** Opens when at least this share of calls in the window failed (percent, 1–100). */
  failureRatePercent: number;
  /** …and the window holds at least this many calls. */
  minimumCalls: number;
  /** The rolling window, counted in ten buckets. */
  windowMs: number;
  /** How long an open circuit fails fast before one probe is let through (half-open). */
  openMs: number;
}

export const DEFAULT_CIRCUIT_SETTINGS: CircuitSettings = {
  failureRatePercent: 50,
  minimumCalls: 10,
  windowMs: 30_000,
  openMs: 30_000,
};

const BUCKETS = 10;

/** Whether a call may go ahead; `probe` when it is the half-open circuit's one trial call. */
export type CircuitPermit =
  { allowed: true; probe: boolean } | { allowed: false; error: GatewayError; retryAfterMs: number };

export interface CircuitView {
  connectionId: string;
  state: CircuitStateName;
  openUntil: string | null;
}

/**
 * A circuit breaker per connection. It counts gateway failures (no answer, timeouts, 5xx; see
 * `isGatewayFailure`) over a rolling window; declines and refused requests are answers, so they
 * count as healthy calls. Past the threshold it opens: calls fail fast with a retryable
 * `gateway_unavailable` without calling the gateway. After `openMs` one probe goes through;
 * its success closes the circuit, its failure opens it again. State lives in a `CircuitStore`
 * (Redis when configured, so every instance agrees; decision record 0020).
 */
export class CircuitBreaker {
  private readonly bucketMs: number;

  constructor(
    private readonly store: CircuitStore,
    readonly settings: CircuitSettings = DEFAULT_CIRCUIT_SETTINGS,
    private readonly now: () => number = Date.now,
  ) {
    this.bucketMs = Math.max(1, Math.ceil(settings.windowMs / BUCKETS));
  }

  async permit(connectionId: string, gateway: string): Promise<CircuitPermit> {
    const now = this.now();
    const { openUntil } = await this.store.read(connectionId);
    if (openUntil === null) {
      recordCircuitState(connectionId, gateway, 'closed');
      return { allowed: true, probe: false };
    }
    if (now < openUntil) {
      recordCircuitState(connectionId, gateway, 'open');
      return this.refuse(connectionId, openUntil - now);
    }
    recordCircuitState(connectionId, gateway, 'half_open');
    // The probe's claim outlives a slow call: one trial at a time, whatever the gateway's timeout.
    if (await this.store.claimProbe(connectionId, this.settings.openMs, now))
      return { allowed: true, probe: true };
    return this.refuse(connectionId, this.settings.openMs);
  }

  /** After a permitted call: counts it, and opens or closes the circuit as the outcome says. */
  async record(
    connectionId: string,
    gateway: string,
    probe: boolean,
    error: GatewayError | null,
  ): Promise<void> {
    const failed = error !== null && isGatewayFailure(error);
    const now = this.now();
    if (probe) {
      if (failed) await this.open(connectionId, gateway, now);
      else {
        await this.store.close(connectionId, now, this.bucketMs, BUCKETS);
        recordCircuitState(connectionId, gateway, 'closed');
      }
      return;
    }
    const counts = await this.store.count(connectionId, failed, now, this.bucketMs, BUCKETS);
    if (
      failed &&
      counts.calls >= this.settings.minimumCalls &&
      counts.failures * 100 >= counts.calls * this.settings.failureRatePercent
    )
      await this.open(connectionId, gateway, now);
  }

  async view(connectionId: string): Promise<CircuitView> {
    const { openUntil } = await this.store.read(connectionId);
    const state: CircuitStateName =
      openUntil === null ? 'closed' : this.now() < openUntil ? 'open' : 'half_open';
    return { connectionId, state, openUntil: openUntil === null ? null : new Date(openUntil).toISOString() };
  }

  /** Closes a circuit by hand (an operator who knows the gateway is back). */
  async reset(connectionId: string, gateway: string): Promise<void> {
    await this.store.close(connectionId, this.now(), this.bucketMs, BUCKETS);
    recordCircuitState(connectionId, gateway, 'closed');
  }

  shutdown(): Promise<void> {
    return this.store.shutdown();
  }

  private async open(connectionId: string, gateway: string, now: number): Promise<void> {
    await this.store.open(connectionId, now + this.settings.openMs);
    recordCircuitState(connectionId, gateway, 'open');
  }

  private refuse(connectionId: string, retryAfterMs: number): CircuitPermit {
    return {
      allowed: false,
      retryAfterMs,
      error: new GatewayError('gateway_unavailable', {
        gatewayCode: CIRCUIT_OPEN_CODE,
        indeterminate: false,
        detail: `the circuit of connection ${connectionId} is open after repeated gateway failures: the gateway was not called; try again in ${Math.ceil(retryAfterMs / 1000)} s`,
      }),
    };
  }
}

/** `true` when this error is a circuit's fast failure (the gateway was never called). */
export function isCircuitOpen(error: GatewayError): boolean {
  return error.gatewayCode === CIRCUIT_OPEN_CODE;
}
