import { timingSafeEqual } from 'node:crypto';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { Repository } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import type { AdminPrincipal } from './admin-principal';
import { ApiKeyGuard, type ApiKeyRequest } from './api-key.guard';
import type { ApiKeyScope } from './api-key.service';
import {
  API_KEY_ROUTE,
  AUTHENTICATED_ROUTE,
  BEFORE_MFA_ROUTE,
  POLICY_ROUTE,
  PUBLIC_ROUTE,
  type RoutePolicy,
} from './auth.decorators';
import type { ConsoleSession } from './console-session.entity';
import { defineAbilityFor, MFA_REQUIRED_ROLES } from './policy';
import { RoleAssignment, type Role } from './role-assignment.entity';
import { CSRF_HEADER, sessionToken } from './session-cookie';
import { SessionService } from './session.service';
import { User } from './user.entity';

export interface ConsoleRequest extends Request {
  admin?: AdminPrincipal;
  consoleSession?: ConsoleSession;
  consoleUser?: User;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const SESSION_MESSAGES = {
  missing: 'sign in to the console first: POST /admin/auth/login',
  revoked: 'this session has ended; sign in again',
  idle: 'this session ended after 15 minutes without activity; sign in again',
  expired: 'this session reached its 12-hour limit; sign in again',
} as const;

/** Whether MFA must be verified in the session before admin routes open for this user. */
export function needsMfa(user: Pick<User, 'mfaEnabledAt'>, roles: readonly Role[]): boolean {
  return !!user.mfaEnabledAt || roles.some((role) => MFA_REQUIRED_ROLES.includes(role));
}

/**
 * The global guard: every route is public on purpose, a merchant-key route, or a console route
 * with a session and a policy. A route that declares none of these is refused.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyGuard,
    private readonly sessions: SessionService,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(RoleAssignment) private readonly assignments: Repository<RoleAssignment>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = context.switchToHttp().getRequest<ConsoleRequest & ApiKeyRequest>();
    const scopes = this.reflector.getAllAndOverride<ApiKeyScope[] | undefined>(API_KEY_ROUTE, targets);
    if (scopes) return this.apiKeys.authorize(req, context.switchToHttp().getResponse<Response>(), scopes);

    const policy = this.reflector.getAllAndOverride<RoutePolicy | undefined>(POLICY_ROUTE, targets);
    const authenticated = this.reflector.getAllAndOverride<boolean>(AUTHENTICATED_ROUTE, targets);
    if (!policy && !authenticated) {
      throw new ApiError(403, {
        type: 'permission_error',
        code: 'route_without_policy',
        message: 'this route declares no access policy, so it is closed',
      });
    }
    const admin = await this.authenticate(req);
    const beforeMfa = this.reflector.getAllAndOverride<boolean>(BEFORE_MFA_ROUTE, targets);
    if (!beforeMfa && !req.consoleSession?.mfaVerified && needsMfa(req.consoleUser as User, admin.roles)) {
      const enrolled = !!req.consoleUser?.mfaEnabledAt;
      throw new ApiError(403, {
        type: 'permission_error',
        code: enrolled ? 'mfa_verification_required' : 'mfa_enrollment_required',
        message: enrolled
          ? 'verify a code from your authenticator first: POST /admin/auth/mfa/verify'
          : 'your role requires MFA: enrol first with POST /admin/auth/mfa/enroll',
      });
    }
    if (policy && !admin.ability.can(policy.action, policy.subject)) {
      throw new ApiError(403, {
        type: 'permission_error',
        code: 'forbidden',
        message: `your role does not allow ${policy.action} on ${policy.subject}`,
      });
    }
    return true;
  }

  /** Resolves the session cookie into the principal; checks CSRF on state-changing requests. */
  private async authenticate(req: ConsoleRequest): Promise<AdminPrincipal> {
    if (req.admin) return req.admin;
    const resolved = await this.sessions.resolve(sessionToken(req));
    if ('problem' in resolved) {
      throw new ApiError(401, {
        type: 'authentication_error',
        code: resolved.problem === 'missing' ? 'session_required' : 'session_expired',
        message: SESSION_MESSAGES[resolved.problem],
      });
    }
    const { session } = resolved;
    const user = await this.users.findOneBy({ id: session.userId });
    if (!user || user.status !== 'active') {
      await this.sessions.revoke(session.id, 'user_disabled');
      throw new ApiError(401, {
        type: 'authentication_error',
        code: 'session_expired',
        message: SESSION_MESSAGES.revoked,
      });
    }
    if (
      !SAFE_METHODS.has(req.method.toUpperCase()) &&
      !sameToken(req.header(CSRF_HEADER), session.csrfToken)
    ) {
      throw new ApiError(403, {
        type: 'permission_error',
        code: 'csrf_token_invalid',
        message:
          'state-changing console requests must send the X-CSRF-Token header with the token from GET /admin/auth/csrf',
        param: 'X-CSRF-Token',
      });
    }
    const assignments = await this.assignments.findBy({ userId: user.id });
    const roles = [...new Set(assignments.map((a) => a.role))];
    const merchantIds = assignments.some((a) => a.merchantId === null)
      ? 'all'
      : [...new Set(assignments.map((a) => a.merchantId as string))];
    const principal: AdminPrincipal = {
      userId: user.id,
      email: user.email,
      roles,
      merchantIds,
      assignments: assignments.map((a) => ({ role: a.role, merchantId: a.merchantId })),
      ability: defineAbilityFor(assignments),
      sessionId: session.id,
    };
    req.admin = principal;
    req.consoleSession = session;
    req.consoleUser = user;
    return principal;
  }
}
