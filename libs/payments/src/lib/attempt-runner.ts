import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { insertRow, newId, TransactionRunner } from '@payrail/database';
import type {
  GatewayConnection,
  GatewayPaymentSnapshot,
  GatewayRefundRecord,
  Outcome,
  PaymentGateway,
} from '@payrail/plugin-sdk';
import { gatewayRequestOf, type MoneyOperation, type StoredRequests } from './attempt-requests';
import { PaymentAttempt, type AttemptOperation } from './entities/payment-attempt.entity';
import type { Payment } from './entities/payment.entity';
import { faultPoint } from './fault-injection';
import { GatewayInvoker, type Invocation } from './gateway-invoker';
import { IdempotencyService, type RequestKey } from './idempotency.service';
import { OutcomesInFlight } from './outcomes-in-flight';

/** First recovery try this long after a call is left in doubt. */
export const FIRST_RECOVERY_DELAY_MS = 60_000;

/** What each operation's call comes back with, once the plugin's result is reduced to what the core applies. */
export interface CallResults {
  authorize: GatewayPaymentSnapshot;
  capture: GatewayPaymentSnapshot;
  void: GatewayPaymentSnapshot;
  refund: Pick<GatewayRefundRecord, 'reference' | 'status'>;
}

export interface AttemptPlan<O extends AttemptOperation> {
  operation: O;
  payment: Payment;
  amount: number | null;
  refundId?: string | null;
  /** What is sent, stored with the attempt before the call so a retry sends the same. */
  request: O extends MoneyOperation ? StoredRequests[O] : Record<string, unknown>;
  /** Takes the payment for this step in the attempt's transaction; throws when it may not. */
  claim?: (m: EntityManager) => Promise<void>;
  /** Told once the attempt's transaction has committed. */
  committed?: () => void;
  /** The merchant request's key, stored (or linked to the payment) in the attempt's transaction. */
  requestKey?: RequestKey;
}

/**
 * The one way a gateway call is made, by a request and by recovery alike: claim the payment
 * and write the attempt (with its idempotency key and request) in one transaction, call the
 * gateway with the request rebuilt from the attempt, then apply the outcome.
 */
@Injectable()
export class AttemptRunner {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly invoker: GatewayInvoker,
    private readonly idempotency: IdempotencyService,
    private readonly inFlight: OutcomesInFlight,
  ) {}

  /**
   * Writes the attempt (and whatever the step claims) before the gateway is called, so its key
   * survives a crash: a flushed commit, on disk with every lazy one before it when this resolves.
   */
  async begin<O extends AttemptOperation>(plan: AttemptPlan<O>): Promise<PaymentAttempt> {
    const attempt = await this.tx
      .run(async (m) => {
        await plan.claim?.(m);
        // The merchant's request key is stored (or names the payment) in the same commit.
        await this.idempotency.writeKey(plan.requestKey, m);
        const id = newId('att');
        const now = new Date();
        const attempt = m.create(PaymentAttempt, {
          id,
          createdAt: now,
          updatedAt: now,
          paymentId: plan.payment.id,
          merchantId: plan.payment.merchantId,
          operation: plan.operation,
          status: 'pending',
          idempotencyKey: `payrail_${id}`,
          amount: plan.amount,
          refundId: plan.refundId ?? null,
          request: plan.request as Record<string, unknown>,
          errorCode: null,
          errorMessage: null,
          gatewayCode: null,
          gatewayRequestId: null,
          latencyMs: null,
          finishedAt: null,
          recoveryTries: 0,
          nextRecoveryAt: new Date(Date.now() + FIRST_RECOVERY_DELAY_MS),
        });
        // Inserted without the read-back `insert` makes: every column is set here.
        await insertRow(m, PaymentAttempt, attempt as never);
        return attempt;
      })
      .catch((error: unknown) => {
        this.idempotency.keyRolledBack(plan.requestKey);
        throw error;
      });
    this.idempotency.keyCommitted(plan.requestKey);
    plan.committed?.();
    return attempt;
  }

  /** Sends the attempt's request (again, for recovery: same key, same parameters). */
  async call<O extends MoneyOperation>(
    operation: O,
    gateway: PaymentGateway,
    connection: GatewayConnection,
    attempt: PaymentAttempt,
    payment: Payment,
  ): Promise<Invocation<CallResults[O]>> {
    return this.invoker.invoke<CallResults[O]>(operation, { gateway: gateway.code, connection }, () =>
      this.send(operation, gateway, connection, attempt, payment),
    );
  }

  /** Asks the gateway for its view of a payment. */
  async sync(
    gateway: PaymentGateway,
    connection: GatewayConnection,
    reference: string,
  ): Promise<Outcome<GatewayPaymentSnapshot>> {
    const { outcome } = await this.invoker.invoke('sync', { gateway: gateway.code, connection }, () =>
      gateway.sync(connection, { reference }),
    );
    return outcome;
  }

  /** Claim, call, apply: a step from start to finish. */
  async run<O extends MoneyOperation, R>(
    plan: AttemptPlan<O>,
    gateway: PaymentGateway,
    connection: GatewayConnection,
    apply: (attempt: PaymentAttempt, invocation: Invocation<CallResults[O]>) => Promise<R>,
  ): Promise<R> {
    const attempt = await this.begin(plan);
    // The attempt is committed and the gateway not yet called: recovery must find and send it.
    await faultPoint(`before_gateway_${plan.operation}`);
    // A payment the gateway already knows (capture, void, refund) is in flight from the call on:
    // the gateway's webhook for it can come before its answer. An authorization, from its answer.
    const known = plan.payment.gatewayReference;
    const callAndApply = async () => {
      const invocation = await this.call(plan.operation, gateway, connection, attempt, plan.payment);
      // The gateway has acted; nothing is committed yet: recovery must find out what it did.
      if (invocation.outcome.ok) await faultPoint(`after_gateway_${plan.operation}`);
      if (known) return apply(attempt, invocation);
      const answered = invocation.outcome.ok ? (invocation.outcome.value as { reference?: unknown }) : null;
      const reference = typeof answered?.reference === 'string' ? answered.reference : null;
      return this.inFlight.track(connection.id, reference, apply(attempt, invocation));
    };
    return known ? this.inFlight.track(connection.id, known, callAndApply()) : callAndApply();
  }

  private async send<O extends MoneyOperation>(
    operation: O,
    gateway: PaymentGateway,
    connection: GatewayConnection,
    attempt: PaymentAttempt,
    payment: Payment,
  ): Promise<Outcome<CallResults[O]>> {
    const reduce = <T, V>(outcome: Outcome<T>, value: (t: T) => V): Outcome<V> =>
      outcome.ok ? { ok: true, value: value(outcome.value) } : outcome;
    switch (operation as MoneyOperation) {
      case 'authorize':
        return (await gateway.authorize(
          connection,
          gatewayRequestOf('authorize', attempt, payment),
        )) as Outcome<CallResults[O]>;
      case 'capture':
        return reduce(
          await gateway.capture(connection, gatewayRequestOf('capture', attempt, payment)),
          (r) => r.snapshot,
        ) as Outcome<CallResults[O]>;
      case 'void':
        return (await gateway.void(connection, gatewayRequestOf('void', attempt, payment))) as Outcome<
          CallResults[O]
        >;
      case 'refund':
        return reduce(
          await gateway.refund(connection, gatewayRequestOf('refund', attempt, payment)),
          (r) => r.refund,
        ) as Outcome<CallResults[O]>;
    }
  }
}
