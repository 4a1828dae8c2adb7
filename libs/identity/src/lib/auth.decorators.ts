import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { ApiKeyScope } from './api-key.service';
import type { AdminPrincipal } from './admin-principal';
import type { PolicyAction, PolicySubject } from './policy';

export const PUBLIC_ROUTE = 'payrail:public';
export const API_KEY_ROUTE = 'payrail:api-key';
export const POLICY_ROUTE = 'payrail:policy';
export const AUTHENTICATED_ROUTE = 'payrail:authenticated';
export const BEFORE_MFA_ROUTE = 'payrail:before-mfa';

export interface RoutePolicy {
  action: PolicyAction;
  subject: PolicySubject;
}

/** Open on purpose (health, docs, webhook intake, login): no session, no key. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * A merchant-key route (`/v1`): `Authorization: Bearer pr_…`. The key must hold every scope
 * listed; a method's decorator replaces its controller's.
 */
export const ApiKeyAuth = (...scopes: ApiKeyScope[]) => SetMetadata(API_KEY_ROUTE, scopes);

/** A console route: a signed-in session whose abilities allow `action` on `subject`. */
export const RequirePolicy = (action: PolicyAction, subject: PolicySubject) =>
  SetMetadata(POLICY_ROUTE, { action, subject } satisfies RoutePolicy);

/** A console route any signed-in user may call about themselves (`/admin/me`, logout, own password). */
export const Authenticated = () => SetMetadata(AUTHENTICATED_ROUTE, true);

/** Reachable before MFA is verified in the session (enrolment, verification, logout, `/admin/me`). */
export const BeforeMfa = () => applyDecorators(Authenticated(), SetMetadata(BEFORE_MFA_ROUTE, true));

/** The signed-in console user, as the global guard resolved it. */
export const CurrentAdmin = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AdminPrincipal => {
    const req = context.switchToHttp().getRequest<{ admin?: AdminPrincipal }>();
    if (!req.admin) throw new Error('@CurrentAdmin() used on a route that is not a console route');
    return req.admin;
  },
);
