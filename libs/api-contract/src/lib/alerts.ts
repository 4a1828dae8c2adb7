/** Wire types of the alerting admin API: rules, channels, alerts, silences (snake_case). */

export type AlertSeverityValue = 'critical' | 'warning' | 'info';

/** pending: the condition holds, not yet for `for_seconds`; firing: announced; resolved: it stopped. */
export type AlertStateValue = 'pending' | 'firing' | 'resolved';

/** Backlog and queue figures a `threshold` condition reads (the same figures `/metrics` serves). */
export type AlertMetricName =
  /** Merchant webhook deliveries out of tries. */
  | 'webhook_deliveries_dead'
  /** Seconds since the oldest payment event not yet turned into deliveries. */
  | 'outbox_lag_seconds'
  /** Seconds since the oldest verified gateway event not yet applied. */
  | 'inbox_lag_seconds'
  /** Payments flagged for review and not yet settled by recovery. */
  | 'payments_needing_review'
  /** Open reconciliation exceptions. */
  | 'reconciliation_exceptions_open'
  /** Jobs out of tries, all queues. */
  | 'jobs_dead';

export const ALERT_METRIC_NAMES: readonly AlertMetricName[] = [
  'webhook_deliveries_dead',
  'outbox_lag_seconds',
  'inbox_lag_seconds',
  'payments_needing_review',
  'reconciliation_exceptions_open',
  'jobs_dead',
];

/** One window pair of a burn-rate condition: fires when both windows burn faster than `factor`. */
export interface BurnWindowResource {
  long_seconds: number;
  short_seconds: number;
  factor: number;
}

/**
 * What a rule watches. Gateway conditions are evaluated per gateway (label `gateway`);
 * `gateway_down` per connection (labels `gateway`, `connection_id`); `threshold` once.
 * Declines are answers: only gateway failures (no answer, timeout, 5xx, in doubt) count as errors.
 */
export type AlertConditionResource =
  | {
      kind: 'success_rate_below';
      /** 0 to 1: fires when the success rate is below it. */
      threshold: number;
      window_seconds: number;
      /** Fewer calls in the window say nothing (default 1). */
      min_calls?: number;
    }
  | {
      kind: 'burn_rate';
      /** e.g. 0.999; the error budget is 1 − slo. */
      slo: number;
      /** Default: 14.4x over 3600 s and 300 s, 6x over 21600 s and 1800 s. */
      windows?: BurnWindowResource[];
    }
  | {
      kind: 'success_rate_baseline';
      /** Fires when the window's success rate is more than this below the baseline (0 to 1, e.g. 0.1 = 10 points). */
      max_drop: number;
      /** The measured window ending now, and the same window on each earlier day (default 3600). */
      window_seconds?: number;
      /** How many earlier days make the baseline (default 7). */
      baseline_days?: number;
      /** Calls needed in the window and in the baseline (default 20). */
      min_calls?: number;
    }
  | {
      /** The connection's circuit is open or its last `failed_checks` health checks failed. */
      kind: 'gateway_down';
      /** Default 3. */
      failed_checks?: number;
    }
  | {
      kind: 'threshold';
      metric: AlertMetricName;
      /** Fires when the metric is above it. */
      above: number;
    };

export type AlertConditionKind = AlertConditionResource['kind'];

export interface AlertRuleResource {
  id: string;
  object: 'alert_rule';
  name: string;
  description: string | null;
  severity: AlertSeverityValue;
  enabled: boolean;
  condition: AlertConditionResource;
  /** How long the condition must hold before the alert fires (0: at once). */
  for_seconds: number;
  /** Channels notified on firing and on resolution, in order. */
  channel_ids: string[];
  /** A rule Payrail ships (seeded on first start); it may be edited, disabled or deleted like any other. */
  builtin: boolean;
  created_at: string;
  updated_at: string;
}

/** `POST /admin/alerts/rules`. */
export interface CreateAlertRuleRequest {
  name: string;
  description?: string | null;
  severity: AlertSeverityValue;
  enabled?: boolean;
  condition: AlertConditionResource;
  for_seconds?: number;
  channel_ids?: string[];
}

/** `PATCH /admin/alerts/rules/{id}`: any subset of the create fields. */
export type UpdateAlertRuleRequest = Partial<CreateAlertRuleRequest>;

export type AlertChannelType = 'webhook' | 'slack' | 'email';

export interface AlertChannelTestResource {
  ok: boolean;
  /** The receiver's HTTP status (webhook, Slack); null for email or when nothing answered. */
  status: number | null;
  /** What the receiver said: the start of its response body, or the SMTP server's message id. */
  response: string | null;
  error: string | null;
  latency_ms: number;
  tested_at: string;
}

