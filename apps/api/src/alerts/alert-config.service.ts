import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, LessThanOrEqual, MoreThan, Not, Repository } from 'typeorm';
import {
  ApiError,
  type AlertChannelCreatedResource,
  type AlertChannelResource,
  type AlertChannelTestResultResource,
  type AlertResource,
  type AlertRuleResource,
  type SilenceResource,
} from '@payrail/api-contract';
import { AuditService, SYSTEM_ACTOR, type AuditActorContext } from '@payrail/audit';
import { isUniqueViolation, newId } from '@payrail/database';
import { silenced } from '@payrail/monitoring';
import { Notifier } from '@payrail/notifications';
import { SecretBox, secretHint } from '@payrail/secrets';
import { checkUrl, OutboundRefused } from '@payrail/webhooks';
import { PAYRAIL_CONFIG, type PayrailConfig } from '../app/config';
import { AlertChannelRecord } from './alert-channel.entity';
import { sendToChannel, testNotice } from './alert-channels';
import {
  emailList,
  flag,
  integer,
  isoTime,
  matchers,
  optionalText,
  parseCondition,
  severity,
  text,
} from './alert-inputs';
import { AlertInstanceRecord } from './alert-instance.entity';
import { AlertRuleRecord } from './alert-rule.entity';
import { AlertSilenceRecord } from './alert-silence.entity';
import { defaultAlertRules } from './default-rules';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function urlHint(value: string): string {
  try {
    return `${new URL(value).origin}/${secretHint(value)}`;
  } catch {
    return secretHint(value);
  }
}

