import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { newId } from '@payrail/database';
import { CONNECTION_CACHE_MS, ConnectionService } from '@payrail/gateways';
import { RoutingRule, type RoutingConditions } from './routing-rule.entity';

const CONDITION_KEYS = [
  'currency',
  'amount_gte',
  'amount_lte',
  'card_brand',
  'bin_country',
  'metadata',
  'mode',
];

function stringList(value: unknown, param: string, pattern: RegExp, what: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 50)
    throw ApiError.invalid(param, `${param} must be a list of 1 to 50 ${what}`);
  return value.map((item, i) => {
    if (typeof item !== 'string' || !pattern.test(item.toLowerCase()))
      throw ApiError.invalid(`${param}[${i}]`, `${param}[${i}] must be ${what.replace(/s$/, '')}`);
    return item.toLowerCase();
  });
}

function minorUnits(value: unknown, param: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw ApiError.invalid(param, `${param} must be a whole number of minor units, 0 or more`);
  return value;
}

/** Checks a rule's conditions as a client sent them; every refusal names the parameter. */
export function parseConditions(raw: unknown): RoutingConditions {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw ApiError.invalid('conditions', 'conditions must be an object');
  const input = raw as Record<string, unknown>;
  const unknown = Object.keys(input).find((k) => !CONDITION_KEYS.includes(k));
  if (unknown)
    throw ApiError.invalid(`conditions.${unknown}`, `conditions take only ${CONDITION_KEYS.join(', ')}`);
  const out: RoutingConditions = {};
  if (input['currency'] !== undefined)
    out.currency = stringList(
      input['currency'],
      'conditions.currency',
      /^[a-z]{3}$/,
      'ISO 4217 currency codes',
    );
  if (input['amount_gte'] !== undefined)
    out.amount_gte = minorUnits(input['amount_gte'], 'conditions.amount_gte');
  if (input['amount_lte'] !== undefined)
    out.amount_lte = minorUnits(input['amount_lte'], 'conditions.amount_lte');
  if (out.amount_gte !== undefined && out.amount_lte !== undefined && out.amount_gte > out.amount_lte)
    throw ApiError.invalid('conditions.amount_lte', 'conditions.amount_lte must not be below amount_gte');
  if (input['card_brand'] !== undefined)
    out.card_brand = stringList(
      input['card_brand'],
      'conditions.card_brand',
      /^[a-z_]{2,20}$/,
      'card brands',
    );
  if (input['bin_country'] !== undefined)
    out.bin_country = stringList(
      input['bin_country'],
      'conditions.bin_country',
      /^[a-z]{2}$/,
      'ISO 3166 country codes',
    ).map((c) => c.toUpperCase());
  if (input['mode'] !== undefined) {
    if (input['mode'] !== 'test' && input['mode'] !== 'live')
      throw ApiError.invalid('conditions.mode', 'conditions.mode must be test or live');
    out.mode = input['mode'];
  }
  if (input['metadata'] !== undefined) {
    const metadata = input['metadata'];
    if (
      !metadata ||
      typeof metadata !== 'object' ||
      Array.isArray(metadata) ||
      Object.keys(metadata).length > 20
    )
      throw ApiError.invalid('conditions.metadata', 'conditions.metadata must be an object of up to 20 keys');
    out.metadata = {};
    for (const [key, value] of Object.entries(metadata as Record<string, unknown>)) {
      if (!/^[A-Za-z0-9_.-]{1,40}$/.test(key))
        throw ApiError.invalid(
          `conditions.metadata.${key}`,
          'metadata keys are 1 to 40 letters, digits, _ . -',
        );
      if (value !== null && (typeof value !== 'string' || value.length > 500))
        throw ApiError.invalid(
          `conditions.metadata.${key}`,
          'a metadata condition is a string to equal, or null for present',
        );
      out.metadata[key] = value as string | null;
    }
  }
  return out;
}

export interface RuleInput {
  name?: unknown;
  conditions?: unknown;
  connection_ids?: unknown;
  enabled?: unknown;
  position?: unknown;
}

/** A merchant's routing rules: ordered by position, each naming the connections to try in order. */
@Injectable()
export class RoutingRulesService {
  /** Each merchant's rules as the payment path last read them, for as long as a connection is cached. */
  private readonly recent = new Map<string, { rules: readonly RoutingRule[]; until: number }>();
  /** Bumped by every change, so a read that raced one is not kept. */
  private generation = 0;

