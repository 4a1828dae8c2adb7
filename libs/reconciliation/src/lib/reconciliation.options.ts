export const RECONCILIATION_OPTIONS = Symbol.for('payrail.reconciliation-options');

export interface ReconciliationOptions {
  /** One delay for every gateway instead of `SETTLEMENT_DELAY_MS` (tests use 0). */
  settlementDelayMs?: number;
  /** How far apart a movement and a record without a shared reference may be (default 3 days). */
  dateToleranceMs?: number;
  /** How often the scheduled runs start (default daily); 0 turns the schedule off. */
  scheduleIntervalMs?: number;
  /** Where export files are written. */
  exportDir: string;
  /** How long an export file is kept for download before the purge deletes it (default a day). */
  exportRetentionHours?: number;
  /** Whether this process runs the scheduled reconciliation. */
  runSchedule?: boolean;
}

const HOUR = 3600_000;

/**
 * How long each gateway may take to report a movement before it counts as missing: Stripe and
 * Square list a capture or refund at once, PayPal's Transaction Search lags by up to three hours
 * (a day here, as its data can trail further at month end). Unknown gateways get a day.
 */
export const SETTLEMENT_DELAY_MS: Readonly<Record<string, number>> = {
  stripe: 6 * HOUR,
  square: 6 * HOUR,
  paypal: 24 * HOUR,
};
export const DEFAULT_SETTLEMENT_DELAY_MS = 24 * HOUR;
export const DEFAULT_DATE_TOLERANCE_MS = 3 * 24 * HOUR;
export const DAY_MS = 24 * HOUR;
export const DEFAULT_EXPORT_RETENTION_HOURS = 24;

export function settlementDelayFor(
  gateway: string,
  options: Pick<ReconciliationOptions, 'settlementDelayMs'>,
): number {
  return options.settlementDelayMs ?? SETTLEMENT_DELAY_MS[gateway] ?? DEFAULT_SETTLEMENT_DELAY_MS;
}
