import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type {
  AlertChannelResource,
  AlertDeletedResource,
  AlertListResource,
  AlertResource,
  AlertRuleResource,
  SilenceResource,
} from '@payrail/api-contract';
import { adminAuditContext } from '@payrail/gateways';
import { ApiError } from '@payrail/api-contract';
import {
  CurrentAdmin,
  RequirePolicy,
  roleAllows,
  type AdminPrincipal,
  type PolicyAction,
} from '@payrail/identity';
import {
  AlertConfigService,
  presentAlert,
  presentChannel,
  presentRule,
  presentSilence,
} from './alert-config.service';

type AuditedRequest = Request & { requestId?: string };

/**
 * Alert rules, channels, silences and acknowledgements concern every merchant's gateways: a
 * change needs the role across all merchants, not for one merchant only.
 */
function platformWide(admin: AdminPrincipal, action: PolicyAction): AdminPrincipal {
  if (!admin.assignments.some((a) => a.merchantId === null && roleAllows(a.role, action, 'Alert')))
    throw new ApiError(403, {
      type: 'permission_error',
      code: 'forbidden',
      message: `alerts are platform-wide: ${action} on Alert needs a role across all merchants`,
    });
  return admin;
}

function list<T>(data: T[]): AlertListResource<T> {
  return { object: 'list', data, has_more: false };
}

@ApiTags('admin: alerts')
@Controller('admin/alerts/rules')
export class AlertRulesController {
  constructor(private readonly alerts: AlertConfigService) {}

  @Get()
  @RequirePolicy('read', 'Alert')
  @ApiOperation({ summary: 'Alert rules: shipped and added, with their conditions and channels' })
  async list(@Query('enabled') enabled?: string): Promise<AlertListResource<AlertRuleResource>> {
    return list((await this.alerts.listRules(enabled)).map(presentRule));
  }

  @Post()
  @HttpCode(201)
  @RequirePolicy('create', 'Alert')
  @ApiOperation({ summary: 'Add a rule: a condition, a for-duration, a severity and channels' })
  async create(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: AuditedRequest,
    @Body() body: Record<string, unknown>,
  ) {
    return presentRule(
      await this.alerts.createRule(body, adminAuditContext(platformWide(admin, 'create'), req)),
    );
  }

  @Get(':id')
  @RequirePolicy('read', 'Alert')
  async get(@Param('id') id: string): Promise<AlertRuleResource> {
    return presentRule(await this.alerts.rule(id));
  }

  @Patch(':id')
  @RequirePolicy('update', 'Alert')
  async update(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: AuditedRequest,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<AlertRuleResource> {
    return presentRule(
      await this.alerts.updateRule(id, body, adminAuditContext(platformWide(admin, 'update'), req)),
    );
  }

  @Delete(':id')
  @RequirePolicy('delete', 'Alert')
  async remove(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: AuditedRequest,
    @Param('id') id: string,
  ): Promise<AlertDeletedResource> {
    await this.alerts.removeRule(id, adminAuditContext(platformWide(admin, 'delete'), req));
    return { id, object: 'alert_rule', deleted: true };
  }
}

@ApiTags('admin: alerts')
@Controller('admin/alerts/channels')
export class AlertChannelsController {
  constructor(private readonly alerts: AlertConfigService) {}

  @Get()
  @RequirePolicy('read', 'Alert')
  @ApiOperation({ summary: 'Alert channels (signed webhook, Slack, email); secrets only as hints' })
  async list(): Promise<AlertListResource<AlertChannelResource>> {
    return list((await this.alerts.listChannels()).map(presentChannel));
  }

  @Post()
  @HttpCode(201)
  @RequirePolicy('create', 'Alert')
  @ApiOperation({ summary: 'Add a channel; a generated webhook signing secret is answered this once' })
  create(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: AuditedRequest,
    @Body() body: Record<string, unknown>,
  ) {
    return this.alerts.createChannel(body, adminAuditContext(platformWide(admin, 'create'), req));
  }