  constructor(
    @InjectRepository(RoutingRule) private readonly rules: Repository<RoutingRule>,
    private readonly connections: ConnectionService,
  ) {}

  list(merchantId: string): Promise<RoutingRule[]> {
    return this.rules.find({ where: { merchantId }, order: { position: 'ASC', createdAt: 'ASC' } });
  }

  /**
   * The rules a payment is routed by: read at most once a second per merchant, as connections
   * are, and read again at once after a change through this process. Not to be changed.
   */
  async forRouting(merchantId: string): Promise<readonly RoutingRule[]> {
    const cached = this.recent.get(merchantId);
    if (cached && cached.until > Date.now()) return cached.rules;
    const generation = this.generation;
    const rules = await this.list(merchantId);
    if (generation === this.generation) {
      if (this.recent.size >= 1_000) this.recent.clear();
      this.recent.set(merchantId, { rules, until: Date.now() + CONNECTION_CACHE_MS });
    }
    return rules;
  }

  private changed(): void {
    this.generation++;
    this.recent.clear();
  }

  async get(id: string, merchantIds: string[] | 'all'): Promise<RoutingRule> {
    const rule = await this.rules.findOneBy({ id });
    if (!rule || (merchantIds !== 'all' && !merchantIds.includes(rule.merchantId)))
      throw ApiError.notFound('routing rule', id);
    return rule;
  }

  async create(merchantId: string, input: RuleInput): Promise<RoutingRule> {
    const existing = await this.list(merchantId);
    const rule = this.rules.create({
      id: newId('rr'),
      merchantId,
      name: this.name(input.name, true) as string,
      conditions: parseConditions(input.conditions),
      connectionIds: await this.connectionIds(merchantId, input.connection_ids, true),
      enabled: this.flag(input.enabled) ?? true,
      position: this.position(input.position) ?? (existing.at(-1)?.position ?? 0) + 10,
    });
    this.changed();
    const saved = await this.rules.save(rule);
    this.changed();
    return saved;
  }

  async update(rule: RoutingRule, input: RuleInput): Promise<RoutingRule> {
    const name = this.name(input.name, false);
    if (name !== undefined) rule.name = name;
    if (input.conditions !== undefined) rule.conditions = parseConditions(input.conditions);
    if (input.connection_ids !== undefined)
      rule.connectionIds = await this.connectionIds(rule.merchantId, input.connection_ids, true);
    rule.enabled = this.flag(input.enabled) ?? rule.enabled;
    rule.position = this.position(input.position) ?? rule.position;
    this.changed();
    const saved = await this.rules.save(rule);
    this.changed();
    return saved;
  }

  async remove(rule: RoutingRule): Promise<void> {
    this.changed();
    await this.rules.delete({ id: rule.id });
    this.changed();
  }

  private name(value: unknown, required: boolean): string | undefined {
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value.trim().length === 0 || value.length > 100)
      throw ApiError.invalid('name', 'name must be 1 to 100 characters');
    return value.trim();
  }

  private flag(value: unknown): boolean | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw ApiError.invalid('enabled', 'enabled must be true or false');
    return value;
  }

  private position(value: unknown): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1_000_000)
      throw ApiError.invalid('position', 'position must be a whole number from 0 to 1000000');
    return value;
  }

  private async connectionIds(merchantId: string, value: unknown, required: boolean): Promise<string[]> {
    if (!Array.isArray(value) || (required && value.length === 0) || value.length > 10)
      throw ApiError.invalid(
        'connection_ids',
        'connection_ids must list 1 to 10 connections, in the order to try them',
      );
    const own = new Map((await this.connections.findForMerchant(merchantId)).map((c) => [c.id, c]));
    return value.map((id, i) => {
      if (typeof id !== 'string' || !own.has(id))
        throw ApiError.invalid(`connection_ids[${i}]`, `no connection '${String(id)}' for this merchant`);
      if (value.indexOf(id) !== i)
        throw ApiError.invalid(`connection_ids[${i}]`, `connection '${id}' is listed twice`);
      return id;
    });
  }
}