export interface AlertChannelResource {
  id: string;
  object: 'alert_channel';
  name: string;
  type: AlertChannelType;
  enabled: boolean;
  /** webhook: the receiver URL (https, or loopback http in tests). null otherwise. */
  url: string | null;
  /** email: the recipients. Empty otherwise. */
  to: string[];
  /**
   * Masked hints of the stored secrets, never the secrets: webhook `signing_secret` (`****abcd`),
   * slack `webhook_url` (`https://hooks.slack.com/****abcd`).
   */
  secret_hints: Record<string, string>;
  last_test: AlertChannelTestResource | null;
  created_at: string;
  updated_at: string;
}

/** The create answer: the channel, plus a signing secret Payrail generated (shown this once). */
export interface AlertChannelCreatedResource extends AlertChannelResource {
  signing_secret?: string;
}

/**
 * `POST /admin/alerts/channels`.
 * - webhook: `url` required; `signing_secret` optional (16+ characters; generated and returned once if omitted).
 * - slack: `webhook_url` required (an incoming-webhook URL; stored encrypted).
 * - email: `to` required (1 to 20 addresses); sent through `PAYRAIL_SMTP_URL`.
 */
export interface CreateAlertChannelRequest {
  name: string;
  type: AlertChannelType;
  enabled?: boolean;
  url?: string;
  signing_secret?: string;
  webhook_url?: string;
  to?: string[];
}

/** `PATCH /admin/alerts/channels/{id}`: any subset of the create fields except `type`. */
export type UpdateAlertChannelRequest = Partial<Omit<CreateAlertChannelRequest, 'type'>>;

/** `POST /admin/alerts/channels/{id}/test`: sends a test notification and answers what the channel said. */
export interface AlertChannelTestResultResource extends AlertChannelTestResource {
  object: 'alert_channel_test';
  channel_id: string;
}

export interface AlertResource {
  id: string;
  object: 'alert';
  /** Stable over the alert's episodes: the rule and its labels. */
  fingerprint: string;
  rule_id: string;
  rule_name: string;
  severity: AlertSeverityValue;
  state: AlertStateValue;
  /** `alertname`, `rule_id`, `severity`, and `gateway` / `connection_id` where the rule has them. */
  labels: Record<string, string>;
  /** `summary`, `description`. */
  annotations: Record<string, string>;
  /** The measured value (a success rate, a burn rate, a metric), null when unknown. */
  value: number | null;
  /** When the alert fired (pending: when the condition began to hold). */
  starts_at: string;
  /** When the condition began to hold. */
  active_since: string;
  ends_at: string | null;
  last_evaluated_at: string;
  /** Whether a silence matches it now. */
  silenced: boolean;
  /** When the firing notice went out (to the rule's channels, or to none when it names none); null while pending, silenced, or while no channel has taken it yet (it is tried again for an hour). */
  notified_at: string | null;
  resolved_notified_at: string | null;
  acknowledged_at: string | null;
  /** The console user's email. */
  acknowledged_by: string | null;
  acknowledgement_note: string | null;
}

/**
 * `GET /admin/alerts` query:
 * - `state`: `active` (pending and firing), `pending`, `firing`, `resolved`, or `all`. Without it:
 *   active alerts and those resolved in the last 24 h.
 * - `severity`, `rule_id`, `gateway`, `acknowledged` (`true` / `false`).
 * - `since`: ISO time; alerts active or ended after it.
 * - `limit`: 1 to 200 (default 100). Newest first.
 */
export interface AlertListQuery {
  state?: 'active' | AlertStateValue | 'all';
  severity?: AlertSeverityValue;
  rule_id?: string;
  gateway?: string;
  acknowledged?: 'true' | 'false';
  since?: string;
  limit?: number;
}

/** `POST /admin/alerts/{id}/acknowledge`. Acknowledging again replaces the note. */
export interface AcknowledgeAlertRequest {
  note?: string;
}

export type SilenceStateValue = 'active' | 'pending' | 'expired';

export interface SilenceResource {
  id: string;
  object: 'alert_silence';
  /** Label matchers, all of which must equal (`alertname`, `rule_id`, `gateway`, `connection_id`, `severity`). */
  matchers: Record<string, string>;
  reason: string;
  starts_at: string;
  ends_at: string;
  state: SilenceStateValue;
  /** The console user's email. */
  created_by: string | null;
  created_at: string;
}

/** `POST /admin/alerts/silences`: `ends_at` or `duration_seconds` (one of them); `starts_at` defaults to now. */
export interface CreateSilenceRequest {
  matchers: Record<string, string>;
  reason: string;
  starts_at?: string;
  ends_at?: string;
  duration_seconds?: number;
}

export interface AlertListResource<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}

/** `DELETE /admin/alerts/rules/{id}` and `DELETE /admin/alerts/channels/{id}`. */
export interface AlertDeletedResource {
  id: string;
  object: 'alert_rule' | 'alert_channel';
  deleted: true;
}
