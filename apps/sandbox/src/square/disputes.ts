import { randomBytes } from 'node:crypto';
import { invalid, missing, notFound } from './errors';
import type { Money, SquareLedger } from './payments';
import type { WebhookHub } from './webhooks';

type Json = Record<string, unknown>;

export type DisputeState =
  | 'INQUIRY_EVIDENCE_REQUIRED'
  | 'INQUIRY_PROCESSING'
  | 'INQUIRY_CLOSED'
  | 'EVIDENCE_REQUIRED'
  | 'PROCESSING'
  | 'WON'
  | 'LOST'
  | 'ACCEPTED';

export const DISPUTE_REASONS = [
  'AMOUNT_DIFFERS',
  'CANCELLED',
  'DUPLICATE',
  'NO_KNOWLEDGE',
  'NOT_AS_DESCRIBED',
  'NOT_RECEIVED',
  'PAID_BY_OTHER_MEANS',
  'CUSTOMER_REQUESTS_CREDIT',
  'EMV_LIABILITY_SHIFT',
] as const;

export const EVIDENCE_TYPES = [
  'GENERIC_EVIDENCE',
  'ONLINE_OR_APP_ACCESS_LOG',
  'AUTHORIZATION_DOCUMENTATION',
  'CANCELLATION_OR_REFUND_DOCUMENTATION',
  'CARDHOLDER_COMMUNICATION',
  'CARDHOLDER_INFORMATION',
  'PURCHASE_ACKNOWLEDGEMENT',
  'DUPLICATE_CHARGE_DOCUMENTATION',
  'PRODUCT_OR_SERVICE_DESCRIPTION',
  'RECEIPT',
  'SERVICE_RECEIVED_DOCUMENTATION',
  'PROOF_OF_DELIVERY_DOCUMENTATION',
  'RELATED_TRANSACTION_DOCUMENTATION',
  'REBUTTAL_EXPLANATION',
  'TRACKING_NUMBER',
] as const;

export interface Dispute {
  id: string;
  dispute_id: string;
  amount_money: Money;
  reason: string;
  state: DisputeState;
  due_at: string;
  disputed_payment: { payment_id: string };
  evidence_ids?: string[];
  card_brand: string;
  created_at: string;
  updated_at: string;
  brand_dispute_id: string;
  reported_at: string;
  version: number;
  location_id: string;
}

const OPEN: readonly DisputeState[] = [
  'INQUIRY_EVIDENCE_REQUIRED',
  'INQUIRY_PROCESSING',
  'EVIDENCE_REQUIRED',
  'PROCESSING',
];
const sid = (n: number) => randomBytes(n).toString('base64url').replace(/[-_]/g, 'D').slice(0, n);

/**
 * Square's Disputes API over the sandbox's payments: a test control opens a dispute on a
 * completed payment; the chargeback and any reversal become DISPUTE payout entries.
 */
export class SquareDisputes {
  readonly disputes = new Map<string, Dispute>();
  readonly evidence = new Map<string, Json[]>();

  constructor(
    private readonly ledger: SquareLedger,
    private readonly hub: WebhookHub,
  ) {}

  /** The sandbox control: a cardholder disputes a completed payment. */
  open(body: Json): Json {
    const paymentId = body['payment_id'];
    if (typeof paymentId !== 'string') throw missing('payment_id');
    const payment = this.ledger.getPayment(paymentId);
    if (payment.status !== 'COMPLETED')
      throw invalid(
        'BAD_REQUEST',
        `Payment ${paymentId} is ${payment.status}; only a completed payment can be disputed.`,
      );
    if ([...this.disputes.values()].some((d) => d.disputed_payment.payment_id === paymentId))
      throw invalid('BAD_REQUEST', `Payment ${paymentId} already has a dispute.`);
    const reason = body['reason'] ?? 'NOT_RECEIVED';
    if (!(DISPUTE_REASONS as readonly unknown[]).includes(reason))
      throw invalid('INVALID_ENUM_VALUE', `reason must be one of ${DISPUTE_REASONS.join(', ')}`, 'reason');
    const inquiry = body['inquiry'] === true;
    const created = new Date().toISOString();
    const refunded = payment.refunded_money?.amount ?? 0;
    const id = sid(22);
    const dispute: Dispute = {
      id,
      dispute_id: id,
      amount_money: { amount: payment.total_money.amount - refunded, currency: payment.total_money.currency },
      reason: String(reason),
      state: inquiry ? 'INQUIRY_EVIDENCE_REQUIRED' : 'EVIDENCE_REQUIRED',
      due_at: new Date(Date.parse(created) + 7 * 86400_000).toISOString(),
      disputed_payment: { payment_id: paymentId },
      card_brand: String((payment.card_details['card'] as Json | undefined)?.['card_brand'] ?? 'VISA'),
      created_at: created,
      updated_at: created,
      brand_dispute_id: sid(16),
      reported_at: created,
      version: 1,
      location_id: payment.location_id,
    };
    this.disputes.set(id, dispute);
    if (!inquiry)
      this.ledger.adjust('DISPUTE', -dispute.amount_money.amount, { payment_id: paymentId, dispute_id: id });
    this.hub.emit('dispute.created', 'dispute', dispute);
    return { dispute };
  }

