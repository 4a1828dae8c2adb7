import type { AuditActorType, AuditEntry, AuditOutcome } from './audit-entry.entity';

/** The actions Payrail records; other `domain.verb` names are accepted too. */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.lockout',
  'mfa.enrolled',
  'mfa.removed',
  'user.created',
  'user.updated',
  'user.disabled',
  'role.assigned',
  'role.revoked',
  'merchant.created',
  'merchant.updated',
  'api_key.created',
  'api_key.revoked',
  'connection.created',
  'connection.updated',
  'connection.enabled',
  'connection.disabled',
  'connection.deleted',
  'connection.credentials_changed',
  'master_key.rotated',
  'payment.captured',
  'payment.voided',
  'payment.refunded',
  'audit.purged',
] as const;

export type KnownAuditAction = (typeof AUDIT_ACTIONS)[number];
// `string & {}` keeps editor completion for the known names while accepting new ones.
export type AuditAction = KnownAuditAction | (string & {});

export const AUDIT_ACTOR_TYPES: readonly AuditActorType[] = ['user', 'api_key', 'system'];
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['success', 'failure'];

/** What a caller records; the service adds the sequence, time and hashes. */
export interface AuditRecordInput {
  actor: { type: AuditActorType; id?: string | null };
  action: AuditAction;
  /** Default `success`. */
  outcome?: AuditOutcome;
  origin?: { ip?: string | null; userAgent?: string | null; requestId?: string | null };
  merchantId?: string | null;
  resource?: { type: string; id?: string | null } | null;
  /** Before and after; passed through the redactor, so secrets and card data never land. */
  change?: { before?: unknown; after?: unknown } | null;
  reason?: string | null;
}

/** Who acts and from where: what a request hands to the services whose changes are audited. */
export interface AuditActorContext {
  actor: AuditRecordInput['actor'];
  origin?: AuditRecordInput['origin'];
}

/** Payrail itself (start-up seeding, recovery, retention). */
export const SYSTEM_ACTOR: AuditActorContext = { actor: { type: 'system', id: 'payrail' } };

export interface AuditFilters {
  /** One action or several. */
  action?: string | string[];
  actorType?: AuditActorType;
  actorId?: string;
  merchantId?: string;
  resourceType?: string;
  resourceId?: string;
  outcome?: AuditOutcome;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

export interface AuditPagination {
  /** 1 to 500, default 50. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string | null;
  /** `desc` (newest first, the default) or `asc`. */
  order?: 'asc' | 'desc';
}

export interface AuditPage {
  items: AuditEntry[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export type AuditVerification =
  { intact: true; count: number } | { intact: false; firstBrokenSequence: number; reason: string };

export interface AuditPurgeResult {
  purged: number;
  /** The last purged sequence, or null when nothing was old enough. */
  throughSequence: number | null;
  cutoff: Date;
}

/** A bad argument to the audit service; `param` names it. */
export class AuditInputError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
    this.name = 'AuditInputError';
  }
}
