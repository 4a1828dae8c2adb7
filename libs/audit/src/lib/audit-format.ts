import type { AuditActorType, AuditChange, AuditEntry, AuditOutcome } from './audit-entry.entity';

/** An entry as plain JSON: what the API returns and what the JSON-lines export holds. */
export interface AuditEntryJson {
  sequence: number;
  id: string;
  occurredAt: string;
  actorType: AuditActorType;
  actorId: string | null;
  action: string;
  outcome: AuditOutcome;
  originIp: string | null;
  userAgent: string | null;
  requestId: string | null;
  merchantId: string | null;
  resourceType: string | null;
  resourceId: string | null;
  reason: string | null;
  change: AuditChange | null;
  prevHash: string;
  hash: string;
}

export function auditEntryJson(entry: AuditEntry): AuditEntryJson {
  return {
    sequence: entry.sequence,
    id: entry.id,
    occurredAt: entry.occurredAt.toISOString(),
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
    prevHash: entry.prevHash,
    hash: entry.hash,
  };
}

export const AUDIT_CSV_COLUMNS: readonly (keyof AuditEntryJson)[] = [
  'sequence',
  'id',
  'occurredAt',
  'actorType',
  'actorId',
  'action',
  'outcome',
  'originIp',
  'userAgent',
  'requestId',
  'merchantId',
  'resourceType',
  'resourceId',
  'reason',
  'change',
  'prevHash',
  'hash',
];

/**
 * One RFC 4180 field. Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at
 * the start) is prefixed with `'`; the JSON-lines export keeps values byte-exact for verification.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text =
    typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
