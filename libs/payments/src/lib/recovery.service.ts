import { Inject, Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { Counter, register } from 'prom-client';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, LessThan, LessThanOrEqual, Or, Repository } from 'typeorm';
import { TransactionRunner } from '@payrail/database';
import { ConnectionService, GATEWAY_TIMEOUT_MS } from '@payrail/gateways';
import { JobQueue, JobScheduler } from '@payrail/jobs';
import { GatewayError, succeed, type GatewayPaymentSnapshot, type Outcome } from '@payrail/plugin-sdk';
import type { MoneyOperation } from './attempt-requests';
import { AttemptRunner, type CallResults } from './attempt-runner';
import { PaymentAttempt } from './entities/payment-attempt.entity';
import { Payment } from './entities/payment.entity';
import { PaymentChangeFeed } from './payment-changes';
import { PaymentLedger } from './payment-ledger';
import { PaymentOutcomes } from './payment-outcomes';
import { PaymentTimeline } from './payment-timeline';
import { judgeResend, judgeSync, type RecoveryVerdict } from './recovery-verdict';

/** How long past the gateway timeout a still-pending call counts as orphaned by a crash. */
export const ORPHAN_GRACE_MS = 5_000;

/** The queue whose job runs `RecoveryService.sweep`, offered every `RECOVERY_SWEEP_INTERVAL_MS`. */
export const RECOVERY_QUEUE = 'payments.recovery';
export const RECOVERY_SWEEP_INTERVAL_MS = 60_000;
export const RECOVERY_SWEEP_INTERVAL_MS_TOKEN = Symbol.for('payrail.recovery-sweep-interval-ms');

const flaggedForReview =
  (register.getSingleMetric('payrail_payments_flagged_for_review_total') as Counter<'gateway'> | undefined) ??
  new Counter({
    name: 'payrail_payments_flagged_for_review_total',
    help: 'Payments recovery gave up on and flagged for review',
    labelNames: ['gateway'],
  });

/** After the first try, how long recovery waits before each next one; then a person must look. */
export const RECOVERY_BACKOFF_MS = [5 * 60_000, 3600_000, 6 * 3600_000, 24 * 3600_000];

export interface RecoveryReport {
  examined: number;
  settled: number;
  stillUnknown: number;
  flaggedForReview: number;
}

/**
 * Settles gateway calls left in doubt (a timeout, a crash mid-call): it asks the gateway
 * (`sync`) what happened and, where the call evidently never took effect, sends the very same
 * request again with the same idempotency key, which the gateway answers without acting twice.
 */
@Injectable()
export class RecoveryService {
  private readonly logger = new Logger('Recovery');

  constructor(
    private readonly tx: TransactionRunner,
    private readonly connections: ConnectionService,
    private readonly runner: AttemptRunner,
    private readonly outcomes: PaymentOutcomes,
    private readonly timeline: PaymentTimeline,
    private readonly ledger: PaymentLedger,
    private readonly changes: PaymentChangeFeed,
    @InjectRepository(PaymentAttempt) private readonly attempts: Repository<PaymentAttempt>,
    @InjectRepository(Payment) private readonly paymentRows: Repository<Payment>,
    @Optional() @Inject(GATEWAY_TIMEOUT_MS) private readonly gatewayTimeoutMs = 30_000,
  ) {}

  /** Sweeps of this process, one after another (the start-up sweep and the scheduled one would race). */
  private sweeps: Promise<unknown> = Promise.resolve();

  /** Every attempt in doubt whose next try is due (all of them with `force`). */
  sweep(options: { force?: boolean; paymentId?: string } = {}): Promise<RecoveryReport> {
    const run = this.sweeps.then(() => this.sweepNow(options));
    this.sweeps = run.catch(() => undefined);
    return run;
  }