  get(id: string): Dispute {
    const dispute = this.disputes.get(id);
    if (!dispute) throw notFound('dispute', id);
    return dispute;
  }

  list(query: Record<string, string>): Json {
    const states = query['states']?.split(',');
    const all = [...this.disputes.values()]
      .filter((d) => !states || states.includes(d.state))
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
    return all.length ? { disputes: all } : {};
  }

  private move(dispute: Dispute, state: DisputeState): void {
    dispute.state = state;
    dispute.version++;
    dispute.updated_at = new Date().toISOString();
    this.hub.emit('dispute.state.updated', 'dispute', dispute);
  }

  private assertOpen(dispute: Dispute, action: string): void {
    if (!OPEN.includes(dispute.state))
      throw invalid('BAD_REQUEST', `The dispute is ${dispute.state}; it cannot ${action}.`);
  }

  addEvidenceText(id: string, body: Json): Json {
    const dispute = this.get(id);
    if (typeof body['idempotency_key'] !== 'string' || !body['idempotency_key'])
      throw missing('idempotency_key');
    const text = body['evidence_text'];
    if (typeof text !== 'string' || !text) throw missing('evidence_text');
    if (text.length > 500)
      throw invalid('VALUE_TOO_LONG', 'Field must not be greater than 500 length', 'evidence_text');
    const type = body['evidence_type'] ?? 'GENERIC_EVIDENCE';
    if (!(EVIDENCE_TYPES as readonly unknown[]).includes(type))
      throw invalid(
        'INVALID_ENUM_VALUE',
        `evidence_type must be one of ${EVIDENCE_TYPES.join(', ')}`,
        'evidence_type',
      );
    if (dispute.state !== 'EVIDENCE_REQUIRED' && dispute.state !== 'INQUIRY_EVIDENCE_REQUIRED')
      throw invalid('BAD_REQUEST', `The dispute is ${dispute.state}; evidence can no longer be added.`);
    const evidenceId = sid(22);
    const evidence = {
      id: evidenceId,
      evidence_id: evidenceId,
      dispute_id: id,
      evidence_text: text,
      evidence_type: type,
      uploaded_at: new Date().toISOString(),
    };
    return { evidence: this.addEvidence(dispute, evidence) };
  }

  /** Evidence (text or a file) joins the dispute, with `dispute.evidence.added`. */
  addEvidence(dispute: Dispute, evidence: Json & { id: string }): Json {
    this.evidence.set(dispute.id, [...(this.evidence.get(dispute.id) ?? []), evidence]);
    dispute.evidence_ids = [...(dispute.evidence_ids ?? []), evidence.id];
    this.hub.emit('dispute.evidence.added', 'dispute', dispute);
    return evidence;
  }

  listEvidence(id: string): Json {
    this.get(id);
    const evidence = this.evidence.get(id) ?? [];
    return evidence.length ? { evidence } : {};
  }

  submit(id: string): Json {
    const dispute = this.get(id);
    if (dispute.state !== 'EVIDENCE_REQUIRED' && dispute.state !== 'INQUIRY_EVIDENCE_REQUIRED')
      throw invalid('BAD_REQUEST', `The dispute is ${dispute.state}; evidence cannot be submitted.`);
    this.move(dispute, dispute.state === 'INQUIRY_EVIDENCE_REQUIRED' ? 'INQUIRY_PROCESSING' : 'PROCESSING');
    return { dispute };
  }

  accept(id: string): Json {
    const dispute = this.get(id);
    this.assertOpen(dispute, 'be accepted');
    this.move(dispute, 'ACCEPTED');
    return { dispute };
  }

  /** The sandbox control: the card network decides. Won gives the amount back; an inquiry just closes. */
  resolve(id: string, body: Json): Json {
    const dispute = this.get(id);
    const outcome = body['outcome'];
    if (outcome !== 'WON' && outcome !== 'LOST')
      throw invalid('INVALID_VALUE', 'outcome must be WON or LOST', 'outcome');
    this.assertOpen(dispute, 'be decided');
    if (dispute.state.startsWith('INQUIRY')) {
      this.move(dispute, 'INQUIRY_CLOSED');
      return { dispute };
    }
    if (outcome === 'WON')
      this.ledger.adjust('DISPUTE', dispute.amount_money.amount, {
        payment_id: dispute.disputed_payment.payment_id,
        dispute_id: id,
      });
    this.move(dispute, outcome);
    return { dispute };
  }
}
