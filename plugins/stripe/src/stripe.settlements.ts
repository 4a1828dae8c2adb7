import type { SettlementRecord } from '@payrail/plugin-sdk';
import type Stripe from 'stripe';

/** Stripe's balance transaction types Payrail reconciles, by what they are; the rest are adjustments. */
const SETTLEMENT_TYPES: Readonly<Partial<Record<Stripe.BalanceTransaction.Type, SettlementRecord['type']>>> =
  {
    charge: 'charge',
    payment: 'charge',
    refund: 'refund',
    payment_refund: 'refund',
    payment_failure_refund: 'refund',
    payout: 'payout',
    payout_cancel: 'payout',
    payout_failure: 'payout',
    stripe_fee: 'fee',
    application_fee: 'fee',
    stripe_fx_fee: 'fee',
    tax_fee: 'fee',
    adjustment: 'adjustment',
    refund_failure: 'adjustment',
  };

/** The PaymentIntent behind a balance transaction, when its `source` was expanded to a charge or refund. */
function paymentReference(txn: Stripe.BalanceTransaction): string | undefined {
  const source = txn.source as
    { object?: string; payment_intent?: string | { id: string } | null } | string | null;
  if (!source || typeof source === 'string') return undefined;
  if (source.object !== 'charge' && source.object !== 'refund') return undefined;
  const pi = source.payment_intent;
  return typeof pi === 'string' ? pi : (pi?.id ?? undefined);
}

/** One balance transaction (listed with `expand[]=data.source`) as a reconciliation record. */
export function toSettlementRecord(txn: Stripe.BalanceTransaction): SettlementRecord {
  return {
    reference: txn.id,
    type: SETTLEMENT_TYPES[txn.type] ?? 'adjustment',
    paymentReference: paymentReference(txn),
    currency: txn.currency.toUpperCase(),
    amount: txn.amount,
    fee: txn.fee,
    net: txn.net,
    occurredAt: new Date(txn.created * 1000),
    availableOn: new Date(txn.available_on * 1000),
  };
}
