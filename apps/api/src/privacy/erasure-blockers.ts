import type { EntityManager } from 'typeorm';
import type { PrivacyRequest } from './privacy-request.entity';
import { queryRows } from './raw-update';
import { normaliseEmail, type SubjectTerms } from './subject-records';

/** Statuses in which a payment is not finished: a call may be in flight or an authorization awaits capture or void. */
export const UNFINISHED_PAYMENT_STATUSES = [
  'authorizing',
  'requires_action',
  'authorized',
  'capturing',
  'unknown',
];

/**
 * Why an erasure cannot run now, as sentences naming the records (empty: it can): a legal hold,
 * a payment not finished (its record is needed to capture, void, refund or recover it), and an
 * open dispute (its evidence is the payment's record).
 */
export async function erasureBlockers(
  m: EntityManager,
  request: PrivacyRequest,
  terms: SubjectTerms,
): Promise<string[]> {
  const reasons: string[] = [];
  const holds = await queryRows<{ id: string; reason: string }>(
    m,
    `SELECT h.id, h.reason FROM privacy_holds h
     WHERE h.merchant_id = :merchantId AND h.subject_hash = :hash AND h.released_at IS NULL`,
    { merchantId: request.merchantId, hash: request.subjectHash },
  );
  for (const hold of holds) reasons.push(`legal hold ${hold.id} (${hold.reason})`);

  const unfinished = await queryRows<{ id: string; status: string; in_flight: string | null }>(
    m,
    `SELECT p.id, p.status, p.in_flight FROM payments p
     WHERE p.merchant_id = :merchantId AND LOWER(p.customer_email) = :email
       AND (p.status IN (:...statuses) OR p.in_flight IS NOT NULL OR p.amount_refund_pending > 0
         OR (p.status = 'partially_captured' AND p.amount_capturable > 0)
         OR EXISTS (SELECT 1 FROM payment_attempts a WHERE a.payment_id = p.id AND a.status IN ('pending', 'unknown')))
     ORDER BY p.id`,
    {
      merchantId: request.merchantId,
      email: normaliseEmail(terms.email),
      statuses: UNFINISHED_PAYMENT_STATUSES,
    },
  );
  for (const payment of unfinished)
    reasons.push(
      `unfinished payment ${payment.id} (${payment.in_flight ? `${payment.in_flight} in flight` : payment.status}): capture, void or settle it first`,
    );
  const disputes = await queryRows<{ id: string; payment_id: string; status: string }>(
    m,
    `SELECT d.id, d.payment_id, d.status FROM disputes d JOIN payments p ON p.id = d.payment_id
     WHERE p.merchant_id = :merchantId AND LOWER(p.customer_email) = :email AND d.status IN ('needs_response', 'under_review')
     ORDER BY d.id`,
    { merchantId: request.merchantId, email: normaliseEmail(terms.email) },
  );
  for (const dispute of disputes)
    reasons.push(
      `open dispute ${dispute.id} on payment ${dispute.payment_id} (${dispute.status}): its evidence needs the record until it is decided`,
    );
  return reasons;
}
