/** Wire types of the merchant REST API v1 (snake_case, amounts in minor units). */
import type { PaymentStatus } from './payment-status';

export interface PaymentResource {
  id: string;
  object: 'payment';
  status: PaymentStatus;
  amount: number;
  amount_capturable: number;
  amount_captured: number;
  amount_refunded: number;
  currency: string;
  capture_method: 'automatic' | 'manual';
  gateway: string;
  connection_id: string;
  gateway_reference: string | null;
  mode: 'test' | 'live';
  payment_method: { brand: string | null; last4: string | null } | null;
  customer: { email: string | null; name: string | null } | null;
  /** The merchant's customer and saved card, when the payment was made with a saved card. */
  customer_id: string | null;
  saved_payment_method_id: string | null;
  /** Whether a cardholder disputed the payment; `status` is unchanged by a dispute. */
  disputed: boolean;
  dispute: {
    id: string;
    amount: number;
    currency: string;
    reason: string;
    status: 'needs_response' | 'under_review' | 'won' | 'lost';
    evidence_due_by: string | null;
  } | null;
  /** Captured minus refunded minus a lost dispute's amount, in minor units. */
  amount_net: number;
  description: string | null;
  metadata: Record<string, string>;
  failure: { code: string; message: string; gateway_code: string | null } | null;
  next_action: { type: string; url?: string } | null;
  needs_review: boolean;
  created_at: string;
  updated_at: string;
}

export interface RefundResource {
  id: string;
  object: 'refund';
  payment_id: string;
  amount: number;
  currency: string;
  status: string;
  reason: string | null;
  gateway_reference: string | null;
  failure: { code: string; message: string } | null;
  created_at: string;
}

export interface PaymentEventResource {
  id: string;
  object: 'payment_event';
  type: string;
  from_status: string | null;
  to_status: string | null;
  operation: string | null;
  attempt_id: string | null;
  outcome: string | null;
  latency_ms: number | null;
  error_code: string | null;
  message: string | null;
  data: Record<string, unknown> | null;
  created_at: string;
}

export interface ListResponse<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}
