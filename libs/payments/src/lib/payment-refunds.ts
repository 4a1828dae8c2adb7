import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { SYSTEM_ACTOR } from '@payrail/audit';
import { newId } from '@payrail/database';
import { ConnectionService } from '@payrail/gateways';
import type { StoredRequests } from './attempt-requests';
import { AttemptRunner } from './attempt-runner';
import { Payment } from './entities/payment.entity';
import { Refund } from './entities/refund.entity';
import { IdempotencyService } from './idempotency.service';
import { refusalOf } from './payment-errors';
import { actionTarget, validMoney } from './payment-inputs';
import { PaymentLedger } from './payment-ledger';
import { PaymentOutcomes } from './payment-outcomes';
import { PaymentReads } from './payment-reads';
import { claimableFrom } from './payment-status';
import { allocateRefund } from './refund-allocation';
import type { PaymentOwner } from './payment-owner';
import type { RequestContext } from './request-context';

const REFUNDABLE = claimableFrom('partially_refunded', 'refunded');

/** Refunds of what was captured: reserved before the call, so concurrent refunds never take more than is left. */
@Injectable()
export class PaymentRefunds {
  constructor(
    private readonly connections: ConnectionService,
    private readonly runner: AttemptRunner,
    private readonly outcomes: PaymentOutcomes,
    private readonly ledger: PaymentLedger,
    private readonly reads: PaymentReads,
    private readonly idempotency: IdempotencyService,
    @InjectRepository(Refund) private readonly refunds: Repository<Refund>,
  ) {}

  async refund(
    owner: PaymentOwner,
    id: string,
    input: { amount?: number; reason?: string },
    context: RequestContext = SYSTEM_ACTOR,
  ): Promise<Refund> {
    const { payment, record, gateway } = await actionTarget(
      { reads: this.reads, idempotency: this.idempotency, connections: this.connections },
      owner,
      id,
      context.requestKey,
    );
    const amount =
      input.amount ?? payment.amountCaptured - payment.amountRefunded - payment.amountRefundPending;
    if (input.amount !== undefined) validMoney(input.amount, payment.currency, 'amount');
    if (amount > 0 && amount < payment.amountCaptured && !gateway.capabilities.partialRefund) {
      throw ApiError.invalid('amount', `${gateway.displayName} does not refund part of a payment`);
    }
    const connection = await this.connections.toGatewayConnection(record);
    const refund = this.refunds.create({
      id: newId('re'),
      paymentId: id,
      merchantId: payment.merchantId,
      amount,
      currency: payment.currency,
      status: 'pending',
      reason: input.reason ?? null,
      gatewayReference: null,
      failureCode: null,
      failureMessage: null,
      parts: null,
    });
    const request: StoredRequests['refund'] = {
      reference: payment.gatewayReference ?? '',
      amount,
      currency: payment.currency,
      refundId: refund.id,
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
      captures: payment.captures,
    };
    return this.runner.run(
      {
        operation: 'refund',
        payment,
        amount,
        refundId: refund.id,
        request,
        requestKey: context.requestKey,
        claim: async (m) => {
          // The payment's row is held (PostgreSQL) or transactions run one at a time (SQLite):
          // concurrent refunds allocate one after another and never pick the same capture's room.
          const current = await this.ledger.lock(m, id);
          if (gateway.capabilities.multipleCaptures && current.captures.length) {
            const held = await m.find(Refund, {
              where: { paymentId: id, status: In(['pending', 'unknown', 'succeeded']) },
            });
            const parts = allocateRefund(current.captures, held, amount);
            if (!parts) throw refusalOf(current, 'refund', amount);
            refund.parts = parts;
            // Stored with the attempt (written after the claim), so a retry sends the same split.
            request.parts = parts;
            request.captures = current.captures;
          }
          // The reservation makes concurrent refunds safe: none can take more than is left.
          const claimed = await m
            .createQueryBuilder()
            .update(Payment)
            .set({
              amountRefundPending: () => `amount_refund_pending + ${Number(amount)}`,
              version: () => 'version + 1',
            })
            .where(
              'id = :id AND status IN (:...from) AND amount_captured - amount_refunded - amount_refund_pending >= :amount AND :amount > 0',
              { id, from: REFUNDABLE, amount },
            )
            .execute();
          if (claimed.affected !== 1)
            throw refusalOf(await m.findOneByOrFail(Payment, { id }), 'refund', amount);
          await m.save(refund);
        },
      },
      gateway,
      connection,
      (attempt, { outcome, latencyMs }) =>
        this.outcomes.refund(id, refund.id, attempt, outcome, {
          latencyMs,
          raise: true,
          context,
          answer: true,
          requestKey: context.requestKey,
        }),
    );
  }
}
