import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Payment } from './entities/payment.entity';
import type { Refund } from './entities/refund.entity';
import type { Dispute } from './disputes/dispute.entity';
import type { PaymentStatus } from './payment-status';

/** A payment or refund state change, published inside the transaction that makes it. */
export type PaymentChange =
  | { kind: 'payment'; payment: Payment; from: PaymentStatus; to: PaymentStatus }
  | { kind: 'refund'; payment: Payment; refund: Refund; from: string; to: string }
  | { kind: 'review_required'; payment: Payment; reason: string }
  | { kind: 'dispute'; payment: Payment; dispute: Dispute; change: 'created' | 'updated' | 'closed' };

/**
 * Runs in the caller's transaction with its manager: whatever a listener writes (an outbox row)
 * commits or rolls back with the change itself. A listener that throws aborts the change.
 */
export type PaymentChangeListener = (m: EntityManager, change: PaymentChange) => Promise<void>;

/** The subscribers of payment changes; the webhooks library registers its outbox here at start-up. */
@Injectable()
export class PaymentChangeFeed {
  private readonly listeners: PaymentChangeListener[] = [];

  subscribe(listener: PaymentChangeListener): void {
    this.listeners.push(listener);
  }

  async publish(m: EntityManager, change: PaymentChange): Promise<void> {
    for (const listener of this.listeners) await listener(m, change);
  }
}
