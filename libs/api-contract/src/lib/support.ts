/** The knowledge base, the issue log and support cases, as the API and the console see them. */

export interface KbArticleResource {
  object: 'kb_article';
  id: string;
  slug: string;
  title: string;
  summary: string;
  /** Markdown. */
  symptoms: string;
  cause: string;
  resolution: string;
  /** The three sections rendered and sanitized: safe to place in a page. */
  body_html: string;
  audience: 'internal' | 'merchant';
  gateway: string;
  taxonomy_codes: string[];
  gateway_codes: string[];
  retryable: boolean;
  customer_message: string;
  tags: string[];
  status: 'draft' | 'published';
  version: number;
  updated_at: string;
  updated_by: string | null;
  /** The console page: `{PAYRAIL_PUBLIC_URL}/kb/{slug}`. */
  url: string;
  /** A search hit's highlighted passage: escaped HTML with `<mark>` around the matches. */
  snippet?: string;
  versions?: KbArticleVersionResource[];
}

export interface KbArticleVersionResource {
  version: number;
  author_id: string | null;
  created_at: string;
}

export interface KbArticleWrite {
  slug?: string;
  title?: string;
  summary?: string;
  symptoms?: string;
  cause?: string;
  resolution?: string;
  audience?: 'internal' | 'merchant';
  gateway?: string;
  taxonomy_codes?: string[];
  gateway_codes?: string[];
  retryable?: boolean;
  customer_message?: string;
  tags?: string[];
  status?: 'draft' | 'published';
}

export interface KbDiffResource {
  object: 'kb_diff';
  slug: string;
  from: number;
  to: number;
  /** A unified diff of the two versions as Markdown files. */
  patch: string;
  changes: Array<{ added: boolean; removed: boolean; value: string }>;
}

/** An article linked from where a problem shows (a failed payment, an issue). */
export interface KbArticleLinkResource {
  slug: string;
  title: string;
  summary: string;
  resolution: string;
  customer_message: string;
  retryable: boolean;
  gateway: string;
  url: string;
}

export type IssueStatusValue = 'open' | 'acknowledged' | 'resolved' | 'ignored';

/** Failures of one kind, grouped by fingerprint as they happen. */
export interface IssueResource {
  object: 'issue';
  id: string;
  kind: 'payment_failure' | 'system_error';
  fingerprint: string;
  title: string;
  operation: string | null;
  gateway: string | null;
  code: string;
  gateway_code: string | null;
  source: string | null;
  status: IssueStatusValue;
  /** It came back after it was resolved. */
  regression: boolean;
  count: number;
  affected_payments: number;
  affected_merchants: number;
  first_seen_at: string;
  last_seen_at: string;
  resolved_at: string | null;
  last_detail: string | null;
  /** Occurrences per UTC day, oldest first (14 days in a list, 30 in the detail). */
  trend: Array<{ day: string; count: number }>;
  /** The knowledge-base article for the issue's code, if there is one. */
  article: KbArticleLinkResource | null;
}

export interface IssueDetailResource extends IssueResource {
  payments: {
    object: 'list';
    data: Array<{ payment_id: string; merchant_id: string; seen_at: string }>;
    has_more: boolean;
  };
}

export type CasePriorityValue = 'P1' | 'P2' | 'P3' | 'P4';
export type CaseTierValue = 'L1' | 'L2' | 'L3';
export type CaseStatusValue = 'new' | 'open' | 'pending' | 'resolved' | 'closed';

/** Where one SLA target of a case stands. */
export interface CaseSlaTargetResource {
  due_at: string;
  state: 'running' | 'met' | 'missed';
  /** Business minutes left (negative once passed); null once the target is settled. */
  minutes_left: number | null;
  at_risk: boolean;
  reason: string;
}

export interface SupportCaseResource {
  object: 'support_case';
  id: string;
  subject: string;
  description: string | null;
  priority: CasePriorityValue;
  status: CaseStatusValue;
  tier: CaseTierValue;
  merchant_id: string | null;
  requester_id: string | null;
  assignee_id: string | null;
  payment_ids: string[];
  issue_ids: string[];
  opened_at: string;
  /** When business time started counting (a case opened at the weekend: the next opening). */
  clock_started_at: string;
  first_responded_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  sla: { first_response: CaseSlaTargetResource; resolution: CaseSlaTargetResource; calendar: string | null };
  timeline?: SupportCaseEventResource[];
}

export interface SupportCaseEventResource {
  id: string;
  type: string;
  actor_id: string | null;
  body: string | null;
  data: Record<string, unknown> | null;
  created_at: string;
}

export interface SupportCalendarResource {
  object: 'support_calendar';
  id: string;
  name: string;
  time_zone: string;
  working_days: number[];
  /** `HH:MM` local. */
  opens: string;
  closes: string;
  holidays: string[];
}

export interface SlaPolicyResource {
  object: 'sla_policy';
  id: string;
  priority: CasePriorityValue;
  first_response_minutes: number;
  resolution_minutes: number;
  at_risk_minutes: number;
  calendar_id: string | null;
}