  @Get(':id')
  @RequirePolicy('read', 'Alert')
  async get(@Param('id') id: string): Promise<AlertChannelResource> {
    return presentChannel(await this.alerts.channel(id));
  }

  @Patch(':id')
  @RequirePolicy('update', 'Alert')
  async update(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: AuditedRequest,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<AlertChannelResource> {
    return presentChannel(
      await this.alerts.updateChannel(id, body, adminAuditContext(platformWide(admin, 'update'), req)),
    );
  }

  @Delete(':id')
  @RequirePolicy('delete', 'Alert')
  async remove(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: AuditedRequest,
    @Param('id') id: string,
  ): Promise<AlertDeletedResource> {
    await this.alerts.removeChannel(id, adminAuditContext(platformWide(admin, 'delete'), req));
    return { id, object: 'alert_channel', deleted: true };
  }

  @Post(':id/test')
  @HttpCode(200)
  @RequirePolicy('update', 'Alert')
  @ApiOperation({ summary: 'Send a test notification through the channel and answer what it said' })
  test(@CurrentAdmin() admin: AdminPrincipal, @Req() req: AuditedRequest, @Param('id') id: string) {
    return this.alerts.testChannel(id, adminAuditContext(platformWide(admin, 'update'), req));
  }
}

@ApiTags('admin: alerts')
@Controller('admin/alerts/silences')
export class AlertSilencesController {
  constructor(private readonly alerts: AlertConfigService) {}

  @Get()
  @RequirePolicy('read', 'Alert')
  @ApiOperation({ summary: 'Silences: active and pending by default, or by state' })
  async list(@Query('state') state?: string): Promise<AlertListResource<SilenceResource>> {
    const now = Date.now();
    return list((await this.alerts.listSilences(state, now)).map((s) => presentSilence(s, now)));
  }

  @Post()
  @HttpCode(201)
  @RequirePolicy('create', 'Alert')
  @ApiOperation({ summary: 'Silence alerts whose labels match, until an expiry, with a reason' })
  async create(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: AuditedRequest,
    @Body() body: Record<string, unknown>,
  ): Promise<SilenceResource> {
    return presentSilence(
      await this.alerts.createSilence(body, admin, adminAuditContext(platformWide(admin, 'create'), req)),
    );
  }

  @Delete(':id')
  @RequirePolicy('delete', 'Alert')
  @ApiOperation({ summary: 'End a silence now (it stays listed as expired)' })
  async expire(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: AuditedRequest,
    @Param('id') id: string,
  ): Promise<SilenceResource> {
    return presentSilence(
      await this.alerts.expireSilence(id, adminAuditContext(platformWide(admin, 'delete'), req)),
    );
  }
}

@ApiTags('admin: alerts')
@Controller('admin/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertConfigService) {}

  @Get()
  @RequirePolicy('read', 'Alert')
  @ApiOperation({ summary: 'Active alerts and those resolved in the last day, or filtered' })
  async list(@Query() query: Record<string, unknown>): Promise<AlertListResource<AlertResource>> {
    const now = Date.now();
    const [rows, silences] = await Promise.all([
      this.alerts.listAlerts(query, now),
      this.alerts.currentSilences(now),
    ]);
    return list(rows.map((r) => presentAlert(r, silences, now)));
  }

  @Get(':id')
  @RequirePolicy('read', 'Alert')
  async get(@Param('id') id: string): Promise<AlertResource> {
    const [row, silences] = await Promise.all([this.alerts.alert(id), this.alerts.currentSilences()]);
    return presentAlert(row, silences);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @RequirePolicy('update', 'Alert')
  @ApiOperation({ summary: 'Acknowledge an alert: who, when, and an optional note' })
  async acknowledge(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: AuditedRequest,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<AlertResource> {
    const row = await this.alerts.acknowledge(
      id,
      body ?? {},
      admin,
      adminAuditContext(platformWide(admin, 'update'), req),
    );
    return presentAlert(row, await this.alerts.currentSilences());
  }
}
