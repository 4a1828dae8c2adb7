import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiError } from '@payrail/api-contract';
import { assertMerchantAccess, CurrentAdmin, RequirePolicy, type AdminPrincipal } from '@payrail/identity';
import { validMoney } from '../payment-inputs';
import { PaymentRouting } from './payment-routing';
import type { RoutingRule } from './routing-rule.entity';
import { RoutingRulesService, type RuleInput } from './routing-rules.service';

function presentRule(rule: RoutingRule) {
  return {
    id: rule.id,
    object: 'routing_rule',
    merchant_id: rule.merchantId,
    name: rule.name,
    position: rule.position,
    enabled: rule.enabled,
    conditions: rule.conditions,
    connection_ids: rule.connectionIds,
    created_at: rule.createdAt.toISOString(),
    updated_at: rule.updatedAt.toISOString(),
  };
}

function requiredMerchant(value: unknown): string {
  if (typeof value !== 'string' || value === '')
    throw ApiError.invalid('merchant_id', 'merchant_id is required');
  return value;
}

interface SimulateBody {
  merchant_id?: unknown;
  amount?: unknown;
  currency?: unknown;
  mode?: unknown;
  card_brand?: unknown;
  bin_country?: unknown;
  metadata?: unknown;
  payment_method?: unknown;
}

@ApiTags('admin: routing')
@Controller('admin/routing')
export class RoutingController {
  constructor(
    private readonly rules: RoutingRulesService,
    private readonly routing: PaymentRouting,
  ) {}

  @Get('rules')
  @RequirePolicy('read', 'RoutingRule')
  @ApiOperation({ summary: "A merchant's routing rules in the order they are tried" })
  async list(@CurrentAdmin() admin: AdminPrincipal, @Query('merchant_id') merchantId: unknown) {
    const merchant = requiredMerchant(merchantId);
    assertMerchantAccess(admin, 'read', 'RoutingRule', merchant, { what: 'merchant', id: merchant });
    return { object: 'list', data: (await this.rules.list(merchant)).map(presentRule), has_more: false };
  }

  @Post('rules')
  @HttpCode(201)
  @RequirePolicy('create', 'RoutingRule')
  @ApiOperation({ summary: 'Add a rule: conditions → an ordered list of connections' })
  async create(@CurrentAdmin() admin: AdminPrincipal, @Body() body: RuleInput & { merchant_id?: unknown }) {
    const merchant = requiredMerchant(body.merchant_id);
    assertMerchantAccess(admin, 'create', 'RoutingRule', merchant, { what: 'merchant', id: merchant });
    return presentRule(await this.rules.create(merchant, body));
  }

  @Get('rules/:id')
  @RequirePolicy('read', 'RoutingRule')
  async get(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string) {
    return presentRule(await this.rules.get(id, admin.merchantIds));
  }

  @Patch('rules/:id')
  @RequirePolicy('update', 'RoutingRule')
  async update(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Body() body: RuleInput) {
    const rule = await this.rules.get(id, admin.merchantIds);
    assertMerchantAccess(admin, 'update', 'RoutingRule', rule.merchantId, { what: 'routing rule', id });
    return presentRule(await this.rules.update(rule, body));
  }

  @Delete('rules/:id')
  @RequirePolicy('delete', 'RoutingRule')
  async remove(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string) {
    const rule = await this.rules.get(id, admin.merchantIds);
    assertMerchantAccess(admin, 'delete', 'RoutingRule', rule.merchantId, { what: 'routing rule', id });
    await this.rules.remove(rule);
    return { id, object: 'routing_rule', deleted: true };
  }

  @Post('simulate')
  @HttpCode(200)
  @RequirePolicy('read', 'RoutingRule')
  @ApiOperation({ summary: 'Which connection a payment would go to, and why; nothing is called or written' })
  async simulate(@CurrentAdmin() admin: AdminPrincipal, @Body() body: SimulateBody) {
    const merchant = requiredMerchant(body.merchant_id);
    assertMerchantAccess(admin, 'read', 'RoutingRule', merchant, { what: 'merchant', id: merchant });
    if (typeof body.amount !== 'number')
      throw ApiError.invalid('amount', 'amount must be an integer in minor units');
    const currency = validMoney(body.amount, String(body.currency ?? ''));
    if (body.mode !== undefined && body.mode !== 'test' && body.mode !== 'live')
      throw ApiError.invalid('mode', 'mode must be test or live');
    const text = (value: unknown, param: string) => {
      if (value === undefined) return null;
      if (typeof value !== 'string' || value.length > 40)
        throw ApiError.invalid(param, `${param} must be a short string`);
      return value.toLowerCase();
    };
    const metadata = body.metadata ?? {};
    if (typeof metadata !== 'object' || Array.isArray(metadata) || metadata === null)
      throw ApiError.invalid('metadata', 'metadata must be an object of strings');
    for (const [key, value] of Object.entries(metadata))
      if (typeof value !== 'string') throw ApiError.invalid(`metadata.${key}`, 'metadata values are strings');
    const method = body.payment_method ?? 'card';
    if (method !== 'card' && method !== 'token')
      throw ApiError.invalid('payment_method', 'payment_method must be card or token');
    const mode = (body.mode as 'test' | 'live' | undefined) ?? 'test';
    const plan = await this.routing.plan(merchant, {
      amount: body.amount,
      currency,
      mode,
      cardBrand: text(body.card_brand, 'card_brand'),
      binCountry: text(body.bin_country, 'bin_country')?.toUpperCase() ?? null,
      metadata: metadata as Record<string, string>,
      paymentMethod: method,
    });
    const first = plan?.candidates[0];
    return {
      object: 'routing_simulation',
      connection_id: first?.id ?? null,
      gateway: first?.gateway ?? null,
      rule_id: plan?.ruleId ?? null,
      failover: plan?.candidates.slice(1).map((c) => c.id) ?? [],
      skipped: plan?.skipped ?? [],
      rules: plan?.verdicts ?? [],
      reason: !plan
        ? "no routing rules: the merchant's default connection for the mode takes it"
        : plan.ruleId === null
          ? "no rule matched: the merchant's default connection for the mode takes it"
          : plan.reason,
    };
  }
}
