import { Injectable } from '@nestjs/common';
import { SYSTEM_ACTOR, type AuditActorContext } from '@payrail/audit';
import { TransactionRunner } from '@payrail/database';
import { ConnectionService } from '@payrail/gateways';
import { AttemptRunner } from './attempt-runner';
import type { Payment } from './entities/payment.entity';
import { PaymentCaptures } from './payment-captures';
import { PaymentLedger } from './payment-ledger';
import type { PaymentOwner } from './payment-owner';
import { PaymentReads } from './payment-reads';
import { canTransition, fromGatewayStatus } from './payment-status';
import { PaymentTimeline } from './payment-timeline';

/**
 * A payment waiting on the customer (`requires_action`: a 3-D Secure challenge, a buyer's
 * approval) goes on once the customer is back: the gateway is asked where it stands, its answer
 * is applied forward only, and an automatic-capture payment it authorized is captured, as a new
 * payment would be. Asking again before the customer finished changes nothing.
 */
@Injectable()
export class PaymentResumption {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly connections: ConnectionService,
    private readonly runner: AttemptRunner,
    private readonly ledger: PaymentLedger,
    private readonly timeline: PaymentTimeline,
    private readonly reads: PaymentReads,
    private readonly captures: PaymentCaptures,
  ) {}

  async resume(owner: PaymentOwner, id: string, context: AuditActorContext = SYSTEM_ACTOR): Promise<Payment> {
    const payment = await this.reads.get(owner, id);
    // A webhook may have carried it on already: an automatic payment it left authorized is captured here.
    if (payment.status === 'authorized') return this.captureIfAutomatic(owner, payment, context);
    if (payment.status !== 'requires_action' || !payment.gatewayReference) return payment;
    const record = await this.connections.findById(payment.connectionId);
    if (!record) return payment;
    const outcome = await this.runner.sync(
      this.connections.gatewayFor(record),
      await this.connections.toGatewayConnection(record),
      payment.gatewayReference,
    );
    // An unanswered question leaves the payment waiting; the customer (or a webhook) moves it later.
    if (!outcome.ok) return payment;
    const snapshot = outcome.value;
    const updated = await this.tx.lazy(async (m) => {
      const current = await this.ledger.lock(m, id);
      const next = fromGatewayStatus(snapshot.status);
      if (
        current.status !== 'requires_action' ||
        next === current.status ||
        !canTransition(current.status, next)
      )
        return current;
      await this.timeline.add(m, current, {
        type: 'status_changed',
        fromStatus: current.status,
        toStatus: next,
        message: `the customer is back: the gateway reports ${snapshot.status}`,
      });
      await this.ledger.applySnapshot(m, current, snapshot, { keepRefunds: true });
      return current;
    });
    return this.captureIfAutomatic(owner, updated, context);
  }

  private captureIfAutomatic(
    owner: PaymentOwner,
    payment: Payment,
    context: AuditActorContext,
  ): Promise<Payment> {
    if (payment.captureMethod !== 'automatic' || payment.status !== 'authorized')
      return Promise.resolve(payment);
    return this.captures.capture(owner, payment.id, {}, context);
  }
}
