import { invalidRequest, resourceMissing } from './errors';
import { nowSeconds, stripeId } from './ids';
import { StripeLedger } from './state-ledger';
import type { BalanceTransactionObject, StripeObject } from './state-types';

/** What Stripe keeps for a lost dispute, per currency, in minor units (USD 15.00). */
export const DISPUTE_FEE = 1500;

export type PayoutObject = StripeObject & {
  amount: number;
  currency: string;
  arrival_date: number;
  status: 'paid' | 'pending' | 'in_transit' | 'canceled' | 'failed';
  balance_transaction: string;
};

/**
 * Payouts and the discrepancies a test injects into the balance: a dispute, a fee, an amount
 * off by some minor units, and rows hidden for good (missing) or until released (late). Hidden
 * rows are neither listed nor paid out.
 */
export class StripeSettlements extends StripeLedger {
  readonly payouts = new Map<string, PayoutObject>();
  readonly disputes = new Map<string, StripeObject>();
  /** Balance transaction id → the payout that carried it. */
  readonly paidBy = new Map<string, string>();
  private readonly hidden = new Map<string, 'missing' | 'late'>();

  override find(id: string): StripeObject | undefined {
    return this.payouts.get(id) ?? this.disputes.get(id) ?? super.find(id);
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

  /** Books a lost dispute on a captured charge: the disputed amount leaves the balance, plus the dispute fee. */
  dispute(reference: string, amount?: number): BalanceTransactionObject {
    const charge = this.charges.get(this.transactionOf(reference).source ?? '');
    if (!charge) throw invalidRequest(`'${reference}' is not a captured charge`, { param: 'payment_intent' });
    const disputed = amount ?? charge.amount_captured;
    if (!Number.isInteger(disputed) || disputed < 1 || disputed > charge.amount_captured)
      throw invalidRequest('amount must be a whole number of minor units, at most what was captured', {
        param: 'amount',
      });
    const id = stripeId('dp');
    const txn = this.balanceTransaction({
      amount: -disputed,
      fee: DISPUTE_FEE,
      currency: charge.currency,
      type: 'adjustment',
      reporting_category: 'dispute',
      source: id,
      description: `Chargeback withdrawal for ${charge.id}`,
      availableNow: true,
    });
    txn.fee_details = [
      {
        amount: DISPUTE_FEE,
        application: null,
        currency: charge.currency,
        description: 'Dispute fee',
        type: 'stripe_fee',
      },
    ];
    const dispute = this.track({
      id,
      object: 'dispute',
      amount: disputed,
      balance_transactions: [structuredClone(txn)],
      charge: charge.id,
      created: nowSeconds(),
      currency: charge.currency,
      evidence: {},
      evidence_details: { due_by: null, has_evidence: false, past_due: false, submission_count: 0 },
      is_charge_refundable: false,
      livemode: false,
      metadata: {},
      payment_intent: charge.payment_intent,
      reason: 'fraudulent',
      status: 'lost',
    });
    this.disputes.set(id, dispute);
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
