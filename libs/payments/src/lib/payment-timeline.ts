import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { insertRows, newId, updateRows, type UpdateGuard } from '@payrail/database';
import type { GatewayError } from '@payrail/plugin-sdk';
import { PaymentAttempt } from './entities/payment-attempt.entity';
import { PaymentEvent } from './entities/payment-event.entity';
import type { Payment } from './entities/payment.entity';

type CallOutcome = { ok: true } | { ok: false; error: GatewayError };

/** How a gateway call settles its attempt's row: an `UPDATE` of `payment_attempts`, guarded with `unlessSettled`. */
export interface AttemptSettlement {
  target: typeof PaymentAttempt;
  values: Partial<PaymentAttempt>;
  where: { id: string };
  guard: UpdateGuard;
  unlessSettled: boolean;
  error: GatewayError | null;
  latencyMs: number | null;
}

/** A payment's timeline, the history support reads: state changes, gateway calls, recovery, webhooks. */
@Injectable()
export class PaymentTimeline {
  /** Events added inside `batch`, by the manager of their transaction. */
  private readonly pending = new WeakMap<EntityManager, Partial<PaymentEvent>[]>();

  constructor(@InjectRepository(PaymentEvent) private readonly events: Repository<PaymentEvent>) {}

  list(paymentId: string): Promise<PaymentEvent[]> {
    return this.events.find({ where: { paymentId }, order: { id: 'ASC' } });
  }

  /**
   * Runs `work` with the events it adds on `m` written together, in one multi-row `INSERT` when
   * it is done, instead of one statement each; within `work` nothing reads them back. The ids
   * are given as each event is added, so the timeline keeps its order. Inside another batch on
   * the same manager the events go with that one.
   */
  async batch<T>(m: EntityManager, work: () => Promise<T>): Promise<T> {
    if (this.pending.has(m)) return work();
    const rows: Partial<PaymentEvent>[] = [];
    this.pending.set(m, rows);
    try {
      const result = await work();
      await insertRows(m, PaymentEvent, rows as never[]);
      return result;
    } finally {
      this.pending.delete(m);
    }
  }

  async add(m: EntityManager, payment: Pick<Payment, 'id'>, event: Partial<PaymentEvent>): Promise<void> {
    const row = {
      id: newId('pev'),
      paymentId: payment.id,
      fromStatus: null,
      toStatus: null,
      operation: null,
      attemptId: null,
      outcome: null,
      latencyMs: null,
      errorCode: null,
      message: null,
      data: null,
      ...event,
    };
    const batched = this.pending.get(m);
    if (batched) batched.push(row);
    else await insertRows(m, PaymentEvent, [row as never]);
  }

  /**
   * Settles the attempt's own row with the call's outcome and puts the call on the timeline.
   * With `unlessSettled`, an attempt another process already settled (two recoveries of one
   * call) is left as it is and nothing is recorded: the `UPDATE` itself is the check, so the
   * attempt is neither read before nor after. Returns whether the call was recorded.
   */
  async recordCall(
    m: EntityManager,
    payment: Payment,
    attempt: PaymentAttempt,
    outcome: CallOutcome,
    latencyMs: number | null,
    options: { unlessSettled?: boolean } = {},
  ): Promise<boolean> {
    const settlement = this.settlement(attempt, outcome, latencyMs, options);
    const affected = await updateRows(
      m,
      PaymentAttempt,
      settlement.values,
      settlement.where,
      settlement.guard,
    );
    return this.recordSettled(m, payment, attempt, settlement, affected);
  }

  /** The attempt's `UPDATE` that `recordCall` makes, for a caller that sends it with another statement. */
  settlement(
    attempt: PaymentAttempt,
    outcome: CallOutcome,
    latencyMs: number | null,
    options: { unlessSettled?: boolean } = {},
  ): AttemptSettlement {
    const error = outcome.ok ? null : outcome.error;
    const status = outcome.ok ? 'succeeded' : error?.indeterminate ? 'unknown' : 'failed';
    const now = new Date();
    const values = {
      status,
      errorCode: error?.code ?? null,
      errorMessage: error?.message.slice(0, 500) ?? null,
      gatewayCode: error?.gatewayCode ?? null,
      gatewayRequestId: error?.gatewayRequestId ?? null,
      latencyMs: latencyMs ?? attempt.latencyMs,
      finishedAt: status === 'unknown' ? null : now,
      nextRecoveryAt: status === 'unknown' ? attempt.nextRecoveryAt : null,
      updatedAt: now,
    } satisfies Partial<PaymentAttempt>;
    return {
      target: PaymentAttempt,
      values,
      where: { id: attempt.id },
      guard: options.unlessSettled ? { notIn: { status: ['succeeded', 'failed'] } } : {},
      unlessSettled: !!options.unlessSettled,
      error,
      latencyMs,
    };
  }

  /** After the settlement's `UPDATE` changed `affected` rows: the attempt takes it and the call goes on the timeline. */
  async recordSettled(
    m: EntityManager,
    payment: Pick<Payment, 'id'>,
    attempt: PaymentAttempt,
    settlement: AttemptSettlement,
    affected: number,
  ): Promise<boolean> {
    if (settlement.unlessSettled && affected === 0) return false;
    Object.assign(attempt, settlement.values);
    const { error, latencyMs } = settlement;
    await this.add(m, payment, {
      type: 'gateway_call',
      operation: attempt.operation,
      attemptId: attempt.id,
      outcome: attempt.status,
      latencyMs,
      errorCode: error?.code ?? null,
      message: error
        ? (error.userMessage === error.message
            ? error.userMessage
            : `${error.userMessage} (${error.message})`
          ).slice(0, 500)
        : null,
      data: error?.gatewayCode
        ? { gateway_code: error.gatewayCode, gateway_request_id: error.gatewayRequestId ?? null }
        : null,
    });
    return true;
  }
}
