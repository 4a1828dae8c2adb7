import type {
  DisputeEvidenceFileResource,
  DisputeResource,
  PaymentEventResource,
  PaymentResource,
  RefundResource,
} from '@payrail/api-contract';
import type { DisputeEvidenceFileRecord } from './disputes/dispute-evidence-file.entity';
import type { Dispute } from './disputes/dispute.entity';
import type { PaymentEvent } from './entities/payment-event.entity';
import type { Payment } from './entities/payment.entity';
import type { Refund } from './entities/refund.entity';

export function presentPayment(p: Payment): PaymentResource {
  return {
    id: p.id,
    object: 'payment',
    status: p.status,
    amount: p.amount,
    amount_capturable: p.amountCapturable,
    amount_captured: p.amountCaptured,
    amount_refunded: p.amountRefunded,
    currency: p.currency.toLowerCase(),
    capture_method: p.captureMethod,
    gateway: p.gateway,
    connection_id: p.connectionId,
    gateway_reference: p.gatewayReference,
    mode: p.mode,
    payment_method: p.cardLast4 || p.cardBrand ? { brand: p.cardBrand, last4: p.cardLast4 } : null,
    customer: p.customerEmail || p.customerName ? { email: p.customerEmail, name: p.customerName } : null,
    customer_id: p.customerId ?? null,
    saved_payment_method_id: p.savedPaymentMethodId ?? null,
    disputed: Boolean(p.dispute),
    dispute: p.dispute ? { ...p.dispute, currency: p.dispute.currency.toLowerCase() } : null,
    amount_net: p.amountCaptured - p.amountRefunded - (p.dispute?.status === 'lost' ? p.dispute.amount : 0),
    description: p.description,
    metadata: p.metadata ?? {},
    failure: p.failureCode
      ? { code: p.failureCode, message: p.failureMessage ?? '', gateway_code: p.failureGatewayCode }
      : null,
    next_action: p.nextAction,
    needs_review: p.needsReview,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

export function presentDispute(d: Dispute): DisputeResource {
  return {
    id: d.id,
    object: 'dispute',
    payment_id: d.paymentId,
    gateway: d.gateway,
    gateway_reference: d.gatewayReference,
    amount: d.amount,
    currency: d.currency.toLowerCase(),
    reason: d.reason,
    status: d.status,
    gateway_status: d.gatewayStatus,
    inquiry: d.inquiry,
    evidence_due_by: d.evidenceDueBy ? d.evidenceDueBy.toISOString() : null,
    evidence_submitted_at: d.evidenceSubmittedAt ? d.evidenceSubmittedAt.toISOString() : null,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}

export function presentEvidenceFile(f: DisputeEvidenceFileRecord): DisputeEvidenceFileResource {
  return {
    id: f.id,
    object: 'dispute_evidence_file',
    dispute_id: f.disputeId,
    name: f.name,
    size: f.size,
    content_type: f.contentType,
    category: f.category,
    sha256: f.sha256,
    gateway_file_reference: f.gatewayFileReference,
    created_at: f.createdAt.toISOString(),
  };
}

export function presentRefund(r: Refund): RefundResource {
  return {
    id: r.id,
    object: 'refund',
    payment_id: r.paymentId,
    amount: r.amount,
    currency: r.currency.toLowerCase(),
    status: r.status,
    reason: r.reason,
    gateway_reference: r.gatewayReference,
    failure: r.failureCode ? { code: r.failureCode, message: r.failureMessage ?? '' } : null,
    created_at: r.createdAt.toISOString(),
  };
}

export function presentEvent(e: PaymentEvent): PaymentEventResource {
  return {
    id: e.id,
    object: 'payment_event',
    type: e.type,
    from_status: e.fromStatus,
    to_status: e.toStatus,
    operation: e.operation,
    attempt_id: e.attemptId,
    outcome: e.outcome,
    latency_ms: e.latencyMs,
    error_code: e.errorCode,
    message: e.message,
    data: e.data,
    created_at: e.createdAt.toISOString(),
  };
}
