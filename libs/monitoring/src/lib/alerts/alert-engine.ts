import { createHash } from 'node:crypto';
import {
  evaluateCondition,
  type AlertCondition,
  type CallOutcomeSample,
  type ConditionResult,
} from './alert-conditions';

export type AlertSeverity = 'critical' | 'warning' | 'info';
export type AlertState = 'pending' | 'firing' | 'resolved';

export interface AlertRuleSpec {
  id: string;
  name: string;
  severity: AlertSeverity;
  condition: AlertCondition;
  /** How long the condition must hold before the alert fires (0: at once). */
  forMs: number;
}

export interface Silence {
  /** Label matchers, all of which must equal (`alertname`, `gateway`, `rule_id`…). */
  matchers: Record<string, string>;
  endsAt: number;
  reason: string;
}

export interface AlertInstance {
  fingerprint: string;
  ruleId: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: AlertState;
  startsAt: number;
  activeSince: number;
  endsAt: number | null;
  value: number | null;
}

/** What the caller must send after an evaluation: a new firing alert, or the resolved notice of one sent before. */
export interface AlertNotice {
  status: 'firing' | 'resolved';
  alert: AlertInstance;
}

/** Stable id of an alert: its rule and labels, whatever their order. */
export function alertFingerprint(ruleId: string, labels: Record<string, string>): string {
  const canonical = JSON.stringify([ruleId, Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/** Whether an unexpired silence matches every one of its matchers against `labels`. */
export function silenced(labels: Record<string, string>, silences: readonly Silence[], now: number): boolean {
  return silences.some(
    (s) => s.endsAt > now && Object.entries(s.matchers).every(([k, v]) => labels[k] === v),
  );
}

/** One rule's condition measured for one subject (a gateway, a connection, or the platform). */
export interface ConditionObservation {
  rule: Pick<AlertRuleSpec, 'id' | 'name' | 'severity' | 'forMs'>;
  /** The subject's labels (`gateway`, `connection_id`); empty for a platform-wide figure. */
  subject: Record<string, string>;
  result: ConditionResult;
}

function summaryOf(name: string, subject: Record<string, string>): string {
  const where = subject['connection_id'] ?? subject['gateway'];
  return where ? `${name} on ${where}` : name;
}

/**
 * The state step, from the previous alerts and this evaluation's observations to the next alerts
 * and the notices to send. Pure. pending → firing once the condition held `forMs`; firing →
 * resolved when it stops (or is no longer observed: its rule was removed or disabled); a
 * firing alert is announced once (deduplicated by fingerprint), its resolution once; while a
 * silence matches, nothing is announced.
 */
export function advanceAlerts(input: {
  observations: readonly ConditionObservation[];
  previous: ReadonlyMap<string, AlertInstance>;
  silences: readonly Silence[];
  now: number;
}): { alerts: Map<string, AlertInstance>; notices: AlertNotice[] } {
  const alerts = new Map<string, AlertInstance>();
  const notices: AlertNotice[] = [];
  const resolve = (before: AlertInstance, description: string) => {
    const resolved: AlertInstance = {
      ...before,
      state: 'resolved',
      endsAt: input.now,
      annotations: { ...before.annotations, description },
    };
    alerts.set(before.fingerprint, resolved);
    if (before.state === 'firing' && !silenced(before.labels, input.silences, input.now))
      notices.push({ status: 'resolved', alert: resolved });
  };
  for (const { rule, subject, result } of input.observations) {
    const labels = { alertname: rule.name, rule_id: rule.id, ...subject, severity: rule.severity };
    const fingerprint = alertFingerprint(rule.id, subject);
    const before = input.previous.get(fingerprint);
    const quiet = silenced(labels, input.silences, input.now);
    if (result.active) {
      const activeSince = before && before.state !== 'resolved' ? before.activeSince : input.now;
      const firing = input.now - activeSince >= rule.forMs;
      const alert: AlertInstance = {
        fingerprint,
        ruleId: rule.id,
        labels,
        annotations: { summary: summaryOf(rule.name, subject), description: result.description },
        state: firing ? 'firing' : 'pending',
        startsAt: firing && before?.state === 'firing' ? before.startsAt : input.now,
        activeSince,
        endsAt: null,
        value: result.value,
      };
      alerts.set(fingerprint, alert);
      if (firing && before?.state !== 'firing' && !quiet) notices.push({ status: 'firing', alert });
      // A silenced alert fires quietly; it is never announced as new when the silence ends.
    } else if (before && before.state !== 'resolved') resolve(before, result.description);
  }
  for (const before of input.previous.values())
    if (before.state !== 'resolved' && !alerts.has(before.fingerprint))
      resolve(before, 'no longer evaluated');
  return { alerts, notices };
}

/**
 * One evaluation of every rule for every gateway over raw call outcomes: each condition measured
 * per gateway, then the state step (`advanceAlerts`).
 */
export function evaluateAlerts(input: {
  rules: readonly AlertRuleSpec[];
  samples: readonly CallOutcomeSample[];
  previous: ReadonlyMap<string, AlertInstance>;
  silences: readonly Silence[];
  now: number;
}): { alerts: Map<string, AlertInstance>; notices: AlertNotice[] } {
  const gateways = [...new Set(input.samples.map((s) => s.gateway))].sort();
  const observations: ConditionObservation[] = [];
  for (const rule of input.rules)
    for (const gateway of gateways)
      observations.push({
        rule,
        subject: { gateway },
        result: evaluateCondition(
          rule.condition,
          input.samples.filter((s) => s.gateway === gateway),
          input.now,
        ),
      });
  return advanceAlerts({
    observations,
    previous: input.previous,
    silences: input.silences,
    now: input.now,
  });
}

/** The body Alertmanager's webhook receiver sends (version 4), for receivers that already read it. */
export function alertmanagerPayload(
  notices: readonly AlertNotice[],
  options: { receiver: string; externalUrl: string },
) {
  const status = notices.some((n) => n.status === 'firing') ? 'firing' : 'resolved';
  const common = (pick: (n: AlertNotice) => Record<string, string>) => {
    const [first, ...rest] = notices.map(pick);
    return Object.fromEntries(Object.entries(first ?? {}).filter(([k, v]) => rest.every((r) => r[k] === v)));
  };
  const commonLabels = common((n) => n.alert.labels);
  return {
    version: '4',
    groupKey: `{}:{alertname="${commonLabels['alertname'] ?? ''}"}`,
    truncatedAlerts: 0,
    status,
    receiver: options.receiver,
    groupLabels: commonLabels['alertname'] ? { alertname: commonLabels['alertname'] } : {},
    commonLabels,
    commonAnnotations: common((n) => n.alert.annotations),
    externalURL: options.externalUrl,
    alerts: notices.map((n) => ({
      status: n.status,
      labels: n.alert.labels,
      annotations: n.alert.annotations,
      startsAt: new Date(n.alert.startsAt).toISOString(),
      endsAt: n.alert.endsAt === null ? '0001-01-01T00:00:00Z' : new Date(n.alert.endsAt).toISOString(),
      generatorURL: `${options.externalUrl}/monitoring?alert=${n.alert.fingerprint}`,
      fingerprint: n.alert.fingerprint,
    })),
  };
}
