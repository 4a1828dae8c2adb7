import { ApiError } from '@payrail/api-contract';
import { policyObject, type AppAbility, type PolicyAction, type PolicySubject } from './policy';
import type { Role } from './role-assignment.entity';

/** Who is calling an admin route: resolved from the session by the global guard. */
export interface AdminPrincipal {
  userId: string;
  email: string;
  /** Distinct roles over every assignment. */
  roles: Role[];
  /** The merchants the user may see, or `all` for an assignment across all merchants. */
  merchantIds: string[] | 'all';
  assignments: Array<{ role: Role; merchantId: string | null }>;
  ability: AppAbility;
  sessionId: string;
}

/** Whether the admin may see anything of `merchantId`. */
export function canSeeMerchant(admin: AdminPrincipal, merchantId: string): boolean {
  return admin.merchantIds === 'all' || admin.merchantIds.includes(merchantId);
}

/**
 * The merchant ids a query may cover. With `merchantId`: just that one when the admin may see it,
 * else a 404 (never 403: a foreign merchant's existence is not revealed). Without: every
 * merchant the admin may see (`all` for an admin across all merchants).
 */
export function merchantFilter(admin: AdminPrincipal, merchantId?: string | null): string[] | 'all' {
  if (merchantId === undefined || merchantId === null || merchantId === '') return admin.merchantIds;
  if (!canSeeMerchant(admin, merchantId)) throw ApiError.notFound('merchant', merchantId);
  return [merchantId];
}

/**
 * Object-level check for a loaded record: 404 when it belongs to a merchant the admin cannot see,
 * 403 when the admin sees the merchant but their role there does not allow `action`.
 */
export function assertMerchantAccess(
  admin: AdminPrincipal,
  action: PolicyAction,
  subject: PolicySubject,
  merchantId: string,
  resource: { what: string; id: string },
): void {
  if (!canSeeMerchant(admin, merchantId)) throw ApiError.notFound(resource.what, resource.id);
  if (!admin.ability.can(action, policyObject(subject, merchantId))) {
    throw new ApiError(403, {
      type: 'permission_error',
      code: 'forbidden',
      message: `your role does not allow ${action} on ${subject} for merchant ${merchantId}`,
    });
  }
}
