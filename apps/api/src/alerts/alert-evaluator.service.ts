import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { getDataSourceToken, InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, Not, Repository, type DataSource } from 'typeorm';
import type { AlertMetricName } from '@payrail/api-contract';
import { isUniqueViolation, newId } from '@payrail/database';
import { GatewayConnectionRecord } from '@payrail/gateways';
import { JobQueue, JobScheduler } from '@payrail/jobs';
import {
  advanceAlerts,
  CircuitBreaker,
  silenced,
  evaluateAggregate,
  type AlertInstance,
  type AlertNotice,
  type CallCounts,
  type ConditionObservation,
} from '@payrail/monitoring';
import { Notifier } from '@payrail/notifications';
import { PAYRAIL_CONFIG, type PayrailConfig } from '../app/config';
import { GatewayHealthCheck } from '../monitoring/gateway-health-check.entity';
import { AlertChannelRecord } from './alert-channel.entity';
import { sendToChannel } from './alert-channels';
import { activeSilences, AlertConfigService } from './alert-config.service';
import { AlertEvaluationRecord } from './alert-evaluation.entity';
import { toAggregate } from './alert-inputs';
import { AlertInstanceRecord } from './alert-instance.entity';

export const ALERTS_QUEUE = 'monitoring.alerts';
const DAY = 86_400_000;

export interface EvaluationResult {
  /** Another run (another instance, or a second run) already evaluated this interval. */
  skipped: boolean;
  slot: string;
  alerts: number;
  notices: AlertNotice[];
}

/**
 * Evaluates the stored rules once per interval: counts of authorizations per gateway from the
 * attempts table, each connection's circuit and health checks, backlog figures; the pure state
 * step of `@payrail/monitoring`; the alert episodes stored; notices sent to each rule's channels.
 * The interval is claimed by a unique row first, so every instance and every retry of the
 * scheduled job evaluates (and notifies) it once.
 */
@Injectable()
export class AlertEvaluator implements OnModuleInit {
  private readonly logger = new Logger('AlertEvaluator');

  constructor(
    private readonly alerts: AlertConfigService,
    @InjectRepository(AlertEvaluationRecord) private readonly evaluations: Repository<AlertEvaluationRecord>,
    @InjectRepository(AlertInstanceRecord) private readonly instances: Repository<AlertInstanceRecord>,
    @InjectRepository(AlertChannelRecord) private readonly channels: Repository<AlertChannelRecord>,
    @InjectRepository(GatewayConnectionRecord)
    private readonly connections: Repository<GatewayConnectionRecord>,
    @InjectRepository(GatewayHealthCheck) private readonly checks: Repository<GatewayHealthCheck>,
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
    private readonly breaker: CircuitBreaker,
    private readonly notifier: Notifier,
    private readonly jobs: JobQueue,
    private readonly scheduler: JobScheduler,
    @Inject(PAYRAIL_CONFIG) private readonly config: PayrailConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.define(ALERTS_QUEUE, async () => void (await this.evaluate()), {
      maxAttempts: 1,
      concurrency: 1,
    });
    this.scheduler.every(ALERTS_QUEUE, this.config.alertIntervalMs);
  }

