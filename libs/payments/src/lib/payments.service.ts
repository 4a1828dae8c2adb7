import { Injectable } from '@nestjs/common';
import { SYSTEM_ACTOR, type AuditActorContext } from '@payrail/audit';
import type { PaymentEvent } from './entities/payment-event.entity';
import type { Payment } from './entities/payment.entity';
import type { Refund } from './entities/refund.entity';
import { PaymentCaptures } from './payment-captures';
import { PaymentChangeFeed } from './payment-changes';
import { PaymentCreation, type CreatePaymentInput } from './payment-creation';
import { PaymentReads, type ListPaymentsFilter } from './payment-reads';
import { PaymentRefunds } from './payment-refunds';

export type { CreatePaymentInput } from './payment-creation';
export type { ListPaymentsFilter } from './payment-reads';

/** The merchant API's payment operations, each served by the part of the core that owns it. */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly reads: PaymentReads,
    private readonly creation: PaymentCreation,
    private readonly captures: PaymentCaptures,
    private readonly refunds: PaymentRefunds,
    /** Payment and refund state changes, published in the transaction that makes them (the webhook outbox listens). */
    readonly changes: PaymentChangeFeed,
  ) {}

  get(merchantId: string, id: string): Promise<Payment> {
    return this.reads.get(merchantId, id);
  }

  list(merchantId: string, filter: ListPaymentsFilter): Promise<{ data: Payment[]; hasMore: boolean }> {
    return this.reads.list(merchantId, filter);
  }

  timeline(merchantId: string, id: string): Promise<PaymentEvent[]> {
    return this.reads.timeline(merchantId, id);
  }

  listRefunds(merchantId: string, paymentId: string): Promise<Refund[]> {
    return this.reads.listRefunds(merchantId, paymentId);
  }

  create(
    merchantId: string,
    input: CreatePaymentInput,
    context: AuditActorContext = SYSTEM_ACTOR,
  ): Promise<Payment> {
    return this.creation.create(merchantId, input, context);
  }

  capture(
    merchantId: string,
    id: string,
    input: { amount?: number; final?: boolean },
    context: AuditActorContext = SYSTEM_ACTOR,
  ): Promise<Payment> {
    return this.captures.capture(merchantId, id, input, context);
  }

  void(merchantId: string, id: string, context: AuditActorContext = SYSTEM_ACTOR): Promise<Payment> {
    return this.captures.void(merchantId, id, context);
  }

  refund(
    merchantId: string,
    id: string,
    input: { amount?: number; reason?: string },
    context: AuditActorContext = SYSTEM_ACTOR,
  ): Promise<Refund> {
    return this.refunds.refund(merchantId, id, input, context);
  }
}
