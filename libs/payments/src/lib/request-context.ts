import type { AuditActorContext } from '@payrail/audit';
import type { RequestKey } from './idempotency.service';

/**
 * What a merchant request hands the services it calls: who acts and from where (the audit
 * trail's context) and, under an `Idempotency-Key`, that key, so the writes that store it go in
 * the request's own transactions.
 */
export interface RequestContext extends AuditActorContext {
  requestKey?: RequestKey;
}