  async evaluate(now = Date.now()): Promise<EvaluationResult> {
    const slot = String(Math.floor(now / this.config.alertIntervalMs));
    try {
      await this.evaluations.insert({ id: newId('ale'), slot, evaluatedAt: new Date(now), notices: 0 });
    } catch (error) {
      if (isUniqueViolation(error)) return { skipped: true, slot, alerts: 0, notices: [] };
      throw error;
    }
    const rules = await this.alerts.listRules('true');
    const openRows = await this.alerts.openInstances();
    const previous = new Map<string, AlertInstance>(openRows.map((r) => [r.fingerprint, toEngine(r)]));
    const observations = await this.observe(rules, openRows, now);
    const silences = activeSilences(await this.alerts.currentSilences(now), now);
    const step = advanceAlerts({ observations, previous, silences, now });

    const byFingerprint = new Map(openRows.map((r) => [r.fingerprint, r]));
    const names = new Map(rules.map((r) => [r.id, r]));
    const saved = new Map<string, AlertInstanceRecord>();
    for (const alert of step.alerts.values()) {
      const row =
        byFingerprint.get(alert.fingerprint) ??
        this.instances.create({
          id: newId('alt'),
          fingerprint: alert.fingerprint,
          ruleId: alert.ruleId,
          notifiedAt: null,
          resolvedNotifiedAt: null,
          pendingNotice: null,
          acknowledgedAt: null,
          acknowledgedByEmail: null,
          acknowledgementNote: null,
        });
      row.openKey = alert.state === 'resolved' ? null : alert.fingerprint;
      row.ruleName = names.get(alert.ruleId)?.name ?? alert.labels['alertname'] ?? row.ruleName;
      row.severity = (alert.labels['severity'] as AlertInstanceRecord['severity']) ?? row.severity;
      row.state = alert.state;
      row.labels = alert.labels;
      row.annotations = alert.annotations;
      row.value = alert.value;
      row.startsAt = new Date(alert.startsAt);
      row.activeSince = new Date(alert.activeSince);
      row.endsAt = alert.endsAt === null ? null : new Date(alert.endsAt);
      row.lastEvaluatedAt = new Date(now);
      // A firing notice never taken is moot once the alert resolved.
      if (row.pendingNotice && row.pendingNotice !== alert.state) row.pendingNotice = null;
      saved.set(alert.fingerprint, await this.instances.save(row));
    }

    // A resolution is announced only for an alert whose firing was (a silenced one fired quietly).
    const notices = step.notices.filter(
      (n) => n.status === 'firing' || saved.get(n.alert.fingerprint)?.notifiedAt,
    );
    for (const n of notices) {
      const row = saved.get(n.alert.fingerprint);
      if (row) {
        row.pendingNotice = n.status;
        saved.set(row.fingerprint, await this.instances.save(row));
      }
    }
    const retries = await this.undelivered(now, new Set(notices.map((n) => n.alert.fingerprint)), silences);
    for (const row of retries) saved.set(row.fingerprint, row);
    const all = [...notices, ...retries.map(toNotice)];
    await this.notify(all, names, saved, now);
    await this.evaluations.update({ slot }, { notices: all.length });
    await this.evaluations.delete({ evaluatedAt: LessThan(new Date(now - DAY)) });
    return { skipped: false, slot, alerts: step.alerts.size, notices: all };
  }

  /** Notices of the last hour no channel took, still true (the episode is in the state announced) and not silenced. */
  private async undelivered(
    now: number,
    exclude: ReadonlySet<string>,
    silences: ReturnType<typeof activeSilences>,
  ): Promise<AlertInstanceRecord[]> {
    const rows = await this.instances.find({ where: { pendingNotice: Not(IsNull()) }, take: 200 });
    return rows.filter((r) => {
      if (exclude.has(r.fingerprint) || r.pendingNotice !== r.state) return false;
      const since = (r.state === 'resolved' ? r.endsAt : r.startsAt)?.getTime() ?? 0;
      return since > now - 3600_000 && !silenced(r.labels, silences, now);
    });
  }

