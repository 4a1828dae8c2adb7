import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  type ApiBodyOptions,
  ApiConsumes,
  ApiOperation,
  ApiPropertyOptional,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import type {
  DisputeEvidenceFileResource,
  DisputeEvidenceUploadResource,
  DisputeResource,
  ListResponse,
} from '@payrail/api-contract';
import type { AuditActorContext } from '@payrail/audit';
import { DISPUTE_EVIDENCE_CATEGORIES } from '@payrail/plugin-sdk';
import { ApiKeyAuth, type ApiKeyRequest } from '@payrail/identity';
import { presentDispute, presentEvidenceFile } from '../payment.presenter';
import type { PaymentOwner } from '../payment-owner';
import { QueryInteger } from '../query-params';
import { DisputesService } from './disputes.service';
import { EVIDENCE_FILE_MAX_BYTES, readEvidenceUpload } from './evidence-upload';

/** The multipart form of an evidence upload, for the API document. */
export const EVIDENCE_UPLOAD_BODY: ApiBodyOptions = {
  schema: {
    type: 'object',
    required: ['file'],
    properties: {
      file: {
        type: 'string',
        format: 'binary',
        description: `A PDF, JPEG or PNG of at most ${EVIDENCE_FILE_MAX_BYTES} bytes (5 MB), judged by its content`,
      },
      category: { type: 'string', enum: [...DISPUTE_EVIDENCE_CATEGORIES], default: 'other' },
    },
  },
};

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

function keyContext(req: ApiKeyRequest & { requestId?: string }): AuditActorContext {
  return {
    actor: { type: 'api_key', id: req.apiKey?.id ?? null },
    origin: {
      ip: req.ip ?? null,
      userAgent: req.header('user-agent') ?? null,
      requestId: req.requestId ?? null,
    },
  };
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
    return presentDispute(await this.disputes.submitEvidence(keyOwner(req), id, body.text, keyContext(req)));
  }

  @Get(':id/files')
  @ApiOperation({ summary: 'The evidence files sent for a dispute (metadata; the gateway keeps the bytes)' })
  async files(
    @Req() req: ApiKeyRequest,
    @Param('id') id: string,
  ): Promise<ListResponse<DisputeEvidenceFileResource>> {
    const files = await this.disputes.listEvidenceFiles(keyOwner(req), id);
    return { object: 'list', data: files.map(presentEvidenceFile), has_more: false };
  }

  @Post(':id/files')
  @ApiKeyAuth('payments:write')
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody(EVIDENCE_UPLOAD_BODY)
  @ApiOperation({
    summary:
      "Upload an evidence file to the dispute's gateway (Stripe and Square: for the next submission; PayPal: as evidence now)",
  })
  async upload(
    @Req() req: ApiKeyRequest & Request,
    @Param('id') id: string,
  ): Promise<DisputeEvidenceUploadResource> {
    const owner = keyOwner(req);
    await this.disputes.answerable(owner, id);
    const upload = await readEvidenceUpload(req);
    const { dispute, file } = await this.disputes.uploadEvidenceFile(owner, id, upload, keyContext(req));
    return { file: presentEvidenceFile(file), dispute: presentDispute(dispute) };
  }
}
