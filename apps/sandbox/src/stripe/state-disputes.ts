import type { CardBehaviour } from './cards';
import { invalidRequest, resourceMissing } from './errors';
import { Params } from './form';
import { nowSeconds, stripeId } from './ids';
import {
  createFileObject,
  DISPUTE_EVIDENCE_TOTAL_BYTES,
  FILE_EVIDENCE_FIELDS,
  type FileObject,
  type FileUpload,
} from './files';
import { StripeCustomers } from './state-customers';
import {
  mergeMetadata,
  type ChargeObject,
  type DisputeObject,
  type DisputeStatus,
  type RequestContext,
  type StripeObject,
} from './state-types';

/** The dispute fee Stripe withdraws with a chargeback, in the charge's minor units. */
export const DISPUTE_FEE = 1500;

/** Evidence fields Stripe's dispute object carries (all text here; files are ids of uploads). */
export const EVIDENCE_FIELDS = [
  'access_activity_log',
  'billing_address',
  'cancellation_policy',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'customer_communication',
  'customer_email_address',
  'customer_name',
  'customer_purchase_ip',
  'customer_signature',
  'duplicate_charge_documentation',
  'duplicate_charge_explanation',
  'duplicate_charge_id',
  'product_description',
  'receipt',
  'refund_policy',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'service_date',
  'service_documentation',
  'shipping_address',
  'shipping_carrier',
  'shipping_date',
  'shipping_documentation',
  'shipping_tracking_number',
  'uncategorized_file',
  'uncategorized_text',
] as const;

/** Stripe's test evidence: this text in `uncategorized_text` wins or loses the dispute. */
export const WINNING_EVIDENCE = 'winning_evidence';
export const LOSING_EVIDENCE = 'losing_evidence';

const OPEN_STATUSES: readonly DisputeStatus[] = [
  'needs_response',
  'warning_needs_response',
  'under_review',
  'warning_under_review',
];

const NETWORK_REASON: Record<string, string> = { fraudulent: '10.4', product_not_received: '13.1' };

/**
 * Disputes opened by Stripe's dispute test cards: the chargeback's balance transactions (amount
 * and fee withdrawn; the amount reinstated when won), evidence, and the `charge.dispute.*` events.
 */
export class StripeDisputes extends StripeCustomers {
  readonly disputes = new Map<string, DisputeObject>();
  readonly files = new Map<string, FileObject>();

  override find(id: string): StripeObject | undefined {
    return super.find(id) ?? this.disputes.get(id) ?? this.files.get(id);
  }

  /** `POST /v1/files`: an upload checked as Stripe checks it; evidence fields then name it by id. */
  createFile(upload: FileUpload): FileObject {
    const file = this.track(createFileObject(upload.form, upload.file));
    this.files.set(file.id, file);
    return file;
  }

  retrieveFile(id: string): FileObject {
    const file = this.files.get(id);
    if (!file) throw resourceMissing('file', id, 'file');
    return file;
  }

  listFiles(): FileObject[] {
    return [...this.files.values()];
  }

  /** A file evidence field takes the id of a `dispute_evidence` upload, nothing else. */
  private evidenceFile(field: string, id: string): FileObject {
    const file = this.files.get(id);
    if (!file)
      throw invalidRequest(`No such file upload: '${id}'`, {
        code: 'resource_missing',
        param: `evidence[${field}]`,
        status: 404,
      });
    if (file.purpose !== 'dispute_evidence')
      throw invalidRequest(
        `The file ${id} was uploaded with purpose ${file.purpose}; evidence[${field}] takes a file with purpose dispute_evidence.`,
        { param: `evidence[${field}]` },
      );
    return file;
  }

  /** After a capture: a dispute test card opens its dispute a moment later, as on Stripe. */
  protected disputeLater(charge: ChargeObject, behaviour: CardBehaviour, ctx: RequestContext): void {
    const kind = behaviour.dispute;
    if (!kind) return;
    this.later(
      () => this.openDispute(charge.id, kind.reason, kind.inquiry ?? false, ctx),
      this.options.disputeDelayMs,
    );
  }

  /** Opens a dispute on a captured charge now (the test cards' behaviour, and a sandbox control). */
  openDispute(chargeId: string, reason: string, inquiry: boolean, ctx: RequestContext): DisputeObject {
    const charge = this.charges.get(chargeId);
    if (!charge) throw resourceMissing('charge', chargeId, 'charge');
    if (!charge.captured) throw invalidRequest(`Charge ${chargeId} is not captured; it cannot be disputed.`);
    if ([...this.disputes.values()].some((d) => d.charge === chargeId))
      throw invalidRequest(`Charge ${chargeId} already has a dispute.`);
    const created = nowSeconds();
    const amount = charge.amount_captured - charge.amount_refunded;
    const card = (charge['payment_method_details'] as { card?: { brand?: string } } | undefined)?.card;
    const dispute = this.track({
      id: stripeId('dp'),
      object: 'dispute',
      amount,
      balance_transactions: [],
      charge: charge.id,
      created,
      currency: charge.currency,
      evidence: Object.fromEntries(EVIDENCE_FIELDS.map((f) => [f, null])),
      evidence_details: {
        due_by: created + 7 * 86400,
        has_evidence: false,
        past_due: false,
        submission_count: 0,
      },
      is_charge_refundable: inquiry,
      livemode: false,
      metadata: {},
      payment_intent: charge.payment_intent,
      payment_method_details: {
        card: { brand: card?.brand ?? 'visa', network_reason_code: NETWORK_REASON[reason] ?? null },
        type: 'card',
      },
      reason,
      status: inquiry ? 'warning_needs_response' : 'needs_response',
    }) as DisputeObject;
    this.disputes.set(dispute.id, dispute);
    charge.disputed = true;
    this.emit('charge.dispute.created', dispute, ctx);
    if (!inquiry) {
      this.disputeMoney(dispute, -amount, DISPUTE_FEE, 'dispute', `Chargeback withdrawal for ${charge.id}`);
      this.emit('charge.dispute.funds_withdrawn', dispute, ctx);
    }
    return dispute;
  }

