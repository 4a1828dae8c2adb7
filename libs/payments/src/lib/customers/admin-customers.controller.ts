import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type {
  AdminCustomerDetailResource,
  AdminCustomerResource,
  AdminDisputeResource,
  ListResponse,
} from '@payrail/api-contract';
import { CurrentAdmin, merchantFilter, RequirePolicy, type AdminPrincipal } from '@payrail/identity';
import type { Dispute } from '../disputes/dispute.entity';
import { presentDispute, presentPayment } from '../payment.presenter';
import { QueryInteger } from '../query-params';
import { AdminCustomersService } from './admin-customers.service';
import type { Customer } from './customer.entity';
import { presentCustomer, presentSavedMethod } from './customer.presenter';

const MODES = ['test', 'live'] as const;
const DISPUTE_STATUSES = ['needs_response', 'under_review', 'won', 'lost'] as const;
const LIMIT = 'limit must be an integer from 1 to 100';

class AdminListQuery {
  @IsOptional() @IsString() merchant_id?: string;

  @ApiPropertyOptional({ enum: MODES, description: 'Only test or only live records' })
  @IsOptional()
  @IsIn(MODES, { message: "mode must be 'test' or 'live'" })
  mode?: (typeof MODES)[number];

  @ApiPropertyOptional({ default: 25, maximum: 100 })
  @IsOptional()
  @QueryInteger()
  @IsInt({ message: LIMIT })
  @Min(1, { message: LIMIT })
  @Max(100, { message: LIMIT })
  limit?: number;

  @ApiPropertyOptional({ description: 'An id from the previous page: the page after it' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  starting_after?: string;
}

export class AdminCustomerListQuery extends AdminListQuery {
  @ApiPropertyOptional({ description: 'A customer id, or part of an email or name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class AdminDisputeListQuery extends AdminListQuery {
  @ApiPropertyOptional({ enum: DISPUTE_STATUSES })
  @IsOptional()
  @IsIn(DISPUTE_STATUSES, { message: `status must be one of ${DISPUTE_STATUSES.join(', ')}` })
  status?: (typeof DISPUTE_STATUSES)[number];
}

function customer(c: Customer): AdminCustomerResource {
  return { ...presentCustomer(c), merchant_id: c.merchantId };
}

function dispute(d: Dispute): AdminDisputeResource {
  return { ...presentDispute(d), merchant_id: d.merchantId, mode: d.mode };
}

/** The console's customers (with their saved cards and payments) and disputes, read only. */
@ApiTags('admin')
@Controller('admin')
export class AdminCustomersController {
  constructor(private readonly admin: AdminCustomersService) {}

  @Get('customers')
  @RequirePolicy('read', 'Customer')
  @ApiOperation({ summary: 'Customers of the merchants the admin may see, newest first' })
  async customers(
    @CurrentAdmin() admin: AdminPrincipal,
    @Query() query: AdminCustomerListQuery,
  ): Promise<ListResponse<AdminCustomerResource>> {
    const { data, hasMore } = await this.admin.searchCustomers(merchantFilter(admin, query.merchant_id), {
      mode: query.mode,
      q: query.q,
      limit: query.limit ?? 25,
      startingAfter: query.starting_after,
    });
    return { object: 'list', data: data.map(customer), has_more: hasMore };
  }

  @Get('customers/:id')
  @RequirePolicy('read', 'Customer')
  @ApiOperation({ summary: 'A customer with its saved cards and its most recent payments' })
  async customer(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
  ): Promise<AdminCustomerDetailResource> {
    const found = await this.admin.customer(admin.merchantIds, id);
    return {
      customer: customer(found.customer),
      payment_methods: found.methods.map((m) => presentSavedMethod(m)),
      payments: found.payments.map((p) => ({ ...presentPayment(p), merchant_id: p.merchantId })),
    };
  }

  @Get('disputes')
  @RequirePolicy('read', 'Dispute')
  @ApiOperation({ summary: 'Disputes of the merchants the admin may see, newest first' })
  async disputes(
    @CurrentAdmin() admin: AdminPrincipal,
    @Query() query: AdminDisputeListQuery,
  ): Promise<ListResponse<AdminDisputeResource>> {
    const { data, hasMore } = await this.admin.searchDisputes(merchantFilter(admin, query.merchant_id), {
      mode: query.mode,
      status: query.status,
      limit: query.limit ?? 25,
      startingAfter: query.starting_after,
    });
    return { object: 'list', data: data.map(dispute), has_more: hasMore };
  }
}
