import type {
  AdminUserResource,
  ApiKeyResource,
  MerchantResource,
  RoleAssignmentResource,
} from '@payrail/api-contract';
import type { ApiKey } from './api-key.entity';
import type { Merchant } from './merchant.entity';
import type { RoleAssignment } from './role-assignment.entity';
import type { User } from './user.entity';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function presentRole(a: RoleAssignment): RoleAssignmentResource {
  return {
    object: 'role_assignment',
    id: a.id,
    user_id: a.userId,
    role: a.role,
    merchant_id: a.merchantId,
    created_at: a.createdAt.toISOString(),
  };
}

export function presentUser(u: User, roles: RoleAssignment[], now: Date): AdminUserResource {
  return {
    object: 'user',
    id: u.id,
    email: u.email,
    name: u.name,
    status: u.status,
    mfa_enabled: !!u.mfaEnabledAt,
    locked_until:
      u.lockedUntil && u.lockedUntil.getTime() > now.getTime() ? u.lockedUntil.toISOString() : null,
    last_login_at: iso(u.lastLoginAt),
    created_at: u.createdAt.toISOString(),
    roles: roles.filter((r) => r.userId === u.id).map(presentRole),
  };
}

export function presentMerchant(m: Merchant): MerchantResource {
  return {
    object: 'merchant',
    id: m.id,
    name: m.name,
    is_default: m.isDefault,
    created_at: m.createdAt.toISOString(),
  };
}

export function presentApiKey(k: ApiKey): ApiKeyResource {
  return {
    object: 'api_key',
    id: k.id,
    merchant_id: k.merchantId,
    name: k.name,
    mode: k.mode,
    prefix: k.prefix,
    scopes: k.scopes as ApiKeyResource['scopes'],
    expires_at: iso(k.expiresAt),
    last_used_at: iso(k.lastUsedAt),
    revoked_at: iso(k.revokedAt),
    created_at: k.createdAt.toISOString(),
  };
}
