import { createHash } from 'node:crypto';
import { evaluateCondition, type AlertCondition, type CallOutcomeSample } from './alert-conditions';

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

function silenced(labels: Record<string, string>, silences: readonly Silence[], now: number): boolean {
  return silences.some(
    (s) => s.endsAt > now && Object.entries(s.matchers).every(([k, v]) => labels[k] === v),
  );
}

/**
 * One evaluation of every rule for every gateway, from the previous alerts to the next, with the
 * notices to send. Pure: state in, state out. pending → firing once the condition held `forMs`;
 * firing → resolved when it stops; a firing alert is announced once (deduplicated by
 * fingerprint), its resolution once; while a silence matches, nothing is announced.
 */
export function evaluateAlerts(input: {
  rules: readonly AlertRuleSpec[];
  samples: readonly CallOutcomeSample[];
  previous: ReadonlyMap<string, AlertInstance>;
  silences: readonly Silence[];
  now: number;
}): { alerts: Map<string, AlertInstance>; notices: AlertNotice[] } {
  const alerts = new Map<string, AlertInstance>();
  const notices: AlertNotice[] = [];
  const gateways = [...new Set(input.samples.map((s) => s.gateway))].sort();
  for (const rule of input.rules) {
    for (const gateway of gateways) {
      const labels = { alertname: rule.name, rule_id: rule.id, gateway, severity: rule.severity };
      const fingerprint = alertFingerprint(rule.id, { gateway });
      const before = input.previous.get(fingerprint);
      const result = evaluateCondition(
        rule.condition,
        input.samples.filter((s) => s.gateway === gateway),
        input.now,
      );
      const quiet = silenced(labels, input.silences, input.now);
      if (result.active) {
        const activeSince = before && before.state !== 'resolved' ? before.activeSince : input.now;
        const firing = input.now - activeSince >= rule.forMs;
        const alert: AlertInstance = {
          fingerprint,
          ruleId: rule.id,
          labels,
          annotations: { summary: `${rule.name} on ${gateway}`, description: result.description },
          state: firing ? 'firing' : 'pending',
          startsAt: firing && before?.state === 'firing' ? before.startsAt : input.now,
          activeSince,
          endsAt: null,
          value: result.value,
        };
        alerts.set(fingerprint, alert);
        if (firing && before?.state !== 'firing' && !quiet) notices.push({ status: 'firing', alert });
        // A silenced alert fires quietly; it is never announced as new when the silence ends.
      } else if (before && before.state !== 'resolved') {
        const resolved: AlertInstance = {
          ...before,
          state: 'resolved',
          endsAt: input.now,
          annotations: { ...before.annotations, description: result.description },
        };
        alerts.set(fingerprint, resolved);
        if (before.state === 'firing' && !quiet) notices.push({ status: 'resolved', alert: resolved });
      }
    }
  }
  return { alerts, notices };
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
