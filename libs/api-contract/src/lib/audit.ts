/** Wire types of the audit trail's admin API (snake_case). */

export type AuditActorTypeValue = 'user' | 'api_key' | 'system';
export type AuditOutcomeValue = 'success' | 'failure';

export interface AuditEntryResource {
  object: 'audit_entry';
  id: string;
  sequence: number;
  occurred_at: string;
  actor_type: AuditActorTypeValue;
  actor_id: string | null;
  action: string;
  outcome: AuditOutcomeValue;
  origin_ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  merchant_id: string | null;
  resource_type: string | null;
  resource_id: string | null;
  reason: string | null;
  change: { before?: unknown; after?: unknown } | null;
  prev_hash: string;
  hash: string;
}

/** `GET /admin/audit` query: every filter optional; `from` inclusive, `to` exclusive (ISO 8601). */
export interface AuditListQuery {
  action?: string;
  actor_type?: AuditActorTypeValue;
  actor_id?: string;
  merchant_id?: string;
  resource_type?: string;
  resource_id?: string;
  outcome?: AuditOutcomeValue;
  from?: string;
  to?: string;
  /** 1 to 500, default 50. */
  limit?: number;
  /** `next_cursor` of the previous page. */
  cursor?: string;
  order?: 'asc' | 'desc';
}

export interface AuditPageResource {
  object: 'list';
  data: AuditEntryResource[];
  has_more: boolean;
  next_cursor: string | null;
}

/** `GET /admin/audit/verify`. */
export type AuditVerificationResource =
  | { intact: true; count: number; checked_at: string }
  | { intact: false; first_broken_sequence: number; reason: string; checked_at: string };

export type AuditExportFormat = 'jsonl' | 'csv';
