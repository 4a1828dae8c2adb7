// Square disputes: dispute.* events and text evidence (CreateDisputeEvidenceText, then SubmitEvidence).
import type { GatewayDispute, GatewayDisputeStatus } from '@payrail/plugin-sdk';

export const SQUARE_DISPUTE_EVENT_TYPES = [
  'dispute.created',
  'dispute.state.updated',
  'dispute.evidence.added',
];

/** The wire shape of a dispute in a Square notification or answer (snake_case, as sent). */
export interface SquareDisputeWire {
  id?: string;
  amount_money?: { amount?: number | bigint; currency?: string };
  reason?: string;
  state?: string;
  due_at?: string;
  disputed_payment?: { payment_id?: string };
}

function disputeStatus(state: string): GatewayDisputeStatus {
  switch (state) {
    case 'WON':
    case 'INQUIRY_CLOSED':
      return 'won';
    case 'LOST':
    case 'ACCEPTED':
      return 'lost';
    case 'PROCESSING':
    case 'INQUIRY_PROCESSING':
      return 'under_review';
    default:
      return 'needs_response';
  }
}

export function squareDispute(wire: SquareDisputeWire): GatewayDispute {
  const state = wire.state ?? 'EVIDENCE_REQUIRED';
  return {
    reference: wire.id ?? '',
    amount: Number(wire.amount_money?.amount ?? 0),
    currency: wire.amount_money?.currency ?? 'USD',
    reason: wire.reason ?? 'UNKNOWN',
    status: disputeStatus(state),
    gatewayStatus: state,
    ...(wire.due_at ? { evidenceDueBy: new Date(wire.due_at) } : {}),
    inquiry: state.startsWith('INQUIRY'),
  };
}
