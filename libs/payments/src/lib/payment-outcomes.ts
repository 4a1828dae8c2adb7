import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SYSTEM_ACTOR, type AuditActorContext } from '@payrail/audit';
import { TransactionRunner } from '@payrail/database';
import { GatewayError, type GatewayPaymentSnapshot, type Outcome } from '@payrail/plugin-sdk';
import type { StoredRequests } from './attempt-requests';
import type { CallResults } from './attempt-runner';
import { PaymentAttempt } from './entities/payment-attempt.entity';
import { IdempotencyService, type RequestKey } from './idempotency.service';
import type { Payment } from './entities/payment.entity';
import { Refund } from './entities/refund.entity';
import { PaymentFailedError } from './payment-errors';
import { PaymentLedger } from './payment-ledger';
import { canTransition, type PaymentStatus } from './payment-status';
import { PaymentTimeline } from './payment-timeline';

export interface ApplyOptions {
  /** The call's latency, when this process made it (recovery asks afterwards and has none). */
  latencyMs?: number | null;
  /** A merchant's request raises a definite failure as its error; recovery only records it. */
  raise?: boolean;
  context?: AuditActorContext;
  /**
   * This outcome is the merchant request's answer (no further step follows it): a route that
   * answers with its resource stores that answer under its `Idempotency-Key` in this transaction.
   */
  answer?: boolean;
  /** The merchant request's key, for that answer. */
  requestKey?: RequestKey;
  /** The outcome is a money movement's, which goes on the audit trail when it is definite. */
  auditing?: boolean;
}

interface Applied<T> {
  result: T;
  payment: Payment;
  failure?: GatewayError;
}

