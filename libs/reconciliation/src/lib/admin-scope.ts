import { ApiError } from '@payrail/api-contract';
import type { AuditActorContext } from '@payrail/audit';
import {
  merchantFilter,
  policyObject,
  roleAllows,
  type AdminPrincipal,
  type PolicyAction,
  type PolicySubject,
} from '@payrail/identity';
import type { Request } from 'express';

/**
 * The merchants a query may cover for `action` on `subject`: those the admin sees (or the one
 * named, 404 when not seen) where a role of theirs allows it, so a support role on one merchant
 * never reads another merchant's reconciliation through a finance role held elsewhere.
 */
export function scopeFor(
  admin: AdminPrincipal,
  action: PolicyAction,
  subject: PolicySubject,
  merchantId?: string,
): string[] | 'all' {
  const seen = merchantFilter(admin, merchantId);
  const globally = admin.assignments.some(
    (a) => a.merchantId === null && roleAllows(a.role, action, subject),
  );
  if (globally) return seen;
  const list =
    seen === 'all' ? admin.assignments.map((a) => a.merchantId).filter((m): m is string => !!m) : seen;
  const allowed = [...new Set(list)].filter((m) => admin.ability.can(action, policyObject(subject, m)));
  if (merchantId && !allowed.length) throw ApiError.notFound('merchant', merchantId);
  return allowed;
}

export function adminContext(
  admin: AdminPrincipal,
  req: Request & { requestId?: string },
): AuditActorContext {
  return {
    actor: { type: 'user', id: admin.userId },
    origin: {
      ip: req.ip ?? null,
      userAgent: req.header('user-agent') ?? null,
      requestId: req.requestId ?? null,
    },
  };
}
