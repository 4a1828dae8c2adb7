import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { DisputeResource, ListResponse } from '@payrail/api-contract';
import { ApiKeyAuth, type ApiKeyRequest } from '@payrail/identity';
import { presentDispute } from '../payment.presenter';
import type { PaymentOwner } from '../payment-owner';
import { QueryInteger } from '../query-params';
import { DisputesService } from './disputes.service';

const STATUSES = ['needs_response', 'under_review', 'won', 'lost'] as const;

export class ListDisputesQuery {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: (typeof STATUSES)[number];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  payment_id?: string;

  @ApiPropertyOptional({ default: 10, maximum: 100 })
  @IsOptional()
  @QueryInteger()
  @IsInt({ message: 'limit must be an integer from 1 to 100' })
  @Min(1, { message: 'limit must be an integer from 1 to 100' })
  @Max(100, { message: 'limit must be an integer from 1 to 100' })
  limit?: number;

  @ApiPropertyOptional({ description: 'A dispute id: the page after it' })
  @IsOptional()
  @IsString()
  starting_after?: string;
}

export class DisputeEvidenceDto {
  @ApiProperty({ description: 'What answers the dispute: delivery proof, the customer conversation…' })
  @IsString()
  @MinLength(1, { message: 'text must not be empty' })
  @MaxLength(20000)
  text!: string;
}

function keyOwner(req: ApiKeyRequest): PaymentOwner {
  return { merchantId: req.merchantId as string, mode: req.apiKey?.mode === 'live' ? 'live' : 'test' };
}

/** Disputes (chargebacks) of the merchant's payments, as the gateways report them (`/v1/disputes`). */
@ApiTags('disputes')
@ApiBearerAuth()
@Controller('v1/disputes')
@ApiKeyAuth('payments:read')
export class DisputesController {
  constructor(private readonly disputes: DisputesService) {}

  @Get()
  @ApiOperation({ summary: 'List disputes, newest first, by status or payment' })
  async list(
    @Req() req: ApiKeyRequest,
    @Query() query: ListDisputesQuery,
  ): Promise<ListResponse<DisputeResource>> {
    const { data, hasMore } = await this.disputes.list(keyOwner(req), {
      limit: query.limit ?? 10,
      startingAfter: query.starting_after,
      status: query.status,
      paymentId: query.payment_id,
    });
    return { object: 'list', data: data.map(presentDispute), has_more: hasMore };
  }

  @Get(':id')
  async get(@Req() req: ApiKeyRequest, @Param('id') id: string): Promise<DisputeResource> {
    return presentDispute(await this.disputes.get(keyOwner(req), id));
  }

  @Post(':id/evidence')
  @ApiKeyAuth('payments:write')
  @HttpCode(200)
  @ApiOperation({ summary: "Submit evidence text through the gateway's disputes API" })
  async evidence(
    @Req() req: ApiKeyRequest,
    @Param('id') id: string,
    @Body() body: DisputeEvidenceDto,
  ): Promise<DisputeResource> {
    return presentDispute(await this.disputes.submitEvidence(keyOwner(req), id, body.text));
  }
}
