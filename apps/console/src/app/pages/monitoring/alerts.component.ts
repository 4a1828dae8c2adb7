import { DatePipe, KeyValuePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  inject,
  signal,
  type OnInit,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import {
  ALERT_METRIC_NAMES,
  type AlertChannelResource,
  type AlertChannelType,
  type AlertConditionKind,
  type AlertConditionResource,
  type AlertMetricName,
  type AlertResource,
  type AlertRuleResource,
  type AlertSeverityValue,
  type SilenceResource,
} from '@payrail/api-contract';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { MonitoringApi } from '../../core/monitoring.api';
import { SessionStore } from '../../core/session.store';
import { ProblemComponent } from '../../shared/problem.component';
import { SecretOnceComponent } from '../../shared/secret-once.component';
import { percent, REFRESH_MS } from './monitoring-format';

const minutes = (seconds: number) =>
  seconds % 3600 === 0 ? `${seconds / 3600} h` : seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;

/** A rule's condition in words. */
export function describeCondition(c: AlertConditionResource): string {
  switch (c.kind) {
    case 'success_rate_below':
      return `success rate below ${percent(c.threshold)} over ${minutes(c.window_seconds)}`;
    case 'burn_rate':
      return `error budget burn against a ${percent(c.slo)} SLO${
        c.windows?.length
          ? ` (${c.windows.map((w) => `${w.factor}× over ${minutes(w.long_seconds)}/${minutes(w.short_seconds)}`).join(', ')})`
          : ''
      }`;
    case 'success_rate_baseline':
      return `success rate ${percent(c.max_drop)} below its ${c.baseline_days ?? 7}-day baseline over ${minutes(
        c.window_seconds ?? 3600,
      )}`;
    case 'gateway_down':
      return `gateway down: circuit open or ${c.failed_checks ?? 3} failed health checks`;
    case 'threshold':
      return `${c.metric.replace(/_/g, ' ')} above ${c.above}`;
  }
}

/** An alert's measured value as its condition reads it: a rate as a percentage, a burn rate as a factor. */
export function alertValue(value: number | null, kind: AlertConditionKind | undefined): string {
  if (value === null) return '—';
  if (kind === 'success_rate_below' || kind === 'success_rate_baseline') return percent(value);
  if (kind === 'burn_rate') return `${(Math.round(value * 10) / 10).toFixed(1)}× budget`;
  return String(Math.round(value * 100) / 100);
}

/** The labels a silence of this alert matches: its rule, and its gateway or connection where it has one. */
export function silenceMatchers(alert: AlertResource): Record<string, string> {
  const matchers: Record<string, string> = { rule_id: alert.rule_id };
  if (alert.labels['connection_id']) matchers['connection_id'] = alert.labels['connection_id'];
  else if (alert.labels['gateway']) matchers['gateway'] = alert.labels['gateway'];
  return matchers;
}

const KINDS: Array<{ value: AlertConditionKind; label: string }> = [
  { value: 'success_rate_below', label: 'Success rate below' },
  { value: 'burn_rate', label: 'Error budget burn rate' },
  { value: 'success_rate_baseline', label: 'Success rate versus baseline' },
  { value: 'gateway_down', label: 'Gateway down' },
  { value: 'threshold', label: 'Backlog threshold' },
];

/** Active alerts (acknowledge, silence), silences, alert rules and channels (create, edit, test). */
@Component({
  selector: 'pr-alerts',
  imports: [
    DatePipe,
    KeyValuePipe,
    FormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    ProblemComponent,
    SecretOnceComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './monitoring.page.scss',
  templateUrl: './alerts.component.html',
})
export class AlertsComponent implements OnInit {
  private readonly api = inject(MonitoringApi);
  private readonly session = inject(SessionStore);
  readonly kinds = KINDS;
  readonly metrics = ALERT_METRIC_NAMES;
  readonly describe = describeCondition;
  readonly alerts = signal<AlertResource[]>([]);
  readonly silences = signal<SilenceResource[]>([]);
  readonly rules = signal<AlertRuleResource[]>([]);
  readonly channels = signal<AlertChannelResource[]>([]);
  readonly problem = signal<ApiProblem | null>(null);
  readonly notice = signal('');
  readonly busy = signal(false);
  readonly canCreate = computed(() => (this.session.me(), this.session.can('create', 'Alert')));
  readonly canUpdate = computed(() => (this.session.me(), this.session.can('update', 'Alert')));
  readonly active = computed(() => this.alerts().filter((a) => a.state !== 'resolved'));
  readonly recent = computed(() => this.alerts().filter((a) => a.state === 'resolved'));

  // Acknowledge and silence, one alert at a time.
  readonly acking = signal<string | null>(null);
  readonly silencing = signal<string | null>(null);
  readonly alertProblem = signal<ApiProblem | null>(null);
  ackNote = '';
  silenceReason = '';
  silenceHours = 1;

  // The rule form.
  readonly ruleOpen = signal(false);
  readonly editingRule = signal<AlertRuleResource | null>(null);
  readonly ruleProblem = signal<ApiProblem | null>(null);
  ruleName = '';
  ruleDescription = '';
  severity: AlertSeverityValue = 'warning';
  ruleEnabled = true;
  kind: AlertConditionKind = 'success_rate_below';
  thresholdPercent = 80;
  windowMinutes = 5;
  minCalls: number | null = null;
  sloPercent = 99.9;
  maxDropPercent = 10;
  baselineDays = 7;
  failedChecks = 3;
  metric: AlertMetricName = 'webhook_deliveries_dead';
  above = 0;
  forSeconds = 60;
  ruleChannels: string[] = [];

  // The channel form.
  readonly channelOpen = signal(false);
  readonly editingChannel = signal<AlertChannelResource | null>(null);
  readonly channelProblem = signal<ApiProblem | null>(null);
  readonly createdSecret = signal<{ name: string; secret: string } | null>(null);
  readonly testing = signal<string | null>(null);
  readonly tested = signal<Record<string, string>>({});
  channelName = '';
  channelType: AlertChannelType = 'webhook';
  channelEnabled = true;
  channelUrl = '';
  signingSecret = '';
  slackUrl = '';
  emailTo = '';

  constructor() {
    // A monitoring page left open stays current.
    const timer = setInterval(() => void this.load(), REFRESH_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  async ngOnInit(): Promise<void> {
    await this.load();
  }

  async load(): Promise<void> {
    this.problem.set(null);
    try {
      const [alerts, silences, rules, channels] = await Promise.all([
        this.api.alerts(),
        this.api.silences(),
        this.api.alertRules(),
        this.api.channels(),
      ]);
      this.alerts.set(alerts.data);
      this.silences.set(silences.data);
      this.rules.set(rules.data);
      this.channels.set(channels.data);
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  labelsOf(alert: AlertResource): string {
    return Object.entries(alert.labels)
      .filter(([key]) => !['alertname', 'rule_id', 'severity'].includes(key))
      .map(([key, value]) => `${key}=${value}`)
      .join(', ');
  }

  matchersOf(silence: SilenceResource): string {
    return Object.entries(silence.matchers)
      .map(([key, value]) => `${key}=${key === 'rule_id' ? this.ruleLabel(value) : value}`)
      .join(', ');
  }

  valueOf(alert: AlertResource): string {
    return alertValue(alert.value, this.rules().find((r) => r.id === alert.rule_id)?.condition.kind);
  }

  ruleLabel(id: string): string {
    return this.rules().find((r) => r.id === id)?.name ?? id;
  }

  channelLabel(id: string): string {
    return this.channels().find((c) => c.id === id)?.name ?? id;
  }

  private async run(what: () => Promise<string>, problem = this.problem): Promise<boolean> {
    this.busy.set(true);
    problem.set(null);
    this.notice.set('');
    try {
      const notice = await what();
      await this.load();
      this.notice.set(notice);
      return true;
    } catch (error) {
      problem.set(toProblem(error));
      return false;
    } finally {
      this.busy.set(false);
    }
  }

  startAck(alert: AlertResource): void {
    this.silencing.set(null);
    this.ackNote = '';
    this.alertProblem.set(null);
    this.acking.set(alert.id);
  }

  startSilence(alert: AlertResource): void {
    this.acking.set(null);
    this.silenceReason = '';
    this.silenceHours = 1;
    this.alertProblem.set(null);
    this.silencing.set(alert.id);
  }

  async acknowledge(alert: AlertResource): Promise<void> {
    const done = await this.run(async () => {
      await this.api.acknowledge(alert.id, this.ackNote.trim() ? { note: this.ackNote.trim() } : {});
      return `${alert.rule_name} acknowledged.`;
    }, this.alertProblem);
    if (done) this.acking.set(null);
  }

  async silence(alert: AlertResource): Promise<void> {
    const done = await this.run(async () => {
      await this.api.createSilence({
        matchers: silenceMatchers(alert),
        reason: this.silenceReason.trim(),
        duration_seconds: Math.round(Number(this.silenceHours) * 3600),
      });
      return `${alert.rule_name} silenced for ${this.silenceHours} h.`;
    }, this.alertProblem);
    if (done) this.silencing.set(null);
  }

  expire(silence: SilenceResource): Promise<boolean> {
    return this.run(async () => {
      await this.api.expireSilence(silence.id);
      return 'Silence expired.';
    });
  }

  openRule(rule: AlertRuleResource | null): void {
    this.editingRule.set(rule);
    this.ruleProblem.set(null);
    this.ruleName = rule?.name ?? '';
    this.ruleDescription = rule?.description ?? '';
    this.severity = rule?.severity ?? 'warning';
    this.ruleEnabled = rule?.enabled ?? true;
    this.forSeconds = rule?.for_seconds ?? 60;
    this.ruleChannels = [...(rule?.channel_ids ?? [])];
    const c = rule?.condition ?? { kind: 'success_rate_below', threshold: 0.8, window_seconds: 300 };
    this.kind = c.kind;
    this.minCalls = null;
    if (c.kind === 'success_rate_below') {
      this.thresholdPercent = Math.round(c.threshold * 1000) / 10;
      this.windowMinutes = c.window_seconds / 60;
      this.minCalls = c.min_calls ?? null;
    } else if (c.kind === 'burn_rate') this.sloPercent = Math.round(c.slo * 100_000) / 1000;
    else if (c.kind === 'success_rate_baseline') {
      this.maxDropPercent = Math.round(c.max_drop * 1000) / 10;
      this.windowMinutes = (c.window_seconds ?? 3600) / 60;
      this.baselineDays = c.baseline_days ?? 7;
      this.minCalls = c.min_calls ?? null;
    } else if (c.kind === 'gateway_down') this.failedChecks = c.failed_checks ?? 3;
    else {
      this.metric = c.metric;
      this.above = c.above;
    }
    this.ruleOpen.set(true);
  }

  condition(): AlertConditionResource {
    const num = (v: unknown) => Number(v);
    const calls =
      this.minCalls !== null && String(this.minCalls) !== '' ? { min_calls: num(this.minCalls) } : {};
    switch (this.kind) {
      case 'success_rate_below':
        return {
          kind: 'success_rate_below',
          threshold: num(this.thresholdPercent) / 100,
          window_seconds: Math.round(num(this.windowMinutes) * 60),
          ...calls,
        };
      case 'burn_rate': {
        // Keeps an edited rule's own windows; only the SLO is on the form.
        const old = this.editingRule()?.condition;
        return {
          kind: 'burn_rate',
          slo: num(this.sloPercent) / 100,
          ...(old?.kind === 'burn_rate' && old.windows ? { windows: old.windows } : {}),
        };
      }
      case 'success_rate_baseline':
        return {
          kind: 'success_rate_baseline',
          max_drop: num(this.maxDropPercent) / 100,
          window_seconds: Math.round(num(this.windowMinutes) * 60),
          baseline_days: num(this.baselineDays),
          ...calls,
        };
      case 'gateway_down':
        return { kind: 'gateway_down', failed_checks: num(this.failedChecks) };
      case 'threshold':
        return { kind: 'threshold', metric: this.metric, above: num(this.above) };
    }
  }

  async saveRule(): Promise<void> {
    const rule = this.editingRule();
    const body = {
      name: this.ruleName.trim(),
      description: this.ruleDescription.trim() || null,
      severity: this.severity,
      enabled: this.ruleEnabled,
      condition: this.condition(),
      for_seconds: Number(this.forSeconds),
      channel_ids: this.ruleChannels,
    };
    const done = await this.run(async () => {
      const saved = rule
        ? await this.api.updateAlertRule(rule.id, body)
        : await this.api.createAlertRule(body);
      return `Alert rule “${saved.name}” saved.`;
    }, this.ruleProblem);
    if (done) this.ruleOpen.set(false);
  }

  openChannel(channel: AlertChannelResource | null): void {
    this.editingChannel.set(channel);
    this.channelProblem.set(null);
    this.channelName = channel?.name ?? '';
    this.channelType = channel?.type ?? 'webhook';
    this.channelEnabled = channel?.enabled ?? true;
    this.channelUrl = channel?.url ?? '';
    this.signingSecret = '';
    this.slackUrl = '';
    this.emailTo = (channel?.to ?? []).join(', ');
    this.channelOpen.set(true);
  }

  async saveChannel(): Promise<void> {
    const channel = this.editingChannel();
    const to = this.emailTo
      .split(/[,\s]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    // Secrets are write-only: sent only when typed, so an edit keeps the stored one.
    const fields = {
      name: this.channelName.trim(),
      enabled: this.channelEnabled,
      ...(this.channelType === 'webhook' ? { url: this.channelUrl.trim() } : {}),
      ...(this.channelType === 'webhook' && this.signingSecret ? { signing_secret: this.signingSecret } : {}),
      ...(this.channelType === 'slack' && this.slackUrl ? { webhook_url: this.slackUrl.trim() } : {}),
      ...(this.channelType === 'email' ? { to } : {}),
    };
    const done = await this.run(async () => {
      if (channel) {
        const saved = await this.api.updateChannel(channel.id, fields);
        return `Channel “${saved.name}” saved.`;
      }
      const created = await this.api.createChannel({ ...fields, type: this.channelType });
      if (created.signing_secret)
        this.createdSecret.set({ name: created.name, secret: created.signing_secret });
      return `Channel “${created.name}” created.`;
    }, this.channelProblem);
    if (done) {
      this.channelOpen.set(false);
      this.signingSecret = '';
      this.slackUrl = '';
    }
  }

  async test(channel: AlertChannelResource): Promise<void> {
    this.testing.set(channel.id);
    this.problem.set(null);
    try {
      const result = await this.api.testChannel(channel.id);
      const said = result.ok
        ? `delivered${result.status ? ` (HTTP ${result.status})` : ''}${result.response ? `: ${result.response}` : ''}`
        : `failed: ${result.error ?? (result.status ? `HTTP ${result.status}` : 'no answer')}`;
      this.tested.update((all) => ({ ...all, [channel.id]: `Test notification ${said}` }));
      await this.load();
    } catch (error) {
      this.problem.set(toProblem(error));
    } finally {
      this.testing.set(null);
    }
  }
}
