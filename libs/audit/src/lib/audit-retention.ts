/** Entries are kept at least this long (PCI DSS 10.5.1: twelve months). */
export const AUDIT_RETENTION_MIN_DAYS = 365;
export const AUDIT_RETENTION_DEFAULT_DAYS = 400;

export interface AuditOptions {
  /** How long entries are kept before a purge may remove them: at least 365, default 400. */
  retentionDays?: number;
}

/** The retention in days, or an error naming the setting and what it expects. */
export function auditRetentionDays(options: AuditOptions = {}): number {
  const days = options.retentionDays ?? AUDIT_RETENTION_DEFAULT_DAYS;
  if (!Number.isInteger(days) || days < AUDIT_RETENTION_MIN_DAYS) {
    throw new Error(
      `audit retentionDays is ${String(days)}: expected a whole number of days, at least ${AUDIT_RETENTION_MIN_DAYS}`,
    );
  }
  return days;
}
