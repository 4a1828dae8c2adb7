import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService, type AuditActorContext } from '@payrail/audit';
import { findRowById, lockRowThenUpdate, TransactionRunner, writeRows } from '@payrail/database';
import { recordPaymentFailure, recordPaymentStatus } from '@payrail/monitoring';
import type { GatewayError, GatewayPaymentSnapshot } from '@payrail/plugin-sdk';
import type { PaymentAttempt } from './entities/payment-attempt.entity';
import { Payment } from './entities/payment.entity';
import { PaymentChangeFeed } from './payment-changes';
import { assertTransition, canTransition, fromGatewayStatus, type PaymentStatus } from './payment-status';
import { PaymentTimeline, type AttemptSettlement } from './payment-timeline';

export type MoneyAction = 'payment.captured' | 'payment.voided' | 'payment.refunded';

/**
 * Every write that changes a payment's state goes through here, inside the caller's
 * transaction: the state machine is checked, the change is on the timeline and published.
 */
@Injectable()
export class PaymentLedger {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly timeline: PaymentTimeline,
    private readonly audit: AuditService,
    readonly changes: PaymentChangeFeed,
  ) {}

  /** Reads the payment for update: on PostgreSQL the row stays locked until the transaction ends. */
  async lock(m: EntityManager, id: string): Promise<Payment> {
    const payment = await findRowById(m, Payment, id, { forUpdate: true });
    // A missing payment is refused by TypeORM's own lookup, with its usual error.
    return payment ?? m.findOneOrFail(Payment, { where: { id } });
  }

  /**
   * Locks the payment as `lock` does and settles the call's attempt under that lock, in one round
   * trip on PostgreSQL; `affected` is what the settlement's `UPDATE` changed. With `auditing` (the
   * outcome of a money movement, which `auditMoney` records), the audit chain's lock and head go
   * in the same round trip, after the payment's lock as the entry's own append would take them.
   */
  async lockSettling(
    m: EntityManager,
    id: string,
    settlement: AttemptSettlement,
    options: { auditing?: boolean } = {},
  ): Promise<{ payment: Payment; affected: number }> {
    const ahead = options.auditing ? this.audit.lockAheadStatements(m) : [];
    const { row, affected, after } = await lockRowThenUpdate(m, Payment, id, settlement, ahead);
    if (ahead.length) this.audit.tookLockAhead(m, after.at(-1)?.rows[0]);
    return { payment: row ?? (await m.findOneOrFail(Payment, { where: { id } })), affected };
  }

  /**
   * Writes the payment as it is in memory in one `UPDATE`, without the read before and after
   * that `save` makes: callers hold the row (read for update, or written in this transaction).
   */
  async write(m: EntityManager, payment: Payment): Promise<void> {
    const now = new Date();
    const values: Record<string, unknown> = {};
    for (const property of mutableColumns(m)) values[property] = payment[property as keyof Payment];
    await writeRows(
      m,
      Payment,
      { ...values, updatedAt: now, version: () => 'version + 1' },
      { id: payment.id },
    );
    payment.updatedAt = now;
    payment.version = (payment.version ?? 0) + 1;
  }

  /** The one way a payment changes status; a move `TRANSITIONS` does not allow throws. */
  async moveTo(m: EntityManager, payment: Payment, status: PaymentStatus, message?: string): Promise<void> {
    const from = payment.status;
    assertTransition(from, status);
    payment.status = status;
    await this.write(m, payment);
    if (from !== status) {
      await this.timeline.add(m, payment, {
        type: 'status_changed',
        fromStatus: from,
        toStatus: status,
        message: message ?? null,
      });
      await this.changes.publish(m, { kind: 'payment', payment, from, to: status });
      // Counted in memory as the change is made; a rolled-back change is a rare overcount, never a database write.
      recordPaymentStatus(payment.gateway, status);
    }
  }

  /**
   * A claim `UPDATE` moved the payment atomically (its status list comes from `claimableFrom`);
   * this checks the move against the state machine and puts it on the timeline.
   */
  async claimed(m: EntityManager, payment: Payment, to: PaymentStatus, message: string): Promise<void> {
    assertTransition(payment.status, to);
    await this.timeline.add(m, payment, {
      type: 'status_changed',
      fromStatus: payment.status,
      toStatus: to,
      message,
    });
  }

  /**
   * Takes the gateway's view of the payment as the truth. A view the state machine cannot
   * reach from here (the gateway and Payrail disagree) leaves the status alone and flags the
   * payment for review instead.
   */
  async applySnapshot(
    m: EntityManager,
    payment: Payment,
    snapshot: GatewayPaymentSnapshot,
    options: { keepRefunds?: boolean } = {},
  ): Promise<void> {
    let status = fromGatewayStatus(snapshot.status);
    if (status === 'authorizing') status = 'unknown';
    if (!canTransition(payment.status, status)) {
      payment.needsReview = true;
      // A call under way cannot stay so once the gateway has answered: it is in doubt.
      if (payment.status === 'authorizing' || payment.status === 'capturing')
        await this.moveTo(m, payment, 'unknown', `the gateway reports ${snapshot.status}`);
      else await this.write(m, payment);
      await this.timeline.add(m, payment, {
        type: 'status_changed',
        fromStatus: payment.status,
        toStatus: payment.status,
        message: `the gateway reports ${snapshot.status}, which Payrail cannot reach from ${payment.status}; flagged for review`,
      });
      await this.changes.publish(m, {
        kind: 'review_required',
        payment,
        reason: `the gateway reports ${snapshot.status} for a ${payment.status} payment`,
      });
      return;
    }
    payment.gatewayReference = snapshot.reference || payment.gatewayReference;
    payment.amountCapturable = snapshot.amountCapturable;
    payment.amountCaptured = snapshot.amountCaptured;
    if (!options.keepRefunds)
      payment.amountRefunded = Math.max(payment.amountRefunded, snapshot.amountRefunded);
    payment.captures = snapshot.captures;
    payment.nextAction = snapshot.nextAction ?? null;
    if (snapshot.card?.brand) payment.cardBrand = snapshot.card.brand;
    if (snapshot.card?.last4) payment.cardLast4 = snapshot.card.last4;
    if (snapshot.failure) {
      payment.failureCode = snapshot.failure.code;
      payment.failureMessage = snapshot.failure.message;
      payment.failureGatewayCode = snapshot.failure.gatewayCode ?? null;
    }
    await this.moveTo(m, payment, status);
  }

  async fail(m: EntityManager, payment: Payment, error: GatewayError): Promise<void> {
    payment.failureCode = error.code;
    payment.failureMessage = error.userMessage;
    payment.failureGatewayCode = error.gatewayCode ?? null;
    payment.amountCapturable = 0;
    payment.inFlight = null;
    await this.moveTo(m, payment, 'failed', error.userMessage);
    recordPaymentFailure(payment.gateway, error.code);
  }

  /** One audit entry per money movement (or refused one), in the transaction that records it; calls still in doubt wait for recovery. */
  auditMoney(
    m: EntityManager,
    context: AuditActorContext,
    action: MoneyAction,
    payment: Payment,
    attempt: PaymentAttempt,
    after: Record<string, unknown>,
    failure?: GatewayError,
  ) {
    return this.audit.record(
      {
        ...context,
        action,
        outcome: failure ? 'failure' : 'success',
        reason: failure ? `${failure.code}: ${failure.userMessage}` : null,
        merchantId: payment.merchantId,
        resource: { type: 'payment', id: payment.id },
        change: {
          after: {
            ...after,
            currency: payment.currency,
            gateway: payment.gateway,
            connectionId: payment.connectionId,
            attemptId: attempt.id,
          },
        },
      },
      m,
    );
  }
}

let mutable: string[] | null = null;

/** The payment's columns a state change may write: all but its id, creation time, update time and version. */
function mutableColumns(m: EntityManager): string[] {
  mutable ??= m.connection
    .getMetadata(Payment)
    .columns.filter((c) => !c.isPrimary && !c.isCreateDate && !c.isUpdateDate && !c.isVersion)
    .map((c) => c.propertyName);
  return mutable;
}
