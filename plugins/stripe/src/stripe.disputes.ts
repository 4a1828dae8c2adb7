// Stripe disputes: charge.dispute.* events and the evidence a merchant submits.
import type { DisputeEvidenceCategory, GatewayDispute, GatewayDisputeStatus } from '@payrail/plugin-sdk';
import type Stripe from 'stripe';

export const STRIPE_DISPUTE_EVENTS = [
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
] as const;

function disputeStatus(status: Stripe.Dispute.Status): GatewayDisputeStatus {
  switch (status) {
    case 'needs_response':
    case 'warning_needs_response':
      return 'needs_response';
    case 'under_review':
    case 'warning_under_review':
      return 'under_review';
    case 'won':
    case 'warning_closed':
      return 'won';
    case 'lost':
      return 'lost';
    default:
      return 'under_review';
  }
}

export function toGatewayDispute(dispute: Stripe.Dispute): GatewayDispute {
  const due = dispute.evidence_details?.due_by;
  return {
    reference: dispute.id,
    amount: dispute.amount,
    currency: dispute.currency.toUpperCase(),
    reason: dispute.reason,
    status: disputeStatus(dispute.status),
    gatewayStatus: dispute.status,
    ...(due ? { evidenceDueBy: new Date(due * 1000) } : {}),
    inquiry: dispute.status.startsWith('warning'),
  };
}

/** The evidence field a file of each category goes in; one file per field, a later one replaces it. */
export const STRIPE_EVIDENCE_FILE_FIELD: Record<
  DisputeEvidenceCategory,
  'receipt' | 'shipping_documentation' | 'customer_communication' | 'refund_policy' | 'uncategorized_file'
> = {
  receipt: 'receipt',
  shipping: 'shipping_documentation',
  customer_communication: 'customer_communication',
  refund_policy: 'refund_policy',
  other: 'uncategorized_file',
};
