import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { ConnectionResource, ListResponse, PluginResource } from '@payrail/api-contract';
import type { AuditActorContext } from '@payrail/audit';
import {
  assertMerchantAccess,
  CurrentAdmin,
  merchantFilter,
  RequirePolicy,
  type AdminPrincipal,
} from '@payrail/identity';
import { ConnectionService } from './connection.service';
import { CreateConnectionDto, ListConnectionsQuery, UpdateConnectionDto } from './connections.dto';
import { presentConnection, presentPlugin } from './connection.presenter';
import { GatewayRegistry } from './gateway-registry';

/** The console user and where the request came from, for the audit trail. */
export function adminAuditContext(
  admin: AdminPrincipal,
  req: Request & { requestId?: string },
): AuditActorContext {
  return {
    actor: { type: 'user', id: admin.userId },
    origin: {
      ip: req.ip ?? null,
      userAgent: req.header('user-agent') ?? null,
      requestId: req.requestId ?? null,
    },
  };
}

@ApiTags('admin: gateways')
@Controller('admin/plugins')
export class PluginsController {
  constructor(private readonly registry: GatewayRegistry) {}

  @Get()
  @RequirePolicy('read', 'Plugin')
  @ApiOperation({
    summary:
      'Installed gateway plugins with their versions (plugin, SDK, gateway API), connection fields and capabilities',
  })
  list(): ListResponse<PluginResource> {
    const data = this.registry
      .list()
      .map((gateway) => presentPlugin(gateway, this.registry.descriptor(gateway.code)))
      .sort((a, b) => a.code.localeCompare(b.code));
    return { object: 'list', data, has_more: false };
  }
}

@ApiTags('admin: gateways')
@Controller('admin/connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionService) {}

  @Get()
  @RequirePolicy('read', 'Connection')
  @ApiOperation({
    summary:
      'Connections of the merchants the admin may see (or of one merchant); credentials appear only as masked hints',
  })
  async list(
    @CurrentAdmin() admin: AdminPrincipal,
    @Query() query: ListConnectionsQuery,
  ): Promise<ListResponse<ConnectionResource>> {
    const merchants = merchantFilter(admin, query.merchant_id);
    const rows = await this.connections.list(merchants, { gateway: query.gateway, mode: query.mode });
    return { object: 'list', data: rows.map(presentConnection), has_more: false };
  }

  @Get(':id')
  @RequirePolicy('read', 'Connection')
  async get(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<ConnectionResource> {
    return presentConnection(await this.connections.findVisible(id, admin.merchantIds));
  }

  @Post()
  @HttpCode(201)
  @RequirePolicy('create', 'Connection')
  @ApiOperation({
    summary: 'Create a connection; the plugin checks the credentials and its verdict is returned',
  })
  async create(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Body() body: CreateConnectionDto,
  ): Promise<ConnectionResource> {
    assertMerchantAccess(admin, 'create', 'Connection', body.merchant_id, {
      what: 'merchant',
      id: body.merchant_id,
    });
    const record = await this.connections.create(
      {
        merchantId: body.merchant_id,
        gateway: body.gateway,
        mode: body.mode,
        name: body.name,
        values: body.values,
        baseUrl: body.base_url,
        isDefault: body.is_default,
      },
      adminAuditContext(admin, req),
    );
    return presentConnection(record);
  }

  @Patch(':id')
  @RequirePolicy('update', 'Connection')
  @ApiOperation({
    summary: 'Change name, default, enabled, base URL or credentials; new credentials are checked again',
  })
  async update(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Param('id') id: string,
    @Body() body: UpdateConnectionDto,
  ): Promise<ConnectionResource> {
    await this.authorize(admin, 'update', id);
    const record = await this.connections.update(
      id,
      {
        name: body.name,
        values: body.values,
        baseUrl: body.base_url,
        isDefault: body.is_default,
        enabled: body.enabled,
      },
      adminAuditContext(admin, req),
      admin.merchantIds,
    );
    return presentConnection(record);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @RequirePolicy('update', 'Connection')
  async enable(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Param('id') id: string,
  ): Promise<ConnectionResource> {
    await this.authorize(admin, 'update', id);
    return presentConnection(
      await this.connections.setEnabled(id, true, adminAuditContext(admin, req), admin.merchantIds),
    );
  }

  @Post(':id/disable')
  @HttpCode(200)
  @RequirePolicy('update', 'Connection')
  async disable(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Param('id') id: string,
  ): Promise<ConnectionResource> {
    await this.authorize(admin, 'update', id);
    return presentConnection(
      await this.connections.setEnabled(id, false, adminAuditContext(admin, req), admin.merchantIds),
    );
  }

  @Post(':id/check')
  @HttpCode(200)
  @RequirePolicy('verify', 'Connection')
  @ApiOperation({ summary: 'Run the plugin’s credential check again and keep its verdict' })
  async check(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Param('id') id: string,
  ): Promise<ConnectionResource> {
    await this.authorize(admin, 'verify', id);
    return presentConnection(
      await this.connections.recheck(id, adminAuditContext(admin, req), admin.merchantIds),
    );
  }

  @Delete(':id')
  @RequirePolicy('delete', 'Connection')
  @ApiOperation({ summary: 'Delete a disabled connection and its sealed credentials' })
  async remove(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Param('id') id: string,
  ): Promise<{ id: string; object: 'connection'; deleted: true }> {
    await this.authorize(admin, 'delete', id);
    const record = await this.connections.delete(id, adminAuditContext(admin, req), admin.merchantIds);
    return { id: record.id, object: 'connection', deleted: true };
  }

  /** 404 for a connection of a merchant the admin cannot see; 403 when their role there does not allow it. */
  private async authorize(
    admin: AdminPrincipal,
    action: 'update' | 'delete' | 'verify',
    id: string,
  ): Promise<void> {
    const record = await this.connections.findVisible(id, admin.merchantIds);
    assertMerchantAccess(admin, action, 'Connection', record.merchantId, { what: 'connection', id });
  }
}