  private async notify(
    notices: AlertNotice[],
    rules: Map<string, { channelIds: string[] }>,
    rows: Map<string, AlertInstanceRecord>,
    now: number,
  ): Promise<void> {
    const byRule = new Map<string, AlertNotice[]>();
    for (const n of notices) byRule.set(n.alert.ruleId, [...(byRule.get(n.alert.ruleId) ?? []), n]);
    for (const [ruleId, group] of byRule) {
      const ids = rules.get(ruleId)?.channelIds ?? [];
      let delivered = false;
      const enabled = [];
      for (const id of ids) {
        const channel = await this.channels.findOneBy({ id });
        if (!channel?.enabled) continue;
        enabled.push(channel.id);
        const result = await sendToChannel(
          channel,
          group,
          {
            notifier: this.notifier,
            secret: this.alerts.openSecret(channel),
            externalUrl: this.alerts.externalUrl,
          },
          now,
        );
        if (result.ok) delivered = true;
        else
          this.logger.warn(
            `alert channel ${channel.id} (${channel.type}) refused a notice: ${result.error ?? result.status}`,
          );
      }
      // Without a channel there is no one to tell: nothing waits. Refused everywhere: tried again.
      if (!delivered && enabled.length > 0) continue;
      for (const n of group) {
        const row = rows.get(n.alert.fingerprint);
        if (!row) continue;
        // Issued: taken by a channel, or by none because the rule names none.
        if (n.status === 'firing') row.notifiedAt = new Date(now);
        else row.resolvedNotifiedAt = new Date(now);
        row.pendingNotice = null;
        await this.instances.save(row);
      }
    }
  }

  /** Each enabled rule measured for each of its subjects. */
  private async observe(
    rules: Awaited<ReturnType<AlertConfigService['listRules']>>,
    open: AlertInstanceRecord[],
    now: number,
  ): Promise<ConditionObservation[]> {
    const countCache = new Map<string, Promise<Map<string, CallCounts>>>();
    const counts = (from: number, to: number) => {
      const key = `${from}:${to}`;
      if (!countCache.has(key)) countCache.set(key, this.countCalls(from, to));
      return countCache.get(key) as Promise<Map<string, CallCounts>>;
    };
    const metricCache = new Map<string, Promise<number | null>>();
    const out: ConditionObservation[] = [];
    for (const rule of rules) {
      const condition = toAggregate(rule.condition);
      const spec = { id: rule.id, name: rule.name, severity: rule.severity, forMs: rule.forSeconds * 1000 };
      const openSubjects = open
        .filter((r) => r.ruleId === rule.id)
        .map((r) => r.labels['connection_id'] ?? r.labels['gateway'])
        .filter((v): v is string => typeof v === 'string');
      if (condition.kind === 'gateway_down') {
        for (const c of await this.connections.find({
          where: { enabled: true },
          order: { createdAt: 'ASC' },
        })) {
          const [view, recent] = await Promise.all([
            this.breaker.view(c.id),
            this.checks.find({
              where: { connectionId: c.id },
              order: { checkedAt: 'DESC' },
              take: condition.failedChecks,
            }),
          ]);
          out.push({
            rule: spec,
            subject: { gateway: c.gateway, connection_id: c.id },
            result: evaluateAggregate(condition, { health: { circuit: view.state, recentChecks: recent } }),
          });
        }
      } else if (condition.kind === 'threshold') {
        if (!metricCache.has(condition.metric))
          metricCache.set(condition.metric, this.metric(condition.metric as AlertMetricName, now));
        out.push({
          rule: spec,
          subject: {},
          result: evaluateAggregate(condition, { metric: await metricCache.get(condition.metric) }),
        });
      } else {
        const windows =
          condition.kind === 'burn_rate'
            ? condition.windows.flatMap((w) => [w.longMs, w.shortMs])
            : [condition.windowMs];
        const current = new Map<number, Map<string, CallCounts>>();
        for (const w of windows) current.set(w, await counts(now - w, now));
        const baseline = new Map<string, Map<string, CallCounts>>();
        if (condition.kind === 'success_rate_baseline')
          for (let day = 1; day <= condition.baselineDays; day++)
            baseline.set(
              `${condition.windowMs}:${day}`,
              await counts(now - day * DAY - condition.windowMs, now - day * DAY),
            );
        const gateways = new Set<string>(openSubjects);
        for (const byGateway of current.values()) for (const g of byGateway.keys()) gateways.add(g);
        for (const gateway of [...gateways].sort())
          out.push({
            rule: spec,
            subject: { gateway },
            result: evaluateAggregate(condition, {
              counts: (w) => current.get(w)?.get(gateway) ?? null,
              baseline: (w, day) => baseline.get(`${w}:${day}`)?.get(gateway) ?? null,
            }),
          });
      }
    }
    return out;
  }

