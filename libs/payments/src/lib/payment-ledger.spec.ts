import type { EntityManager } from 'typeorm';
import type { AuditService } from '@payrail/audit';
import type { TransactionRunner } from '@payrail/database';
import type { Payment } from './entities/payment.entity';
import { PaymentChangeFeed } from './payment-changes';
import { PaymentLedger } from './payment-ledger';
import { IllegalTransitionError } from './payment-status';
import type { PaymentTimeline } from './payment-timeline';

function ledgerWithWrites() {
  const writes: string[] = [];
  const manager = {
    save: async (row: Payment) => {
      writes.push(`save ${row.status}`);
      return row;
    },
  } as unknown as EntityManager;
  const timeline = {
    add: async (_m: EntityManager, _p: Payment, e: { toStatus?: string }) =>
      void writes.push(`event ${e.toStatus}`),
  } as unknown as PaymentTimeline;
  const feed = new PaymentChangeFeed();
  feed.subscribe(async (_m, change) => void writes.push(`publish ${change.kind}`));
  const ledger = new PaymentLedger({} as TransactionRunner, timeline, {} as AuditService, feed);
  return { ledger, manager, writes };
}

describe('PaymentLedger.moveTo', () => {
  it('refuses a move the state machine does not allow and writes nothing', async () => {
    const { ledger, manager, writes } = ledgerWithWrites();
    const payment = { id: 'pay_1', status: 'captured' } as Payment;
    await expect(ledger.moveTo(manager, payment, 'voided')).rejects.toThrow(IllegalTransitionError);
    expect(payment.status).toBe('captured');
    expect(writes).toEqual([]);
  });

  it('saves, records and publishes a legal move', async () => {
    const { ledger, manager, writes } = ledgerWithWrites();
    const payment = { id: 'pay_1', status: 'authorized' } as Payment;
    await ledger.moveTo(manager, payment, 'voided');
    expect(writes).toEqual(['save voided', 'event voided', 'publish payment']);
  });

  it('flags a payment for review instead of following a gateway view it cannot reach', async () => {
    const { ledger, manager, writes } = ledgerWithWrites();
    const payment = { id: 'pay_1', status: 'refunded', needsReview: false } as Payment;
    await ledger.applySnapshot(manager, payment, {
      reference: 'pi_1',
      status: 'authorized',
      currency: 'USD',
      amountAuthorized: 100,
      amountCapturable: 100,
      amountCaptured: 0,
      amountRefunded: 0,
      captures: [],
      refunds: [],
    });
    expect(payment).toMatchObject({ status: 'refunded', needsReview: true });
    expect(writes).toContain('publish review_required');
  });
});
