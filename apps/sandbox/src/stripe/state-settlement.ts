import { invalidRequest, resourceMissing } from './errors';
import { nowSeconds, stripeId } from './ids';
import { StripeLedger } from './state-ledger';
import type { BalanceTransactionObject, StripeObject } from './state-types';

export type PayoutObject = StripeObject & {
  amount: number;
  currency: string;
  arrival_date: number;
  status: 'paid' | 'pending' | 'in_transit' | 'canceled' | 'failed';
  balance_transaction: string;
};

/**
 * Payouts and the discrepancies a test injects into the balance: a fee, an amount off by some
 * minor units, and rows hidden for good (missing) or until released (late). Hidden
 * rows are neither listed nor paid out.
 */
export class StripeSettlements extends StripeLedger {
  readonly payouts = new Map<string, PayoutObject>();
  /** Balance transaction id → the payout that carried it. */
  readonly paidBy = new Map<string, string>();
  private readonly hidden = new Map<string, 'missing' | 'late'>();

  override find(id: string): StripeObject | undefined {
    return this.payouts.get(id) ?? super.find(id);
  }

  override listBalanceTransactions(): BalanceTransactionObject[] {
    return super.listBalanceTransactions().filter((t) => !this.hidden.has(t.id));
  }

  /** The transactions a payout carried, its own `payout` transaction included, as Stripe lists them. */
  payoutTransactions(payoutId: string): BalanceTransactionObject[] {
    const payout = this.retrievePayout(payoutId);
    return this.listBalanceTransactions().filter(
      (t) => this.paidBy.get(t.id) === payoutId || t.id === payout.balance_transaction,
    );
  }

  retrievePayout(id: string): PayoutObject {
    const payout = this.payouts.get(id);
    if (!payout) throw resourceMissing('payout', id);
    return payout;
  }

  listPayouts(): PayoutObject[] {
    return [...this.payouts.values()];
  }

  /**
   * Pays out everything in the balance now, one `paid` payout per currency: pending rows are
   * made available first (the sandbox does not wait the two days), hidden rows stay behind.
   */
  payOut(): PayoutObject[] {
    this.settleBalance();
    const byCurrency = new Map<string, BalanceTransactionObject[]>();
    for (const txn of this.listBalanceTransactions()) {
      if (this.paidBy.has(txn.id) || txn.type === 'payout') continue;
      byCurrency.set(txn.currency, [...(byCurrency.get(txn.currency) ?? []), txn]);
    }
    const made: PayoutObject[] = [];
    for (const [currency, rows] of byCurrency) {
      const amount = rows.reduce((sum, t) => sum + t.net, 0);
      if (amount <= 0) continue;
      const id = stripeId('po');
      const txn = this.balanceTransaction({
        amount: -amount,
        fee: 0,
        currency,
        type: 'payout',
        reporting_category: 'payout',
        source: id,
        description: 'STRIPE PAYOUT',
        availableNow: true,
      });
      const created = nowSeconds();
      const payout = this.track({
        id,
        object: 'payout',
        amount,
        application_fee: null,
        application_fee_amount: null,
        arrival_date: created,
        automatic: true,
        balance_transaction: txn.id,
        created,
        currency,
        description: 'STRIPE PAYOUT',
        destination: null,
        failure_balance_transaction: null,
        failure_code: null,
        failure_message: null,
        livemode: false,
        metadata: {},
        method: 'standard',
        original_payout: null,
        reconciliation_status: 'completed',
        reversed_by: null,
        source_type: 'card',
        statement_descriptor: null,
        status: 'paid',
        type: 'bank_account',
      }) as PayoutObject;
      this.payouts.set(id, payout);
      for (const row of rows) this.paidBy.set(row.id, id);
      made.push(payout);
    }
    return made;
  }

  /** The charge's (or refund's) balance transaction, for the discrepancy controls. */
  transactionOf(reference: string): BalanceTransactionObject {
    const pi = this.paymentIntents.get(reference)?.object;
    const chargeId = pi ? (pi['latest_charge'] as string | null) : reference;
    const holder = (chargeId && this.charges.get(chargeId)) || this.refunds.get(reference);
    const txnId = holder ? holder.balance_transaction : null;
    const txn = txnId ? this.balanceTransactions.get(txnId) : undefined;
    if (!txn)
      throw invalidRequest(`no captured charge or refund with a balance transaction for '${reference}'`, {
        param: 'payment_intent',
      });
    return txn;
  }

  /** A fee Stripe takes on its own row (`stripe_fee`): positive `amount` is a cost. */
  feeAdjustment(amount: number, currency: string, description?: string): BalanceTransactionObject {
    if (!Number.isInteger(amount) || amount === 0)
      throw invalidRequest('amount must be a non-zero whole number of minor units', { param: 'amount' });
    const txn = this.balanceTransaction({
      amount: -amount,
      fee: 0,
      currency: currency.toLowerCase(),
      type: 'stripe_fee',
      reporting_category: 'fee',
      source: '',
      description: description ?? 'Stripe fee adjustment',
      availableNow: true,
    });
    txn.source = null;
    return txn;
  }

  /** Changes the amount Stripe reports for a charge or refund by `delta` minor units (the charge itself is untouched). */
  shiftAmount(reference: string, delta: number): BalanceTransactionObject {
    if (!Number.isInteger(delta) || delta === 0)
      throw invalidRequest('delta must be a non-zero whole number of minor units', { param: 'delta' });
    const txn = this.transactionOf(reference);
    txn.amount += delta;
    txn.net = txn.amount - txn.fee;
    return txn;
  }

  /** Hides a row: `missing` for good, `late` until `release()`. */
  hide(reference: string, how: 'missing' | 'late'): BalanceTransactionObject {
    const txn = this.transactionOf(reference);
    this.hidden.set(txn.id, how);
    return txn;
  }

  /** Late rows appear now, with their original creation time. */
  release(): number {
    let released = 0;
    for (const [id, how] of this.hidden)
      if (how === 'late') {
        this.hidden.delete(id);
        released++;
      }
    return released;
  }
}
