// Square disputes: dispute.* events, text evidence (CreateDisputeEvidenceText, then SubmitEvidence)
// and evidence files (CreateDisputeEvidenceFile).
import type {
  DisputeEvidenceCategory,
  DisputeEvidenceFile,
  GatewayDispute,
  GatewayDisputeStatus,
} from '@payrail/plugin-sdk';
import type { Square } from 'square';
import { squareIdempotencyKey } from './square.transformers';
import type { SquareCall } from './square.vault';

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

/** The DisputeEvidenceType a file of each category is uploaded as. */
export const SQUARE_EVIDENCE_TYPE: Record<DisputeEvidenceCategory, Square.DisputeEvidenceType> = {
  receipt: 'RECEIPT',
  shipping: 'PROOF_OF_DELIVERY_DOCUMENTATION',
  customer_communication: 'CARDHOLDER_COMMUNICATION',
  refund_policy: 'CANCELLATION_OR_REFUND_DOCUMENTATION',
  other: 'GENERIC_EVIDENCE',
};

/** A dispute as the SDK answers it (camelCase), or the one asked for when the answer has none. */
function fromSdkDispute(d: Square.Dispute | undefined, reference: string): GatewayDispute {
  return squareDispute({
    id: d?.id ?? reference,
    amount_money: { amount: d?.amountMoney?.amount ?? 0, currency: d?.amountMoney?.currency },
    reason: d?.reason,
    state: d?.state,
    due_at: d?.dueAt ?? undefined,
  });
}

export async function submitSquareEvidenceText(
  call: SquareCall,
  request: { reference: string; text: string; idempotencyKey: string },
): Promise<GatewayDispute> {
  await call((square, options) =>
    square.disputes.createEvidenceText(
      {
        disputeId: request.reference,
        idempotencyKey: squareIdempotencyKey(request.idempotencyKey),
        evidenceType: 'GENERIC_EVIDENCE',
        evidenceText: request.text.slice(0, 500),
      },
      options,
    ),
  );
  const submitted = await call((square, options) =>
    square.disputes.submitEvidence({ disputeId: request.reference }, options),
  );
  return fromSdkDispute(submitted.dispute, request.reference);
}

export async function uploadSquareEvidenceFile(
  call: SquareCall,
  request: { reference: string; file: DisputeEvidenceFile; idempotencyKey: string },
): Promise<{ fileReference: string; dispute: GatewayDispute }> {
  const { file } = request;
  const created = await call((square, options) =>
    square.disputes.createEvidenceFile(
      {
        disputeId: request.reference,
        request: {
          idempotencyKey: squareIdempotencyKey(request.idempotencyKey),
          evidenceType: SQUARE_EVIDENCE_TYPE[file.category],
          contentType: file.contentType,
        },
        imageFile: new File([new Uint8Array(file.data)], file.name, { type: file.contentType }),
      },
      options,
    ),
  );
  const current = await call((square, options) =>
    square.disputes.get({ disputeId: request.reference }, options),
  );
  return {
    fileReference: String(created.evidence?.id ?? ''),
    dispute: fromSdkDispute(current.dispute, request.reference),
  };
}