  private disputeMoney(dispute: DisputeObject, amount: number, fee: number, category: string, text: string) {
    const txn = this.balanceTransaction({
      amount,
      fee,
      currency: dispute.currency,
      type: 'adjustment',
      reporting_category: category,
      source: dispute.id,
      description: text,
      availableNow: true,
    });
    dispute.balance_transactions.push(txn);
  }

  private dispute(id: string): DisputeObject {
    const dispute = this.disputes.get(id);
    if (!dispute) throw resourceMissing('dispute', id, 'dispute');
    return dispute;
  }

  retrieveDispute(id: string): DisputeObject {
    return this.dispute(id);
  }

  listDisputes(): DisputeObject[] {
    return [...this.disputes.values()];
  }

  private open(dispute: DisputeObject, verb: string): void {
    if (!OPEN_STATUSES.includes(dispute.status))
      throw invalidRequest(`This dispute is already closed (${dispute.status}); it cannot be ${verb}.`);
  }

  /** Evidence is staged, or submitted (`submit` defaults to true); test evidence decides the outcome. */
  updateDispute(id: string, params: Params, ctx: RequestContext): DisputeObject {
    params.only('evidence', 'metadata', 'submit');
    const dispute = this.dispute(id);
    const evidence = params.object('evidence');
    if (evidence) {
      this.open(dispute, 'updated');
      evidence.only(...EVIDENCE_FIELDS);
      for (const field of EVIDENCE_FIELDS) {
        if (!evidence.has(field)) continue;
        const value = evidence.string(field) ?? '';
        if (value && (FILE_EVIDENCE_FIELDS as readonly string[]).includes(field))
          this.evidenceFile(field, value);
        else if (value.length > 20000)
          throw invalidRequest(`evidence[${field}] can be at most 20000 characters.`, {
            param: `evidence[${field}]`,
          });
        dispute.evidence[field] = value || null;
      }
      dispute.evidence_details.has_evidence = Object.values(dispute.evidence).some((v) => v !== null);
    }
    dispute.metadata = mergeMetadata(dispute.metadata, params.metadata());
    const submit = params.boolean('submit') ?? true;
    if (submit && evidence) {
      const bytes = FILE_EVIDENCE_FIELDS.reduce((sum, field) => {
        const id = dispute.evidence[field];
        return sum + (id ? (this.files.get(id)?.size ?? 0) : 0);
      }, 0);
      if (bytes > DISPUTE_EVIDENCE_TOTAL_BYTES)
        throw invalidRequest(
          `The evidence files of this dispute add up to ${bytes} bytes; together they can be at most 4.5MB.`,
          { param: 'evidence' },
        );
      dispute.evidence_details.submission_count++;
      dispute.status = dispute.status.startsWith('warning') ? 'warning_under_review' : 'under_review';
      const text = dispute.evidence['uncategorized_text'] ?? '';
      const outcome = text.includes(WINNING_EVIDENCE)
        ? 'won'
        : text.includes(LOSING_EVIDENCE)
          ? 'lost'
          : undefined;
      if (outcome) this.later(() => this.closeDispute(dispute, outcome, ctx), this.options.disputeDelayMs);
    }
    this.emit('charge.dispute.updated', dispute, ctx);
    return dispute;
  }

  /** Accepting the dispute: it is lost at once, the money stays withdrawn. */
  acceptDispute(id: string, params: Params, ctx: RequestContext): DisputeObject {
    params.only();
    const dispute = this.dispute(id);
    this.open(dispute, 'closed');
    this.closeDispute(dispute, 'lost', ctx);
    return dispute;
  }

  /** The issuer's decision (a sandbox control too): won reinstates the amount, lost keeps it withdrawn. */
  closeDispute(dispute: DisputeObject, outcome: 'won' | 'lost', ctx: RequestContext): DisputeObject {
    if (!OPEN_STATUSES.includes(dispute.status)) return dispute;
    const inquiry = dispute.status.startsWith('warning');
    dispute.status = inquiry ? 'warning_closed' : outcome;
    if (!inquiry && outcome === 'won') {
      this.disputeMoney(
        dispute,
        dispute.amount,
        0,
        'dispute_reversal',
        `Chargeback reversal for ${dispute.charge}`,
      );
      this.emit('charge.dispute.funds_reinstated', dispute, ctx);
    }
    this.emit('charge.dispute.closed', dispute, ctx);
    return dispute;
  }
}