  private async sweepNow(options: { force?: boolean; paymentId?: string }): Promise<RecoveryReport> {
    const forPayment = options.paymentId ? { paymentId: options.paymentId } : {};
    // A call still pending well past the gateway timeout has no process waiting for it any more (a crash).
    const orphanedBefore = new Date(Date.now() - this.gatewayTimeoutMs - ORPHAN_GRACE_MS);
    const due = await this.attempts.find({
      where: options.force
        ? { status: In(['pending', 'unknown']), ...forPayment }
        : [
            // Once the schedule ran out (the payment is flagged for review) only a forced sweep tries again.
            {
              status: In(['pending', 'unknown']),
              ...forPayment,
              recoveryTries: LessThanOrEqual(RECOVERY_BACKOFF_MS.length),
              nextRecoveryAt: Or(LessThanOrEqual(new Date()), IsNull()),
            },
            { status: 'pending', ...forPayment, recoveryTries: 0, createdAt: LessThan(orphanedBefore) },
          ],
      order: { id: 'ASC' },
      take: 100,
    });
    const report: RecoveryReport = { examined: due.length, settled: 0, stillUnknown: 0, flaggedForReview: 0 };
    for (const attempt of due) {
      try {
        const result = await this.recover(attempt);
        report[
          result === 'settled' ? 'settled' : result === 'review' ? 'flaggedForReview' : 'stillUnknown'
        ]++;
      } catch (error) {
        report.stillUnknown++;
        this.logger.error(`recovery of ${attempt.id} failed: ${(error as Error).message}`);
      }
    }
    if (due.length) this.logger.log(`recovery: ${JSON.stringify(report)}`);
    return report;
  }

  private async recover(attempt: PaymentAttempt): Promise<'settled' | 'unknown' | 'review'> {
    const payment = await this.paymentRows.findOneByOrFail({ id: attempt.paymentId });
    const record = await this.connections.findById(payment.connectionId);
    if (!record) return this.reschedule(attempt, payment, 'its connection no longer exists');
    const gateway = this.connections.gatewayFor(record);
    const connection = await this.connections.toGatewayConnection(record);
    await this.tx.lazy((m) =>
      this.timeline.add(m, payment, {
        type: 'recovery',
        operation: attempt.operation,
        attemptId: attempt.id,
        message: `recovery try ${attempt.recoveryTries + 1}`,
      }),
    );
    const resend = <O extends MoneyOperation>(operation: O) =>
      this.runner.call(operation, gateway, connection, attempt, payment).then((i) => i.outcome);
    const sync = (reference = payment.gatewayReference ?? '') =>
      this.runner.sync(gateway, connection, reference);
    // Anything but a settled verdict leaves the attempt in doubt: later, or for a person now.
    const undecided = (verdict: { kind: 'retry' | 'review'; reason: string }) =>
      this.reschedule(attempt, payment, verdict.reason, verdict.kind === 'review');

    switch (attempt.operation) {
      case 'tokenize':
      case 'sync': {
        // No money moved; an unfinished tokenization fails the payment.
        const outcome = {
          ok: false as const,
          error: new GatewayError('processing_error', { detail: 'the card could not be tokenized' }),
        };
        if (payment.status === 'requires_payment_method')
          await this.outcomes.authorize(payment.id, attempt, outcome);
        else
          await this.attempts.update(
            { id: attempt.id },
            { status: 'failed', nextRecoveryAt: null, finishedAt: new Date() },
          );
        return 'settled';
      }
      case 'authorize': {
        // With a reference the gateway can be asked; without one, the same request under the
        // same key makes the gateway answer what the first call did (or act now, once).
        let verdict = payment.gatewayReference
          ? judgeSync(await sync())
          : judgeResend(await resend('authorize'), false);
        if (verdict.kind === 'sync') {
          const declined = verdict.error;
          const synced = judgeSync(await sync(verdict.reference));
          // The gateway's object shows the refusal: that is the evidence the failure needs.
          verdict =
            synced.kind === 'settle' && synced.outcome.ok && synced.outcome.value.status === 'failed'
              ? { kind: 'settle', outcome: { ok: false, error: declined } }
              : synced;
        }
        if (verdict.kind !== 'settle') return undecided(asUndecided(verdict));
        await this.outcomes.authorize(payment.id, attempt, verdict.outcome);
        return 'settled';
      }
      case 'capture': {
        const synced = judgeSync(await sync());
        if (synced.kind !== 'settle' || !synced.outcome.ok) return undecided(asUndecided(synced));
        const view = synced.outcome.value;
        const took =
          view.captures.some((c) => c.attemptId === attempt.id) ||
          view.amountCaptured > payment.amountCaptured;
        let outcome: Outcome<GatewayPaymentSnapshot> = synced.outcome;
        if (!took && view.amountCapturable > 0) {
          const verdict = judgeResend(await resend('capture'), true);
          if (verdict.kind !== 'settle') return undecided(asUndecided(verdict));
          outcome = verdict.outcome;
        }
        await this.outcomes.capture(payment.id, attempt, outcome);
        return 'settled';
      }
      case 'void': {
        const synced = judgeSync(await sync());
        if (synced.kind !== 'settle' || !synced.outcome.ok) return undecided(asUndecided(synced));
        let outcome: Outcome<GatewayPaymentSnapshot> = synced.outcome;
        if (synced.outcome.value.status === 'authorized') {
          const verdict = judgeResend(await resend('void'), true);
          if (verdict.kind !== 'settle') return undecided(asUndecided(verdict));
          outcome = verdict.outcome;
        }
        await this.outcomes.void(payment.id, attempt, outcome);
        return 'settled';
      }
      case 'refund': {
        const refundId = attempt.refundId ?? '';
        const synced = judgeSync(await sync());
        if (synced.kind !== 'settle' || !synced.outcome.ok) return undecided(asUndecided(synced));
        // Every plugin tags its refunds with the attempt, so no refund tagged so is proof it was not made.
        const found = synced.outcome.value.refunds.find((r) => r.attemptId === attempt.id);
        let outcome: Outcome<CallResults['refund']>;
        if (found) {
          outcome = succeed(found);
        } else {
          const verdict = judgeResend(await resend('refund'), true);
          if (verdict.kind !== 'settle') return undecided(asUndecided(verdict));
          outcome = verdict.outcome;
        }
        await this.outcomes.refund(payment.id, refundId, attempt, outcome);
        return 'settled';
      }
    }
  }

