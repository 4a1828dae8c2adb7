import { Injectable } from '@nestjs/common';
import { SYSTEM_ACTOR, type AuditActorContext } from '@payrail/audit';
import type { RequestContext } from './request-context';
import type { PaymentEvent } from './entities/payment-event.entity';
import type { Payment } from './entities/payment.entity';
import type { Refund } from './entities/refund.entity';
import { PaymentCaptures } from './payment-captures';
import { PaymentChangeFeed } from './payment-changes';
import { PaymentCreation, type CreatePaymentInput } from './payment-creation';
import { PaymentReads, type ListPaymentsFilter } from './payment-reads';
import type { PaymentOwner } from './payment-owner';
import { PaymentRefunds } from './payment-refunds';
import { PaymentResumption } from './payment-resumption';
import type { GatewayConnectionRecord } from '@payrail/gateways';

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
    private readonly resumption: PaymentResumption,
    /** Payment and refund state changes, published in the transaction that makes them (the webhook outbox listens). */
    readonly changes: PaymentChangeFeed,
  ) {}

  get(owner: PaymentOwner, id: string): Promise<Payment> {
    return this.reads.get(owner, id);
  }

  list(owner: PaymentOwner, filter: ListPaymentsFilter): Promise<{ data: Payment[]; hasMore: boolean }> {
    return this.reads.list(owner, filter);
  }

  timeline(owner: PaymentOwner, id: string): Promise<PaymentEvent[]> {
    return this.reads.timeline(owner, id);
  }

  listRefunds(owner: PaymentOwner, paymentId: string): Promise<Refund[]> {
    return this.reads.listRefunds(owner, paymentId);
  }

  create(
    owner: PaymentOwner,
    input: CreatePaymentInput,
    context: RequestContext = SYSTEM_ACTOR,
  ): Promise<Payment> {
    return this.creation.create(owner, input, context);
  }

  /** The connection a payment with these parameters would go to (a payment session picks its own so). */
  connectionFor(
    owner: PaymentOwner,
    input: Pick<CreatePaymentInput, 'connectionId' | 'gateway'>,
  ): Promise<GatewayConnectionRecord> {
    return this.creation.connectionFor(owner, input);
  }

  /** A payment that waited on the customer (3-D Secure, approval) goes on once they are back. */
  resume(owner: PaymentOwner, id: string, context: AuditActorContext = SYSTEM_ACTOR): Promise<Payment> {
    return this.resumption.resume(owner, id, context);
  }

  capture(
    owner: PaymentOwner,
    id: string,
    input: { amount?: number; final?: boolean },
    context: RequestContext = SYSTEM_ACTOR,
  ): Promise<Payment> {
    return this.captures.capture(owner, id, input, context);
  }

  void(owner: PaymentOwner, id: string, context: RequestContext = SYSTEM_ACTOR): Promise<Payment> {
    return this.captures.void(owner, id, context);
  }

  refund(
    owner: PaymentOwner,
    id: string,
    input: { amount?: number; reason?: string },
    context: RequestContext = SYSTEM_ACTOR,
  ): Promise<Refund> {
    return this.refunds.refund(owner, id, input, context);
  }
}
