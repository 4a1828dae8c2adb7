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
  // The ledger writes a payment with one prepared UPDATE: the fake records the status it sets.
  const columns = ['status', 'needsReview', 'id', 'updatedAt', 'version'].map((propertyName) => ({
    propertyName,
    databaseName: propertyName,
  }));
  const manager = {
    connection: {
      getMetadata: () => ({
        columns: columns.slice(0, 2),
        tablePath: 'payments',
        findColumnWithPropertyPath: (p: string) => columns.find((c) => c.propertyName === p),
      }),
      driver: {
        options: { type: 'better-sqlite3' },
        escape: (name: string) => `"${name}"`,
        preparePersistentValue: (value: unknown) => value,
      },
    },
    queryRunner: {
      query: async (sql: string, parameters: unknown[]) => {
        const set = sql.slice(sql.indexOf(' SET ') + 5, sql.indexOf(' WHERE ')).split(', ');
        writes.push(`update ${parameters[set.findIndex((a) => a.startsWith('"status"'))]}`);
        return { affected: 1 };
      },
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

  it('writes, records and publishes a legal move', async () => {
    const { ledger, manager, writes } = ledgerWithWrites();
    const payment = { id: 'pay_1', status: 'authorized' } as Payment;
    await ledger.moveTo(manager, payment, 'voided');
    expect(writes).toEqual(['update voided', 'event voided', 'publish payment']);
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