  /** Authorizations per gateway in `(from, to]`: declines are answers; no answer, timeouts, 5xx and calls in doubt are failures. */
  async countCalls(from: number, to: number): Promise<Map<string, CallCounts>> {
    const rows = await this.dataSource
      .createQueryBuilder()
      .select('p.gateway', 'gateway')
      .addSelect('COUNT(*)', 'calls')
      .addSelect(
        "SUM(CASE WHEN a.status = 'unknown' OR (a.status = 'failed' AND a.error_code IN ('gateway_unavailable', 'gateway_timeout')) THEN 1 ELSE 0 END)",
        'failed',
      )
      .from('payment_attempts', 'a')
      .innerJoin('payments', 'p', 'p.id = a.payment_id')
      .where("a.operation = 'authorize'")
      .andWhere("a.status <> 'pending'")
      .andWhere('a.created_at > :from', { from: new Date(from) })
      .andWhere('a.created_at <= :to', { to: new Date(to) })
      .groupBy('p.gateway')
      .getRawMany<{ gateway: string; calls: string | number; failed: string | number | null }>();
    return new Map(rows.map((r) => [r.gateway, { calls: Number(r.calls), failed: Number(r.failed ?? 0) }]));
  }

  /** The backlog figures threshold rules read: the same the `/metrics` gauges serve. */
  async metric(name: AlertMetricName, now: number): Promise<number | null> {
    const one = async (
      sql: (qb: ReturnType<DataSource['createQueryBuilder']>) => unknown,
      column: string,
    ) => {
      const qb = this.dataSource.createQueryBuilder();
      sql(qb);
      const row = await qb.getRawOne<Record<string, unknown>>();
      return row?.[column] ?? null;
    };
    const age = (oldest: unknown) =>
      oldest ? Math.max(0, (now - new Date(oldest as string | Date).getTime()) / 1000) : 0;
    switch (name) {
      case 'webhook_deliveries_dead':
        return Number(
          await one(
            (qb) => qb.select('COUNT(*)', 'n').from('webhook_deliveries', 'd').where("d.state = 'dead'"),
            'n',
          ),
        );
      case 'outbox_lag_seconds':
        return age(
          await one(
            (qb) =>
              qb
                .select('MIN(e.created_at)', 'oldest')
                .from('webhook_outbox', 'e')
                .where("e.state = 'pending'"),
            'oldest',
          ),
        );
      case 'inbox_lag_seconds':
        return age(
          await one(
            (qb) =>
              qb
                .select('MIN(e.received_at)', 'oldest')
                .from('webhook_inbox', 'e')
                .where("e.state = 'received'"),
            'oldest',
          ),
        );
      case 'payments_needing_review':
        return Number(
          await one(
            (qb) =>
              qb.select('COUNT(*)', 'n').from('payments', 'p').where('p.needs_review = :yes', { yes: true }),
            'n',
          ),
        );
      case 'reconciliation_exceptions_open':
        return Number(
          await one(
            (qb) =>
              qb
                .select('COUNT(*)', 'n')
                .from('reconciliation_exceptions', 'x')
                .where("x.status IN ('open', 'acknowledged')"),
            'n',
          ),
        );
      case 'jobs_dead':
        return (await this.jobs.stats()).reduce((n, q) => n + q.dead, 0);
    }
  }
}

function toEngine(r: AlertInstanceRecord): AlertInstance {
  return {
    fingerprint: r.fingerprint,
    ruleId: r.ruleId,
    labels: r.labels,
    annotations: r.annotations,
    state: r.state,
    startsAt: r.startsAt.getTime(),
    activeSince: r.activeSince.getTime(),
    endsAt: r.endsAt ? r.endsAt.getTime() : null,
    value: r.value === null ? null : Number(r.value),
  };
}

function toNotice(r: AlertInstanceRecord): AlertNotice {
  return { status: r.state === 'resolved' ? 'resolved' : 'firing', alert: toEngine(r) };
}