  /**
   * Leaves the attempt in doubt: tried again on the backoff schedule, or (the schedule is spent,
   * or `now`: asking again cannot tell more) flagged for review with the alert. A payment whose
   * call was under way is `unknown` from then on, never `failed`.
   */
  private async reschedule(
    attempt: PaymentAttempt,
    payment: Payment,
    reason: string,
    now = false,
  ): Promise<'unknown' | 'review'> {
    const tries = now ? RECOVERY_BACKOFF_MS.length + 1 : attempt.recoveryTries + 1;
    const delay = RECOVERY_BACKOFF_MS[tries - 1];
    await this.tx.lazy(async (m) => {
      await m.update(
        PaymentAttempt,
        { id: attempt.id },
        {
          status: 'unknown',
          recoveryTries: tries,
          nextRecoveryAt: delay === undefined ? null : new Date(Date.now() + delay),
        },
      );
      if (delay === undefined) {
        const current = await this.ledger.lock(m, payment.id);
        if (current.status === 'authorizing' || current.status === 'capturing')
          await this.ledger.moveTo(m, current, 'unknown', reason.slice(0, 500));
        current.needsReview = true;
        await m.save(current);
        await this.timeline.add(m, current, {
          type: 'recovery',
          attemptId: attempt.id,
          outcome: 'unknown',
          message:
            `${now ? 'stopped' : `gave up after ${tries} tries`} (${reason}); flagged for review`.slice(
              0,
              500,
            ),
        });
        // The alert: a `payment.review_required` event for the merchant's endpoints, in this transaction.
        await this.changes.publish(m, { kind: 'review_required', payment: current, reason });
      }
    });
    if (delay === undefined) {
      flaggedForReview.inc({ gateway: payment.gateway });
      this.logger.error(
        `ALERT payment ${payment.id} flagged for review: recovery ${now ? 'stopped' : `gave up after ${tries} tries`} (${reason})`,
      );
    }
    return delay === undefined ? 'review' : 'unknown';
  }
}

/** A verdict that did not settle, as the reason to try later or to ask a person. */
function asUndecided(verdict: RecoveryVerdict<unknown>): { kind: 'retry' | 'review'; reason: string } {
  switch (verdict.kind) {
    case 'retry':
    case 'review':
      return verdict;
    case 'sync':
      return { kind: 'review', reason: verdict.error.message };
    case 'settle':
      return {
        kind: 'review',
        reason: verdict.outcome.ok ? 'unexpected answer' : verdict.outcome.error.message,
      };
  }
}

/**
 * Runs the recovery sweep as a job: every instance offers one per interval, the queue runs one.
 * Each attempt keeps its own schedule (`nextRecoveryAt`), so the sweep only takes what is due.
 */
@Injectable()
export class RecoverySchedule implements OnModuleInit {
  constructor(
    private readonly recovery: RecoveryService,
    private readonly jobs: JobQueue,
    private readonly scheduler: JobScheduler,
    @Optional()
    @Inject(RECOVERY_SWEEP_INTERVAL_MS_TOKEN)
    private readonly intervalMs = RECOVERY_SWEEP_INTERVAL_MS,
  ) {}

  onModuleInit(): void {
    this.jobs.define(RECOVERY_QUEUE, async () => void (await this.recovery.sweep()), {
      maxAttempts: 1,
      concurrency: 1,
      leaseMs: 15 * 60_000,
    });
    this.scheduler.every(RECOVERY_QUEUE, this.intervalMs);
  }
}
