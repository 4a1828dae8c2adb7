import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  ApiError,
  type AdminList,
  type ApiKeyResource,
  type CreateApiKeyResponse,
} from '@payrail/api-contract';
import { assertMerchantAccess, canSeeMerchant, merchantFilter, type AdminPrincipal } from './admin-principal';
import { CreateApiKeyDto, MerchantQuery } from './admin.dto';
import { ApiKeyService } from './api-key.service';
import { CurrentAdmin, RequirePolicy } from './auth.decorators';
import { Clock } from './clock';
import { requestOrigin } from './identity-audit';
import { policyObject } from './policy';
import { presentApiKey } from './presenters';

/** Merchant API keys: the secret is shown once at creation; lists show the prefix only. */
@ApiTags('admin: api keys')
@Controller('admin/api-keys')
export class ApiKeysController {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @RequirePolicy('read', 'ApiKey')
  @ApiOperation({ summary: 'API keys of the merchants you can see (or of merchant_id)' })
  async list(
    @CurrentAdmin() admin: AdminPrincipal,
    @Query() query: MerchantQuery,
  ): Promise<AdminList<ApiKeyResource>> {
    const ids = merchantFilter(admin, query.merchant_id);
    const keys = await this.keys.listFor(ids);
    return {
      object: 'list',
      data: keys
        .filter((k) => admin.ability.can('read', policyObject('ApiKey', k.merchantId)))
        .map(presentApiKey),
      has_more: false,
    };
  }

  @Post()
  @RequirePolicy('create', 'ApiKey')
  @ApiOperation({ summary: 'Create a key; the secret is in this response only' })
  async create(
    @CurrentAdmin() admin: AdminPrincipal,
    @Body() body: CreateApiKeyDto,
    @Req() req: Request,
  ): Promise<CreateApiKeyResponse> {
    if (!canSeeMerchant(admin, body.merchant_id))
      throw ApiError.invalid('merchant_id', `no merchant '${body.merchant_id}'`);
    assertMerchantAccess(admin, 'create', 'ApiKey', body.merchant_id, {
      what: 'merchant',
      id: body.merchant_id,
    });
    const expiresAt = body.expires_at ? new Date(body.expires_at) : null;
    if (expiresAt && expiresAt.getTime() <= this.clock.now().getTime())
      throw ApiError.invalid('expires_at', 'expires_at must be in the future');
    const { key, secret } = await this.keys.create(
      { merchantId: body.merchant_id, mode: body.mode, name: body.name, scopes: body.scopes, expiresAt },
      { actorId: admin.userId, origin: requestOrigin(req) },
    );
    return { ...presentApiKey(key), secret };
  }

  @Get(':id')
  @RequirePolicy('read', 'ApiKey')
  async get(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<ApiKeyResource> {
    const key = await this.keys.get(id);
    assertMerchantAccess(admin, 'read', 'ApiKey', key.merchantId, { what: 'API key', id });
    return presentApiKey(key);
  }

  @Post(':id/revoke')
  @RequirePolicy('delete', 'ApiKey')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a key: it stops working at once' })
  async revoke(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
    @Req() req: Request,
  ): Promise<ApiKeyResource> {
    const key = await this.keys.get(id);
    assertMerchantAccess(admin, 'delete', 'ApiKey', key.merchantId, { what: 'API key', id });
    return presentApiKey(await this.keys.revoke(id, { actorId: admin.userId, origin: requestOrigin(req) }));
  }
}
