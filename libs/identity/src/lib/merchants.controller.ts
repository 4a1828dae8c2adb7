import { Body, Controller, Get, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiError, type AdminList, type MerchantResource } from '@payrail/api-contract';
import { assertMerchantAccess, merchantFilter, type AdminPrincipal } from './admin-principal';
import { CreateMerchantDto, UpdateMerchantDto } from './admin.dto';
import { CurrentAdmin, RequirePolicy } from './auth.decorators';
import { requestOrigin } from './identity-audit';
import { MerchantService } from './merchant.service';
import { presentMerchant } from './presenters';

@ApiTags('admin: merchants')
@Controller('admin/merchants')
export class MerchantsController {
  constructor(private readonly merchants: MerchantService) {}

  @Get()
  @RequirePolicy('read', 'Merchant')
  @ApiOperation({ summary: 'The merchants you can see' })
  async list(@CurrentAdmin() admin: AdminPrincipal): Promise<AdminList<MerchantResource>> {
    const data = await this.merchants.list(merchantFilter(admin));
    return { object: 'list', data: data.map(presentMerchant), has_more: false };
  }

  @Post()
  @RequirePolicy('create', 'Merchant')
  @ApiOperation({ summary: 'Create a merchant (a tenant)' })
  async create(
    @CurrentAdmin() admin: AdminPrincipal,
    @Body() body: CreateMerchantDto,
    @Req() req: Request,
  ): Promise<MerchantResource> {
    if (admin.merchantIds !== 'all') {
      throw new ApiError(403, {
        type: 'permission_error',
        code: 'forbidden',
        message: 'only an owner across all merchants can create merchants',
      });
    }
    return presentMerchant(await this.merchants.create(body.name, admin.userId, requestOrigin(req)));
  }

  @Get(':id')
  @RequirePolicy('read', 'Merchant')
  async get(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string): Promise<MerchantResource> {
    assertMerchantAccess(admin, 'read', 'Merchant', id, { what: 'merchant', id });
    return presentMerchant(await this.merchants.get(id));
  }

  @Patch(':id')
  @RequirePolicy('update', 'Merchant')
  async update(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
    @Body() body: UpdateMerchantDto,
    @Req() req: Request,
  ): Promise<MerchantResource> {
    assertMerchantAccess(admin, 'update', 'Merchant', id, { what: 'merchant', id });
    const merchant = await this.merchants.get(id);
    return presentMerchant(
      body.name === undefined
        ? merchant
        : await this.merchants.rename(merchant, body.name, admin.userId, requestOrigin(req)),
    );
  }
}