/** Applies a gateway call's outcome to the payment, for the request that made it and for recovery alike. */
@Injectable()
export class PaymentOutcomes {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly ledger: PaymentLedger,
    private readonly timeline: PaymentTimeline,
    private readonly idempotency: IdempotencyService,
  ) {}

  authorize(
    paymentId: string,
    attempt: PaymentAttempt,
    outcome: Outcome<GatewayPaymentSnapshot>,
    options: ApplyOptions = {},
  ): Promise<Payment> {
    return this.apply(paymentId, attempt, outcome, options, async (m, payment) => {
      if (outcome.ok) {
        await this.ledger.applySnapshot(m, payment, outcome.value);
        return { result: payment, payment };
      }
      if (outcome.error.reference) payment.gatewayReference = outcome.error.reference;
      if (outcome.error.indeterminate) {
        await this.ledger.moveTo(m, payment, 'unknown', outcome.error.message);
        return { result: payment, payment };
      }
      await this.ledger.fail(m, payment, outcome.error);
      return { result: payment, payment, failure: outcome.error };
    });
  }

  capture(
    paymentId: string,
    attempt: PaymentAttempt,
    outcome: Outcome<CallResults['capture']>,
    options: ApplyOptions = {},
  ): Promise<Payment> {
    const context = options.context ?? SYSTEM_ACTOR;
    return this.apply(paymentId, attempt, outcome, auditing(options, outcome), async (m, payment) => {
      const audit = (after: Record<string, unknown>, failure?: GatewayError) =>
        this.ledger.auditMoney(m, context, 'payment.captured', payment, attempt, after, failure);
      if (outcome.ok) {
        payment.inFlight = null;
        const before = payment.amountCaptured;
        await this.ledger.applySnapshot(m, payment, outcome.value, { keepRefunds: true });
        await audit({
          amount: payment.amountCaptured - before,
          amountCaptured: payment.amountCaptured,
          status: payment.status,
        });
        return { result: payment, payment };
      }
      if (outcome.error.indeterminate) {
        await this.ledger.moveTo(m, payment, 'unknown', outcome.error.message);
        return { result: payment, payment };
      }
      payment.inFlight = null;
      await this.ledger.moveTo(
        m,
        payment,
        statusBeforeCapture(attempt, payment),
        `capture failed: ${outcome.error.code}`,
      );
      await audit({ amount: attempt.amount, status: payment.status }, outcome.error);
      return { result: payment, payment, failure: outcome.error };
    });
  }

  void(
    paymentId: string,
    attempt: PaymentAttempt,
    outcome: Outcome<CallResults['void']>,
    options: ApplyOptions = {},
  ): Promise<Payment> {
    const context = options.context ?? SYSTEM_ACTOR;
    return this.apply(paymentId, attempt, outcome, auditing(options, outcome), async (m, payment) => {
      const audit = (failure?: GatewayError) =>
        this.ledger.auditMoney(
          m,
          context,
          'payment.voided',
          payment,
          attempt,
          { amount: payment.amount, status: payment.status },
          failure,
        );
      if (outcome.ok) {
        payment.inFlight = null;
        await this.ledger.applySnapshot(m, payment, outcome.value);
        await audit();
        return { result: payment, payment };
      }
      if (outcome.error.indeterminate) {
        await this.ledger.moveTo(m, payment, 'unknown', outcome.error.message);
        return { result: payment, payment };
      }
      payment.inFlight = null;
      await this.ledger.write(m, payment);
      await audit(outcome.error);
      return { result: payment, payment, failure: outcome.error };
    });
  }

  refund(
    paymentId: string,
    refundId: string,
    attempt: PaymentAttempt,
    outcome: Outcome<CallResults['refund']>,
    options: ApplyOptions = {},
  ): Promise<Refund> {
    const context = options.context ?? SYSTEM_ACTOR;
    return this.apply(
      paymentId,
      attempt,
      outcome,
      auditing(options, outcome),
      async (m, payment) => {
        const refund = await m.findOneByOrFail(Refund, { id: refundId });
        const before = refund.status;
        const failure = outcome.ok
          ? outcome.value.status === 'failed'
            ? new GatewayError('processing_error', { detail: 'the gateway reported the refund failed' })
            : undefined
          : outcome.error.indeterminate
            ? undefined
            : outcome.error;
        if (outcome.ok && !failure) {
          refund.status = 'succeeded';
          refund.gatewayReference = outcome.value.reference;
          payment.amountRefundPending -= refund.amount;
          payment.amountRefunded += refund.amount;
          await this.afterRefund(m, payment);
        } else if (!failure) {
          refund.status = 'unknown';
        } else {
          refund.status = 'failed';
          refund.failureCode = failure.code;
          refund.failureMessage = failure.userMessage;
          payment.amountRefundPending -= refund.amount;
          await this.ledger.write(m, payment);
        }
        await m.save(refund);
        if (refund.status === 'succeeded' || refund.status === 'failed') {
          await this.ledger.auditMoney(
            m,
            context,
            'payment.refunded',
            payment,
            attempt,
            {
              refundId: refund.id,
              amount: refund.amount,
              amountRefunded: payment.amountRefunded,
              status: payment.status,
            },
            failure,
          );
        }
        await this.timeline.add(m, payment, {
          type: 'refund_changed',
          fromStatus: before,
          toStatus: refund.status,
          attemptId: attempt.id,
          data: { refund_id: refund.id, amount: refund.amount },
        });
        if (before !== refund.status)
          await this.ledger.changes.publish(m, {
            kind: 'refund',
            payment,
            refund,
            from: before,
            to: refund.status,
          });
        // Only the gateway's own refusal is the merchant's error; a refund that "failed" at the gateway is a refund record.
        return {
          result: refund,
          payment,
          failure: refund.status === 'failed' && !outcome.ok ? failure : undefined,
        };
      },
      (m) => m.findOneByOrFail(Refund, { id: refundId }),
    );
  }

  /**
   * The status a successful refund leaves. A capture under way settles the status itself when
   * it ends, and a payment the gateway's own view already moved on (a webhook announced the
   * last of several racing refunds first) keeps its status: only the amounts change.
   */
  private async afterRefund(m: EntityManager, payment: Payment): Promise<void> {
    const fully = payment.amountRefunded >= payment.amountCaptured && payment.amountCapturable === 0;
    const next: PaymentStatus = fully ? 'refunded' : 'partially_refunded';
    if (
      payment.status === 'capturing' ||
      payment.status === 'unknown' ||
      !canTransition(payment.status, next)
    ) {
      await this.ledger.write(m, payment);
      return;
    }
    await this.ledger.moveTo(m, payment, next);
  }

  /** Records the call and applies its outcome in one transaction; a failure is raised only after the commit. */
  private async apply<T>(
    paymentId: string,
    attempt: PaymentAttempt,
    outcome: Outcome<unknown>,
    options: ApplyOptions,
    change: (m: EntityManager, payment: Payment) => Promise<Applied<T>>,
    settled: (m: EntityManager, payment: Payment) => Promise<T> = async (_m, payment) => payment as T,
  ): Promise<T> {
    const applied = await this.tx
      .lazy(async (m) => {
        // Two recoveries (the start-up sweep and the scheduled one) may settle the same attempt;
        // under the payment's lock the second finds it settled and changes nothing.
        const settlement = this.timeline.settlement(attempt, outcome, options.latencyMs ?? null, {
          unlessSettled: true,
        });
        const { payment, affected } = await this.ledger.lockSettling(m, paymentId, settlement, {
          auditing: options.auditing,
        });
        // The call and the changes it brings go on the timeline in one statement.
        const done: Applied<T> = await this.timeline.batch(m, async () => {
          const recorded = await this.timeline.recordSettled(m, payment, attempt, settlement, affected);
          return recorded ? change(m, payment) : { result: await settled(m, payment), payment };
        });
        // The request's answer is stored with the outcome; a failure it raises is answered by
        // its error, which the key's completion stores.
        if (options.answer && !(done.failure && options.raise))
          await this.idempotency.writeAnswer(options.requestKey, m, done.result);
        return done;
      })
      .catch((error: unknown) => {
        this.idempotency.answerSettled(options.requestKey, false);
        throw error;
      });
    this.idempotency.answerSettled(options.requestKey, true);
    if (applied.failure && options.raise) throw new PaymentFailedError(applied.payment, applied.failure);
    return applied.result;
  }
}

/** A money movement's definite outcome is audited; an indeterminate one waits for recovery. */
function auditing(options: ApplyOptions, outcome: Outcome<unknown>): ApplyOptions {
  return { ...options, auditing: outcome.ok || !outcome.error.indeterminate };
}

/** Where a capture the gateway refused leaves the payment: where it was before the claim. */
function statusBeforeCapture(attempt: PaymentAttempt, payment: Payment): PaymentStatus {
  const stored = (attempt.request as Partial<StoredRequests['capture']>).statusBefore;
  if (stored) return stored;
  if (payment.amountCaptured === 0) return 'authorized';
  return payment.amountRefunded > 0 ? 'partially_refunded' : 'partially_captured';
}
