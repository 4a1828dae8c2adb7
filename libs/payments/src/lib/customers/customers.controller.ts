import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CustomerResource, ListResponse, SavedPaymentMethodResource } from '@payrail/api-contract';
import { ApiError } from '@payrail/api-contract';
import { ApiKeyAuth, type ApiKeyRequest } from '@payrail/identity';
import { IdempotencyInterceptor } from '../idempotency.interceptor';
import type { PaymentOwner } from '../payment-owner';
import { CustomerBodyDto, ListCustomersQuery, SavePaymentMethodDto } from './customers.dto';
import { presentCustomer, presentSavedMethod } from './customer.presenter';
import { CustomersService } from './customers.service';

function keyOwner(req: ApiKeyRequest): PaymentOwner {
  return { merchantId: req.merchantId as string, mode: req.apiKey?.mode === 'live' ? 'live' : 'test' };
}

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Same key and body replay the first response for 48 h',
};

/** The merchant's customers and the cards saved for them at the gateways (`/v1/customers`). */
@ApiTags('customers')
@ApiBearerAuth()
@Controller('v1/customers')
@ApiKeyAuth('payments:read')
@UseInterceptors(IdempotencyInterceptor)
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @ApiKeyAuth('payments:write')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a customer (email, name, phone, metadata)' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async create(@Req() req: ApiKeyRequest, @Body() body: CustomerBodyDto): Promise<CustomerResource> {
    return presentCustomer(await this.customers.create(keyOwner(req), body));
  }

  @Get()
  @ApiOperation({ summary: 'List customers, newest first, optionally by email' })
  async list(
    @Req() req: ApiKeyRequest,
    @Query() query: ListCustomersQuery,
  ): Promise<ListResponse<CustomerResource>> {
    const { data, hasMore } = await this.customers.list(keyOwner(req), {
      limit: query.limit ?? 10,
      startingAfter: query.starting_after,
      email: query.email,
    });
    return { object: 'list', data: data.map(presentCustomer), has_more: hasMore };
  }

  @Get(':id')
  async get(@Req() req: ApiKeyRequest, @Param('id') id: string): Promise<CustomerResource> {
    return presentCustomer(await this.customers.get(keyOwner(req), id));
  }

  @Post(':id')
  @ApiKeyAuth('payments:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Update a customer; metadata merges' })
  async update(
    @Req() req: ApiKeyRequest,
    @Param('id') id: string,
    @Body() body: CustomerBodyDto,
  ): Promise<CustomerResource> {
    return presentCustomer(await this.customers.update(keyOwner(req), id, body));
  }

  @Delete(':id')
  @ApiKeyAuth('payments:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete a customer here and at every gateway, with the cards saved for it' })
  async delete(
    @Req() req: ApiKeyRequest,
    @Param('id') id: string,
  ): Promise<{ id: string; object: 'customer'; deleted: true }> {
    await this.customers.delete(keyOwner(req), id);
    return { id, object: 'customer', deleted: true };
  }

  @Post(':id/payment_methods')
  @ApiKeyAuth('payments:write')
  @HttpCode(201)
  @ApiOperation({ summary: "Save a card (a gateway token or raw card details) at a connection's gateway" })
  @ApiHeader(IDEMPOTENCY_HEADER)
  async saveMethod(
    @Req() req: ApiKeyRequest,
    @Param('id') id: string,
    @Body() body: SavePaymentMethodDto,
  ): Promise<SavedPaymentMethodResource> {
    const method = body.payment_method;
    if (!!method.token === !!method.card)
      throw ApiError.invalid('payment_method', 'payment_method must have exactly one of token or card');
    const saved = await this.customers.saveMethod(keyOwner(req), id, {
      gateway: body.gateway,
      connectionId: body.connection_id,
      method: method.card
        ? {
            card: {
              number: method.card.number,
              expMonth: method.card.exp_month,
              expYear: method.card.exp_year,
              cvc: method.card.cvc,
              name: method.card.name,
            },
          }
        : { token: method.token as string },
      returnUrl: body.return_url,
    });
    return presentSavedMethod(saved.method, saved.nextAction);
  }

  @Get(':id/payment_methods')
  async listMethods(
    @Req() req: ApiKeyRequest,
    @Param('id') id: string,
  ): Promise<ListResponse<SavedPaymentMethodResource>> {
    const methods = await this.customers.listMethods(keyOwner(req), id);
    return { object: 'list', data: methods.map((m) => presentSavedMethod(m)), has_more: false };
  }

  @Delete(':id/payment_methods/:methodId')
  @ApiKeyAuth('payments:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete a saved card, at the gateway too' })
  async deleteMethod(
    @Req() req: ApiKeyRequest,
    @Param('id') id: string,
    @Param('methodId') methodId: string,
  ): Promise<{ id: string; object: 'saved_payment_method'; deleted: true }> {
    await this.customers.deleteMethod(keyOwner(req), id, methodId);
    return { id: methodId, object: 'saved_payment_method', deleted: true };
  }
}
