import { Injectable, Logger } from '@nestjs/common';
import { CircuitBreaker, recordGatewayCall } from '@payrail/monitoring';
import { GatewayError, redactText, type GatewayConnection, type Outcome } from '@payrail/plugin-sdk';

/** Which gateway and connection a call goes to (metrics labels and the per-connection circuit). */
export interface CallTarget {
  gateway: string;
  connection: GatewayConnection;
}

export interface Invocation<T> {
  outcome: Outcome<T>;
  latencyMs: number;
}

/**
 * Calls a plugin operation and always comes back with an `Outcome`: a thrown error or a
 * plugin that overruns its timeout becomes an indeterminate failure, never a lost promise.
 * Every call is counted and timed (`payrail_gateway_*`), in memory, and passes its connection's
 * circuit breaker: while the circuit is open the gateway is not called and the outcome is a
 * definite, retryable `gateway_unavailable`.
 */
@Injectable()
export class GatewayInvoker {
  private readonly logger = new Logger('Gateway');

  constructor(private readonly breaker: CircuitBreaker) {}

  async invoke<T>(
    operation: string,
    target: CallTarget,
    call: () => Promise<Outcome<T>>,
  ): Promise<Invocation<T>> {
    const timeoutMs = target.connection.timeoutMs;
    const started = performance.now();
    const permit = await this.breaker.permit(target.connection.id, target.gateway);
    if (!permit.allowed) {
      recordGatewayCall(target.gateway, operation, permit.error, (performance.now() - started) / 1000);
      return {
        outcome: { ok: false, error: permit.error },
        latencyMs: Math.round(performance.now() - started),
      };
    }
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<Outcome<T>>((resolve) => {
      // A plugin should time out by itself; this is the backstop if it doesn't.
      timer = setTimeout(
        () =>
          resolve({
            ok: false,
            error: new GatewayError('gateway_timeout', {
              detail: `${operation} did not finish within ${timeoutMs + 2000} ms`,
            }),
          }),
        timeoutMs + 2000,
      );
    });
    let outcome: Outcome<T>;
    try {
      outcome = await Promise.race([call(), overrun]);
    } catch (error) {
      outcome = {
        ok: false,
        error:
          error instanceof GatewayError
            ? error
            : new GatewayError('processing_error', {
                indeterminate: true,
                detail: redactText(
                  `${operation} failed unexpectedly: ${(error as Error)?.message ?? String(error)}`,
                ),
              }),
      };
      if (!(error instanceof GatewayError))
        this.logger.error(redactText(`${operation} threw: ${(error as Error)?.stack ?? String(error)}`));
    } finally {
      clearTimeout(timer);
    }
    const elapsed = performance.now() - started;
    await this.breaker.record(
      target.connection.id,
      target.gateway,
      permit.probe,
      outcome.ok ? null : outcome.error,
    );
    recordGatewayCall(target.gateway, operation, outcome.ok ? null : outcome.error, elapsed / 1000);
    return { outcome, latencyMs: Math.round(elapsed) };
  }
}