export function presentRule(r: AlertRuleRecord): AlertRuleResource {
  return {
    id: r.id,
    object: 'alert_rule',
    name: r.name,
    description: r.description,
    severity: r.severity,
    enabled: r.enabled,
    condition: r.condition,
    for_seconds: r.forSeconds,
    channel_ids: r.channelIds,
    builtin: r.builtinKey !== null,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

export function presentChannel(c: AlertChannelRecord): AlertChannelResource {
  return {
    id: c.id,
    object: 'alert_channel',
    name: c.name,
    type: c.type,
    enabled: c.enabled,
    url: c.type === 'webhook' ? c.url : null,
    to: c.type === 'email' ? c.emailRecipients : [],
    secret_hints: { ...c.secretHints },
    last_test: c.lastTest,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

function silenceState(s: AlertSilenceRecord, now: number): SilenceResource['state'] {
  if (s.endsAt.getTime() <= now) return 'expired';
  return s.startsAt.getTime() > now ? 'pending' : 'active';
}

export function presentSilence(s: AlertSilenceRecord, now = Date.now()): SilenceResource {
  return {
    id: s.id,
    object: 'alert_silence',
    matchers: s.matchers,
    reason: s.reason,
    starts_at: s.startsAt.toISOString(),
    ends_at: s.endsAt.toISOString(),
    state: silenceState(s, now),
    created_by: s.createdByEmail,
    created_at: s.createdAt.toISOString(),
  };
}

/** Silences in force at `now`, in the engine's shape. */
export function activeSilences(rows: readonly AlertSilenceRecord[], now: number) {
  return rows
    .filter((s) => s.startsAt.getTime() <= now && s.endsAt.getTime() > now)
    .map((s) => ({ matchers: s.matchers, endsAt: s.endsAt.getTime(), reason: s.reason }));
}

export function presentAlert(
  a: AlertInstanceRecord,
  silences: readonly AlertSilenceRecord[],
  now = Date.now(),
): AlertResource {
  return {
    id: a.id,
    object: 'alert',
    fingerprint: a.fingerprint,
    rule_id: a.ruleId,
    rule_name: a.ruleName,
    severity: a.severity,
    state: a.state,
    labels: a.labels,
    annotations: a.annotations,
    value: a.value === null ? null : Number(a.value),
    starts_at: a.startsAt.toISOString(),
    active_since: a.activeSince.toISOString(),
    ends_at: iso(a.endsAt),
    last_evaluated_at: a.lastEvaluatedAt.toISOString(),
    silenced: silenced(a.labels, activeSilences(silences, now), now),
    notified_at: iso(a.notifiedAt),
    resolved_notified_at: iso(a.resolvedNotifiedAt),
    acknowledged_at: iso(a.acknowledgedAt),
    acknowledged_by: a.acknowledgedByEmail,
    acknowledgement_note: a.acknowledgementNote,
  };
}

interface RuleBody {
  name?: unknown;
  description?: unknown;
  severity?: unknown;
  enabled?: unknown;
  condition?: unknown;
  for_seconds?: unknown;
  channel_ids?: unknown;
}

interface ChannelBody {
  name?: unknown;
  type?: unknown;
  enabled?: unknown;
  url?: unknown;
  signing_secret?: unknown;
  webhook_url?: unknown;
  to?: unknown;
}

const CHANNEL_TYPES = ['webhook', 'slack', 'email'];

/** Stored alert rules, channels and silences, and acknowledgements: every change in the audit trail. */
@Injectable()
export class AlertConfigService {
  private readonly logger = new Logger('Alerts');

  constructor(
    @InjectRepository(AlertRuleRecord) readonly rules: Repository<AlertRuleRecord>,
    @InjectRepository(AlertChannelRecord) readonly channels: Repository<AlertChannelRecord>,
    @InjectRepository(AlertSilenceRecord) readonly silences: Repository<AlertSilenceRecord>,
    @InjectRepository(AlertInstanceRecord) readonly instances: Repository<AlertInstanceRecord>,
    private readonly box: SecretBox,
    private readonly notifier: Notifier,
    private readonly audit: AuditService,
    @Inject(PAYRAIL_CONFIG) private readonly config: PayrailConfig,
  ) {}

  get externalUrl(): string {
    return this.config.publicUrl.replace(/\/+$/, '');
  }

  /** First start: the shipped rules, once (an emptied rule list stays as its owners left it only while other rules exist). */
  async seedDefaults(): Promise<number> {
    if ((await this.rules.count()) > 0) return 0;
    let seeded = 0;
    for (const { key, ...rule } of defaultAlertRules(this.config.alertSlo)) {
      try {
        const row = await this.rules.save(
          this.rules.create({
            id: newId('alr'),
            name: rule.name,
            description: rule.description ?? null,
            severity: rule.severity,
            enabled: true,
            condition: parseCondition(rule.condition),
            forSeconds: rule.for_seconds ?? 0,
            channelIds: [],
            builtinKey: key,
          }),
        );
        await this.record(SYSTEM_ACTOR, 'alert_rule.created', 'alert_rule', row.id, {
          after: presentRule(row),
        });
        seeded++;
      } catch (error) {
        // Another instance seeded the same rule at the same time.
        if (!isUniqueViolation(error)) throw error;
      }
    }
    if (seeded) this.logger.log(`seeded ${seeded} default alert rules`);
    return seeded;
  }

  // ---- rules

  async listRules(enabled?: string): Promise<AlertRuleRecord[]> {
    if (enabled !== undefined && enabled !== 'true' && enabled !== 'false')
      throw ApiError.invalid('enabled', 'enabled must be true or false');
    return this.rules.find({
      where: enabled === undefined ? {} : { enabled: enabled === 'true' },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async rule(id: string): Promise<AlertRuleRecord> {
    const row = await this.rules.findOneBy({ id });
    if (!row) throw ApiError.notFound('alert rule', id);
    return row;
  }

  async createRule(body: RuleBody, context: AuditActorContext): Promise<AlertRuleRecord> {
    const input = body ?? {};
    const row = this.rules.create({
      id: newId('alr'),
      name: text(input.name, 'name', 100),
      description: optionalText(input.description, 'description', 500),
      severity: severity(input.severity),
      enabled: flag(input.enabled, 'enabled') ?? true,
      condition: parseCondition(input.condition),
      forSeconds: input.for_seconds === undefined ? 0 : integer(input.for_seconds, 'for_seconds', 0, 86_400),
      channelIds: await this.channelIds(input.channel_ids),
      builtinKey: null,
    });
    const saved = await this.rules.save(row);
    await this.record(context, 'alert_rule.created', 'alert_rule', saved.id, { after: presentRule(saved) });
    return saved;
  }

  async updateRule(id: string, body: RuleBody, context: AuditActorContext): Promise<AlertRuleRecord> {
    const row = await this.rule(id);
    const before = presentRule(row);
    const input = body ?? {};
    if (input.name !== undefined) row.name = text(input.name, 'name', 100);
    if (input.description !== undefined)
      row.description = optionalText(input.description, 'description', 500);
    if (input.severity !== undefined) row.severity = severity(input.severity);
    row.enabled = flag(input.enabled, 'enabled') ?? row.enabled;
    if (input.condition !== undefined) row.condition = parseCondition(input.condition);
    if (input.for_seconds !== undefined)
      row.forSeconds = integer(input.for_seconds, 'for_seconds', 0, 86_400);
    if (input.channel_ids !== undefined) row.channelIds = await this.channelIds(input.channel_ids);
    const saved = await this.rules.save(row);
    await this.record(context, 'alert_rule.updated', 'alert_rule', id, { before, after: presentRule(saved) });
    return saved;
  }

  async removeRule(id: string, context: AuditActorContext): Promise<void> {
    const row = await this.rule(id);
    await this.rules.delete({ id });
    await this.record(context, 'alert_rule.deleted', 'alert_rule', id, { before: presentRule(row) });
  }

  private async channelIds(value: unknown): Promise<string[]> {
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.length > 10)
      throw ApiError.invalid('channel_ids', 'channel_ids must list up to 10 channels');
    const known = new Set(
      (await this.channels.findBy({ id: In(value.filter((v) => typeof v === 'string')) })).map((c) => c.id),
    );
    return value.map((id, i) => {
      if (typeof id !== 'string' || !known.has(id))
        throw ApiError.invalid(`channel_ids[${i}]`, `no alert channel '${String(id)}'`);
      if (value.indexOf(id) !== i)
        throw ApiError.invalid(`channel_ids[${i}]`, `channel '${id}' is listed twice`);
      return id;
    });
  }

  // ---- channels

  listChannels(): Promise<AlertChannelRecord[]> {
    return this.channels.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async channel(id: string): Promise<AlertChannelRecord> {
    const row = await this.channels.findOneBy({ id });
    if (!row) throw ApiError.notFound('alert channel', id);
    return row;
  }

  private webhookUrl(value: unknown, param: string): string {
    if (typeof value !== 'string' || value.length === 0 || value.length > 2000)
      throw ApiError.invalid(param, `${param} must be an https URL of up to 2000 characters`);
    try {
      return checkUrl(value, this.notifier.outboundPolicy).toString();
    } catch (error) {
      if (error instanceof OutboundRefused) throw ApiError.invalid(param, `${param}: ${error.reason}`);
      throw error;
    }
  }

  private signingSecret(value: unknown): string {
    if (typeof value !== 'string' || value.length < 16 || value.length > 200 || /\s/.test(value))
      throw ApiError.invalid('signing_secret', 'signing_secret must be 16 to 200 characters without spaces');
    return value;
  }

  private seal(row: AlertChannelRecord, secret: string, hintKey: string, hintValue: string): void {
    row.secretSealed = this.box.seal(secret);
    row.secretHints = { [hintKey]: hintValue };
  }

  async createChannel(body: ChannelBody, context: AuditActorContext): Promise<AlertChannelCreatedResource> {
    const input = body ?? {};
    if (typeof input.type !== 'string' || !CHANNEL_TYPES.includes(input.type))
      throw ApiError.invalid('type', `type must be one of ${CHANNEL_TYPES.join(', ')}`);
    const type = input.type as AlertChannelRecord['type'];
    const allowed: Record<string, string[]> = {
      webhook: ['url', 'signing_secret'],
      slack: ['webhook_url'],
      email: ['to'],
    };
    for (const key of ['url', 'signing_secret', 'webhook_url', 'to'])
      if ((input as Record<string, unknown>)[key] !== undefined && !allowed[type].includes(key))
        throw ApiError.invalid(key, `a ${type} channel takes ${allowed[type].join(', ')}, not ${key}`);
    const row = this.channels.create({
      id: newId('alc'),
      name: text(input.name, 'name', 100),
      type,
      enabled: flag(input.enabled, 'enabled') ?? true,
      url: null,
      emailRecipients: [],
      secretSealed: null,
      secretHints: {},
      lastTest: null,
    });
    let generated: string | undefined;
    if (type === 'webhook') {
      row.url = this.webhookUrl(input.url, 'url');
      const secret =
        input.signing_secret === undefined
          ? (generated = `whsec_${randomBytes(24).toString('base64url')}`)
          : this.signingSecret(input.signing_secret);
      this.seal(row, secret, 'signing_secret', secretHint(secret));
    } else if (type === 'slack') {
      const url = this.webhookUrl(input.webhook_url, 'webhook_url');
      this.seal(row, url, 'webhook_url', urlHint(url));
    } else row.emailRecipients = emailList(input.to, 'to');
    const saved = await this.channels.save(row);
    await this.record(context, 'alert_channel.created', 'alert_channel', saved.id, {
      after: this.auditView(saved),
    });
    return generated ? { ...presentChannel(saved), signing_secret: generated } : presentChannel(saved);
  }

  async updateChannel(
    id: string,
    body: ChannelBody,
    context: AuditActorContext,
  ): Promise<AlertChannelRecord> {
    const row = await this.channel(id);
    const before = this.auditView(row);
    const input = body ?? {};
    if (input.type !== undefined && input.type !== row.type)
      throw ApiError.invalid('type', "a channel's type cannot change; create another channel");
    if (input.name !== undefined) row.name = text(input.name, 'name', 100);
    row.enabled = flag(input.enabled, 'enabled') ?? row.enabled;
    const refuse = (key: string) => {
      if ((input as Record<string, unknown>)[key] !== undefined)
        throw ApiError.invalid(key, `a ${row.type} channel does not take ${key}`);
    };
    if (row.type === 'webhook') {
      refuse('webhook_url');
      refuse('to');
      if (input.url !== undefined) row.url = this.webhookUrl(input.url, 'url');
      if (input.signing_secret !== undefined) {
        const secret = this.signingSecret(input.signing_secret);
        this.seal(row, secret, 'signing_secret', secretHint(secret));
      }
    } else if (row.type === 'slack') {
      refuse('url');
      refuse('signing_secret');
      refuse('to');
      if (input.webhook_url !== undefined) {
        const url = this.webhookUrl(input.webhook_url, 'webhook_url');
        this.seal(row, url, 'webhook_url', urlHint(url));
      }
    } else {
      refuse('url');
      refuse('signing_secret');
      refuse('webhook_url');
      if (input.to !== undefined) row.emailRecipients = emailList(input.to, 'to');
    }
    const saved = await this.channels.save(row);
    await this.record(context, 'alert_channel.updated', 'alert_channel', id, {
      before,
      after: this.auditView(saved),
    });
    return saved;
  }

  async removeChannel(id: string, context: AuditActorContext): Promise<void> {
    const row = await this.channel(id);
    for (const rule of await this.rules.find())
      if (rule.channelIds.includes(id)) {
        rule.channelIds = rule.channelIds.filter((c) => c !== id);
        await this.rules.save(rule);
      }
    await this.channels.delete({ id });
    await this.record(context, 'alert_channel.deleted', 'alert_channel', id, { before: this.auditView(row) });
  }

  /** Opens a channel's sealed secret for sending; never logged or answered. */
  openSecret(row: AlertChannelRecord): string | null {
    return row.secretSealed ? this.box.open(row.secretSealed) : null;
  }

  async testChannel(
    id: string,
    context: AuditActorContext,
    now = Date.now(),
  ): Promise<AlertChannelTestResultResource> {
    const row = await this.channel(id);
    const result = await sendToChannel(
      row,
      [testNotice(row, now)],
      { notifier: this.notifier, secret: this.openSecret(row), externalUrl: this.externalUrl },
      now,
    );
    row.lastTest = result;
    await this.channels.save(row);
    await this.record(
      context,
      'alert_channel.tested',
      'alert_channel',
      id,
      { after: { ok: result.ok, status: result.status, error: result.error } },
      result.ok ? 'success' : 'failure',
    );
    return { object: 'alert_channel_test', channel_id: id, ...result };
  }

  /** What the trail keeps of a channel: hints, never secrets; recipients as a count. */
  private auditView(c: AlertChannelRecord) {
    return {
      name: c.name,
      type: c.type,
      enabled: c.enabled,
      url: c.type === 'webhook' ? c.url : null,
      recipients: c.emailRecipients.length,
      secretHints: Object.entries(c.secretHints).map(([field, value]) => ({ field, hint: value })),
    };
  }

  // ---- silences

  async listSilences(state?: string, now = Date.now()): Promise<AlertSilenceRecord[]> {
    if (state !== undefined && !['active', 'pending', 'expired', 'all'].includes(state))
      throw ApiError.invalid('state', 'state must be active, pending, expired or all');
    const at = new Date(now);
    const where =
      state === 'all'
        ? {}
        : state === 'expired'
          ? { endsAt: LessThanOrEqual(at) }
          : state === 'active'
            ? { endsAt: MoreThan(at), startsAt: LessThanOrEqual(at) }
            : state === 'pending'
              ? { startsAt: MoreThan(at) }
              : { endsAt: MoreThan(at) };
    return this.silences.find({ where, order: { createdAt: 'DESC', id: 'DESC' }, take: 500 });
  }

  async createSilence(
    body: {
      matchers?: unknown;
      reason?: unknown;
      starts_at?: unknown;
      ends_at?: unknown;
      duration_seconds?: unknown;
    },
    actor: { email: string },
    context: AuditActorContext,
    now = Date.now(),
  ): Promise<AlertSilenceRecord> {
    const input = body ?? {};
    const m = matchers(input.matchers);
    const reason = text(input.reason, 'reason', 500);
    const startsAt = input.starts_at === undefined ? new Date(now) : isoTime(input.starts_at, 'starts_at');
    if ((input.ends_at === undefined) === (input.duration_seconds === undefined))
      throw ApiError.invalid('ends_at', 'give ends_at or duration_seconds (one of them)');
    const endsAt =
      input.ends_at !== undefined
        ? isoTime(input.ends_at, 'ends_at')
        : new Date(
            startsAt.getTime() + integer(input.duration_seconds, 'duration_seconds', 60, 90 * 86_400) * 1000,
          );
    if (endsAt.getTime() <= Math.max(now, startsAt.getTime()))
      throw ApiError.invalid('ends_at', 'ends_at must be after now and after starts_at');
    if (endsAt.getTime() - startsAt.getTime() > 90 * 86_400_000)
      throw ApiError.invalid('ends_at', 'a silence lasts at most 90 days');
    const saved = await this.silences.save(
      this.silences.create({
        id: newId('als'),
        matchers: m,
        reason,
        startsAt,
        endsAt,
        createdByEmail: actor.email,
      }),
    );
    await this.record(context, 'alert_silence.created', 'alert_silence', saved.id, {
      after: { matchers: m, reason, startsAt, endsAt },
    });
    return saved;
  }

  async expireSilence(id: string, context: AuditActorContext, now = Date.now()): Promise<AlertSilenceRecord> {
    const row = await this.silences.findOneBy({ id });
    if (!row) throw ApiError.notFound('alert silence', id);
    if (row.endsAt.getTime() > now) {
      const before = { endsAt: row.endsAt };
      row.endsAt = new Date(now);
      if (row.startsAt.getTime() > now) row.startsAt = new Date(now);
      await this.silences.save(row);
      await this.record(context, 'alert_silence.expired', 'alert_silence', id, {
        before,
        after: { endsAt: row.endsAt },
      });
    }
    return row;
  }

  // ---- alerts

  async listAlerts(query: Record<string, unknown>, now = Date.now()): Promise<AlertInstanceRecord[]> {
    const qb = this.instances.createQueryBuilder('a');
    const state = query['state'];
    if (state !== undefined && !['active', 'pending', 'firing', 'resolved', 'all'].includes(String(state)))
      throw ApiError.invalid('state', 'state must be active, pending, firing, resolved or all');
    if (state === 'active') qb.andWhere('a.state IN (:...states)', { states: ['pending', 'firing'] });
    else if (state === 'pending' || state === 'firing' || state === 'resolved')
      qb.andWhere('a.state = :state', { state });
    else if (state === undefined)
      qb.andWhere("(a.state IN ('pending', 'firing') OR a.ends_at > :recent)", {
        recent: new Date(now - 86_400_000),
      });
    if (query['severity'] !== undefined)
      qb.andWhere('a.severity = :severity', { severity: severity(query['severity']) });
    if (query['rule_id'] !== undefined) {
      if (typeof query['rule_id'] !== 'string' || query['rule_id'].length > 40)
        throw ApiError.invalid('rule_id', 'rule_id must be an alert rule id');
      qb.andWhere('a.rule_id = :ruleId', { ruleId: query['rule_id'] });
    }
    if (query['acknowledged'] !== undefined) {
      if (query['acknowledged'] !== 'true' && query['acknowledged'] !== 'false')
        throw ApiError.invalid('acknowledged', 'acknowledged must be true or false');
      qb.andWhere(
        query['acknowledged'] === 'true' ? 'a.acknowledged_at IS NOT NULL' : 'a.acknowledged_at IS NULL',
      );
    }
    if (query['since'] !== undefined) {
      const since = isoTime(query['since'], 'since');
      qb.andWhere('(a.ends_at IS NULL OR a.ends_at >= :since)', { since });
    }
    let limit = 100;
    if (query['limit'] !== undefined) {
      limit = Number(query['limit']);
      if (!Number.isInteger(limit) || limit < 1 || limit > 200)
        throw ApiError.invalid('limit', 'limit must be a whole number from 1 to 200');
    }
    let gateway: string | undefined;
    if (query['gateway'] !== undefined) {
      if (typeof query['gateway'] !== 'string' || !/^[a-z0-9_-]{1,32}$/.test(query['gateway']))
        throw ApiError.invalid('gateway', 'gateway must be a gateway code');
      gateway = query['gateway'];
    }
    const rows = await qb
      .orderBy('a.active_since', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .take(gateway ? 2000 : limit)
      .getMany();
    // Labels are JSON text: the gateway filter reads them here rather than in SQL.
    return (gateway ? rows.filter((r) => r.labels['gateway'] === gateway) : rows).slice(0, limit);
  }

  async alert(id: string): Promise<AlertInstanceRecord> {
    const row = await this.instances.findOneBy({ id });
    if (!row) throw ApiError.notFound('alert', id);
    return row;
  }

  async acknowledge(
    id: string,
    body: { note?: unknown },
    actor: { email: string },
    context: AuditActorContext,
    now = Date.now(),
  ): Promise<AlertInstanceRecord> {
    const row = await this.alert(id);
    const note = optionalText(body?.note, 'note', 1000);
    row.acknowledgedAt = new Date(now);
    row.acknowledgedByEmail = actor.email;
    row.acknowledgementNote = note;
    const saved = await this.instances.save(row);
    await this.record(context, 'alert.acknowledged', 'alert', id, {
      after: { fingerprint: row.fingerprint, state: row.state, note },
    });
    return saved;
  }

  /** Every silence not yet ended, for presenting alerts. */
  currentSilences(now = Date.now()): Promise<AlertSilenceRecord[]> {
    return this.silences.find({ where: { endsAt: MoreThan(new Date(now)) } });
  }

  /** Open episodes (pending or firing), keyed by fingerprint. */
  openInstances(): Promise<AlertInstanceRecord[]> {
    return this.instances.find({ where: { openKey: Not(IsNull()) } });
  }

  private record(
    context: AuditActorContext,
    action: string,
    type: string,
    id: string,
    change: { before?: unknown; after?: unknown },
    outcome: 'success' | 'failure' = 'success',
  ) {
    return this.audit.record({ ...context, action, outcome, resource: { type, id }, change });
  }
}
