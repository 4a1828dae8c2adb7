import { createHash } from 'node:crypto';
import type { AuditEntry } from './audit-entry.entity';

/** What the first entry chains from. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
  return JSON.stringify(value);
}

/** An entry's hashed fields; `occurredAt` may be the ISO string of an exported line. */
export type AuditContent = { occurredAt: Date | string } & Pick<
  AuditEntry,
  | 'id'
  | 'sequence'
  | 'actorType'
  | 'actorId'
  | 'action'
  | 'outcome'
  | 'originIp'
  | 'userAgent'
  | 'requestId'
  | 'merchantId'
  | 'resourceType'
  | 'resourceId'
  | 'reason'
  | 'change'
>;

/** The hashed part of an entry: everything but its timestamps and the hashes themselves. */
export function auditContentOf(entry: AuditContent): Record<string, unknown> {
  return {
    id: entry.id,
    sequence: entry.sequence,
    occurredAt: new Date(entry.occurredAt).toISOString(),
    actorType: entry.actorType,
    actorId: entry.actorId,
    action: entry.action,
    outcome: entry.outcome,
    originIp: entry.originIp,
    userAgent: entry.userAgent,
    requestId: entry.requestId,
    merchantId: entry.merchantId,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId,
    reason: entry.reason,
    change: entry.change,
  };
}

/** SHA-256 hex of the previous hash followed by the canonical JSON of the entry's content. */
export function computeAuditHash(prevHash: string, entry: AuditContent): string {
  return createHash('sha256')
    .update(prevHash)
    .update(canonicalJson(auditContentOf(entry)))
    .digest('hex');
}
