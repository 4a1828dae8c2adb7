import type { Request } from 'express';
import type { AuditActorContext } from '@payrail/audit';
import type { AdminPrincipal } from '@payrail/identity';

/** Who acts, for the audit trail: the console user and where the request came from. */
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
