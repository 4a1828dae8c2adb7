import type { AdminPaymentResource } from './console';

export interface CustomerResource {
  id: string;
  object: 'customer';
  email: string | null;
  name: string | null;
  phone: string | null;
  metadata: Record<string, string>;
  mode: 'test' | 'live';
  created_at: string;
  updated_at: string;
}

/** A card saved at a gateway for a customer: the gateway's reference and the card summary only. */
export interface SavedPaymentMethodResource {
  id: string;
  object: 'saved_payment_method';
  customer_id: string;
  connection_id: string;
  gateway: string;
  /** `requires_action` while the customer still has to authenticate the card. */
  status: 'active' | 'requires_action';
  card: {
    brand: string | null;
    last4: string | null;
    exp_month: number | null;
    exp_year: number | null;
    fingerprint: string | null;
  };
  next_action: { type: string; url?: string } | null;
  created_at: string;
}

export type DisputeStatus = 'needs_response' | 'under_review' | 'won' | 'lost';

export interface DisputeResource {
  id: string;
  object: 'dispute';
  payment_id: string;
  gateway: string;
  gateway_reference: string;
  amount: number;
  currency: string;
  reason: string;
  status: DisputeStatus;
  /** The gateway's own status word (`needs_response`, `EVIDENCE_REQUIRED`, `UNDER_REVIEW`…). */
  gateway_status: string;
  inquiry: boolean;
  evidence_due_by: string | null;
  evidence_submitted_at: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * An evidence file sent to a dispute's gateway. The gateway keeps the bytes; Payrail keeps what
 * identifies them.
 */
export interface DisputeEvidenceFileResource {
  id: string;
  object: 'dispute_evidence_file';
  dispute_id: string;
  name: string;
  size: number;
  content_type: 'application/pdf' | 'image/jpeg' | 'image/png';
  /** What it shows: `receipt`, `shipping`, `customer_communication`, `refund_policy` or `other`. */
  category: string;
  sha256: string;
  /** The gateway's id for the upload (Stripe `file_…`, Square's evidence id, PayPal's document name). */
  gateway_file_reference: string;
  created_at: string;
}

/** `POST /v1/disputes/{id}/files`: the file and the dispute as it now stands. */
export interface DisputeEvidenceUploadResource {
  file: DisputeEvidenceFileResource;
  dispute: DisputeResource;
}

/** A customer as the console sees it, with the merchant it belongs to. */
export interface AdminCustomerResource extends CustomerResource {
  merchant_id: string;
}

/** `GET /admin/customers/{id}`: the customer, its saved cards and its most recent payments. */
export interface AdminCustomerDetailResource {
  customer: AdminCustomerResource;
  payment_methods: SavedPaymentMethodResource[];
  payments: AdminPaymentResource[];
}

/** A dispute as the console sees it, with the merchant it belongs to. */
export interface AdminDisputeResource extends DisputeResource {
  merchant_id: string;
  mode: 'test' | 'live';
}

/** `GET /admin/disputes/{id}`: the dispute and the evidence files sent for it. */
export interface AdminDisputeDetailResource {
  dispute: AdminDisputeResource;
  files: DisputeEvidenceFileResource[];
  /** Whether the gateway takes evidence files through its API (else: its dashboard). */
  accepts_files: boolean;
}
