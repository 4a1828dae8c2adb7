import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TransactionRunner } from '@payrail/database';
import type { GatewayConnectionRecord } from '@payrail/gateways';
import { isCircuitOpen } from '@payrail/monitoring';
import type { GatewayError } from '@payrail/plugin-sdk';
import type { PaymentAttempt } from '../entities/payment-attempt.entity';
import type { Payment } from '../entities/payment.entity';
import { PaymentLedger } from '../payment-ledger';
import { PaymentTimeline } from '../payment-timeline';

/** The payment moved to the next connection; the caller tries again there. */
export class FailedOver extends Error {
  constructor(readonly payment: Payment) {
    super(`payment ${payment.id} moved to connection ${payment.connectionId}`);
    this.name = 'FailedOver';
  }
}

/**
 * Moves a new payment to the next connection after a call that certainly did not take effect
 * (`canFailOver`). The failed call stays on the timeline with the first connection; the move is
 * a `routing` event naming both connections and why. The status stays where it is (a
 * tokenization or an authorization about to be tried again), so no webhook announces a step back.
 */
@Injectable()
export class PaymentFailover {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly ledger: PaymentLedger,
    private readonly timeline: PaymentTimeline,
  ) {}

  move(
    paymentId: string,
    attempt: PaymentAttempt,
    error: GatewayError,
    latencyMs: number | null,
    to: GatewayConnectionRecord,
  ): Promise<Payment> {
    return this.tx.run(async (m) => {
      const payment = await this.ledger.lock(m, paymentId);
      await this.timeline.recordCall(m, payment, attempt, { ok: false, error }, latencyMs);
      return this.moveIn(m, payment, attempt, error, to);
    });
  }

  /** In the caller's transaction, once the failed call is on the timeline. */
  async moveIn(
    m: EntityManager,
    payment: Payment,
    attempt: PaymentAttempt,
    error: GatewayError,
    to: GatewayConnectionRecord,
  ): Promise<Payment> {
    const from = { connection_id: payment.connectionId, gateway: payment.gateway };
    const why = isCircuitOpen(error)
      ? 'its circuit is open'
      : `${attempt.operation} was refused without effect (${error.code}${error.gatewayStatus ? `, HTTP ${error.gatewayStatus}` : ''})`;
    payment.connectionId = to.id;
    payment.gateway = to.gateway;
    await m.save(payment);
    await this.timeline.add(m, payment, {
      type: 'routing',
      operation: attempt.operation,
      message:
        `failed over from ${from.gateway} connection ${from.connection_id} to ${to.gateway} connection ${to.id}: ${why}`.slice(
          0,
          500,
        ),
      data: {
        decision: 'failover',
        from_connection_id: from.connection_id,
        to_connection_id: to.id,
        reason: isCircuitOpen(error) ? 'circuit_open' : error.code,
        attempt_id: attempt.id,
      },
    });
    return payment;
  }
}
