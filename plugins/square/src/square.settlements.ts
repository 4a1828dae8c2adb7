import type { SettlementRecord } from '@payrail/plugin-sdk';
import type { Square } from 'square';
import { minorUnits } from './square.transformers';

function recordType(type: string | undefined): SettlementRecord['type'] {
  switch (type) {
    case 'CHARGE':
      return 'charge';
    case 'REFUND':
      return 'refund';
    case 'FEE':
    case 'PROCESSING_FEE':
    case 'PROCESSING_FEE_REFUND':
    case 'UNDO_PROCESSING_FEE_REFUND':
    case 'THIRD_PARTY_FEE':
    case 'THIRD_PARTY_FEE_REFUND':
    case 'DEPOSIT_FEE':
    case 'DEPOSIT_FEE_REVERSED':
    case 'TAX_ON_FEE':
    case 'PAID_SERVICE_FEE':
    case 'PAID_SERVICE_FEE_REFUND':
      return 'fee';
    case 'PAYOUT':
      return 'payout';
    default:
      return 'adjustment';
  }
}

const at = (value: string | null | undefined, fallback: Date) => {
  const date = value ? new Date(value) : fallback;
  return Number.isNaN(date.getTime()) ? fallback : date;
};

/**
 * One payout entry. Square reports fees as negative amounts (gross + fee = net); Payrail's
 * `fee` is what the merchant paid, so the sign flips and `net = amount - fee` holds.
 */
export function payoutEntryRecord(entry: Square.PayoutEntry, payout: Square.Payout): SettlementRecord {
  const amount = minorUnits(entry.grossAmountMoney?.amount);
  const fee = -minorUnits(entry.feeAmountMoney?.amount);
  const paymentReference =
    entry.typeChargeDetails?.paymentId ??
    entry.typeRefundDetails?.paymentId ??
    entry.typeFeeDetails?.paymentId ??
    undefined;
  return {
    reference: entry.id,
    type: recordType(entry.type),
    ...(paymentReference ? { paymentReference } : {}),
    currency: entry.grossAmountMoney?.currency ?? payout.amountMoney?.currency ?? '',
    amount,
    fee,
    net: entry.netAmountMoney ? minorUnits(entry.netAmountMoney.amount) : amount - fee,
    occurredAt: at(entry.effectiveAt, at(payout.createdAt, new Date())),
    ...(payout.arrivalDate ? { availableOn: at(payout.arrivalDate, new Date()) } : {}),
  };
}

/** The transfer to the bank itself: money leaving the Square balance. */
export function payoutRecord(payout: Square.Payout): SettlementRecord {
  const amount = -minorUnits(payout.amountMoney?.amount);
  const fee = (payout.payoutFee ?? []).reduce((sum, f) => sum + minorUnits(f.amountMoney?.amount), 0);
  return {
    reference: payout.id,
    type: 'payout',
    currency: payout.amountMoney?.currency ?? '',
    amount,
    fee,
    net: amount - fee,
    occurredAt: at(payout.createdAt, new Date()),
    ...(payout.arrivalDate ? { availableOn: at(payout.arrivalDate, new Date()) } : {}),
  };
}

/** A completed payment no payout covers yet: gross and Square's processing fees, not yet available. */
export function paymentRecord(payment: Square.Payment): SettlementRecord | undefined {
  if (payment.status !== 'COMPLETED' || !payment.id) return undefined;
  const amount = minorUnits(payment.totalMoney?.amount);
  const fee = (payment.processingFee ?? []).reduce((sum, f) => sum + minorUnits(f.amountMoney?.amount), 0);
  return {
    reference: payment.id,
    type: 'charge',
    paymentReference: payment.id,
    currency: payment.totalMoney?.currency ?? '',
    amount,
    fee,
    net: amount - fee,
    occurredAt: at(payment.cardDetails?.cardPaymentTimeline?.capturedAt ?? payment.updatedAt, new Date()),
  };
}

/** A completed refund no payout covers yet. */
export function refundRecord(refund: Square.PaymentRefund): SettlementRecord | undefined {
  if (refund.status !== 'COMPLETED') return undefined;
  const amount = -minorUnits(refund.amountMoney.amount);
  const fee = -(refund.processingFee ?? []).reduce((sum, f) => sum + minorUnits(f.amountMoney?.amount), 0);
  return {
    reference: refund.id,
    type: 'refund',
    ...(refund.paymentId ? { paymentReference: refund.paymentId } : {}),
    currency: refund.amountMoney.currency ?? '',
    amount,
    fee,
    net: amount - fee,
    occurredAt: at(refund.updatedAt, new Date()),
  };
}
