import type { Request } from 'express';
import type { AuditActorContext } from '@payrail/audit';
import type { AdminPrincipal } from '@payrail/identity';

/** Who made a console request and from where, for the audit trail. */
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
