/** Reconciliation and reports on the wire (`/admin/reconciliation/...`, `/admin/reports/...`, `/v1/reports/...`). */

export type ReconciliationResultKind =
  | 'matched'
  | 'amount_mismatch'
  | 'currency_mismatch'
  | 'status_mismatch'
  | 'missing_at_gateway'
  | 'missing_in_payrail'
  | 'duplicate'
  | 'expected';

export type ReconciliationRunStatus = 'queued' | 'running' | 'completed' | 'failed';
export type ReconciliationExceptionStatus = 'open' | 'acknowledged' | 'resolved';
export type ExceptionResolution = 'accept_gateway' | 'write_off' | 'linked';

/** Gross, fees and net of one currency, in its minor units: never summed across currencies. */
export interface CurrencyTotalsResource {
  currency: string;
  gross: number;
  fees: number;
  net: number;
}

export interface ReconciliationRunResource {
  object: 'reconciliation_run';
  id: string;
  connection_id: string;
  merchant_id: string;
  gateway: string;
  trigger: 'scheduled' | 'manual';
  status: ReconciliationRunStatus;
  /** 0 to 100. */
  progress: number;
  from: string;
  to: string;
  imported_count: number;
  counts: Record<ReconciliationResultKind, number>;
  totals: CurrencyTotalsResource[];
  digest: string | null;
  duration_ms: number | null;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  created_at: string;
}

export interface ReconciliationExceptionResource {
  object: 'reconciliation_exception';
  id: string;
  run_id: string;
  last_run_id: string;
  connection_id: string;
  merchant_id: string;
  gateway: string;
  kind: ReconciliationResultKind;
  status: ReconciliationExceptionStatus;
  currency: string;
  payrail_amount: number | null;
  gateway_amount: number | null;
  /** Why the engine decided this: the rule and the values it compared. */
  reason: string;
  payment_id: string | null;
  /** Payrail's side: ids, amounts, statuses, times. */
  payrail: Record<string, unknown> | null;
  /** The gateway's side, with its raw record as imported. */
  gateway_record: Record<string, unknown> | null;
  occurred_at: string;
  first_seen_at: string;
  last_seen_at: string;
  /** Seconds since it was first found. */
  age_seconds: number;
  resolution: ExceptionResolution | 'auto_matched' | null;
  resolution_note: string | null;
  linked_reference: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
}

export interface ReportSummaryRow {
  group: string;
  currency: string;
  payment_count: number;
  authorized_count: number;
  authorized_amount: number;
  captured_count: number;
  captured_amount: number;
  refunded_count: number;
  refunded_amount: number;
  declined_count: number;
  failed_count: number;
  /** Succeeded over succeeded and failed payments; null with none of either. */
  success_rate: number | null;
  /** Payments whose dispute was lost, and what those disputes took back. */
  disputes_lost_count: number;
  disputes_lost_amount: number;
  /** Where reconciliation has settlement data for the group's movements. */
  fee_amount?: number;
  net_amount?: number;
}

export interface ReportSummaryResource {
  object: 'list';
  group_by: string;
  data: ReportSummaryRow[];
}

export interface ReportExportResource {
  object: 'report_export';
  id: string;
  format: 'csv' | 'jsonl';
  /** `expired`: the file was deleted after `PAYRAIL_EXPORT_RETENTION_HOURS`; its download answers 410. */
  status: 'queued' | 'running' | 'completed' | 'failed' | 'expired';
  progress: number;
  rows: number;
  total_rows: number;
  filters: Record<string, string>;
  error: string | null;
  download_url: string | null;
  created_at: string;
  finished_at: string | null;
  /** When the file is deleted: the download works until then. */
  expires_at: string | null;
}
