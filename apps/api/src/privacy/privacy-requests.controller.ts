import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiError } from '@payrail/api-contract';
import {
  assertMerchantAccess,
  CurrentAdmin,
  merchantFilter,
  RequirePolicy,
  type AdminPrincipal,
} from '@payrail/identity';
import { adminContext } from './admin-context';
import { PrivacyHold } from './privacy-hold.entity';
import { PrivacyRequest, type SubjectKind } from './privacy-request.entity';
import { PrivacyRequestsService } from './privacy-requests.service';
import { CreatePrivacyHoldDto, CreatePrivacyRequestDto, PrivacySubjectDto } from './privacy.dto';

function subjectOf(subject: PrivacySubjectDto): { kind: SubjectKind; value: string } {
  if (subject.email && subject.customer)
    throw ApiError.invalid('subject', 'subject takes one of email or customer, not both');
  if (subject.email) return { kind: 'email', value: subject.email };
  if (subject.customer) return { kind: 'customer', value: subject.customer };
  throw ApiError.invalid('subject', 'subject needs email or customer');
}

export function presentPrivacyRequest(r: PrivacyRequest) {
  return {
    id: r.id,
    object: 'privacy_request',
    type: r.type,
    regime: r.regime,
    merchant_id: r.merchantId,
    subject_kind: r.subjectKind,
    subject_hash: r.subjectHash,
    status: r.status,
    blocked_reason: r.blockedReason,
    due_at: r.dueAt.toISOString(),
    created_at: r.createdAt.toISOString(),
    completed_at: r.completedAt?.toISOString() ?? null,
    export_available: r.type === 'access' && r.status === 'completed' && !!r.exportSealed,
    certificate_available: r.status === 'completed' && !!r.certificate,
    gateway_erasure: r.gatewayErasure ?? [],
  };
}

export function presentHold(h: PrivacyHold) {
  return {
    id: h.id,
    object: 'privacy_hold',
    merchant_id: h.merchantId,
    subject_hash: h.subjectHash,
    reason: h.reason,
    placed_by: h.placedBy,
    created_at: h.createdAt.toISOString(),
    released_at: h.releasedAt?.toISOString() ?? null,
  };
}

/** Data subject requests (GDPR, CCPA): access exports, erasure with a certificate, and legal holds. */
@ApiTags('admin')
@Controller('admin/privacy')
export class PrivacyRequestsController {
  constructor(private readonly requests: PrivacyRequestsService) {}

  @Get('requests')
  @RequirePolicy('read', 'PrivacyRequest')
  @ApiOperation({ summary: 'Data subject requests with their due dates and status' })
  async list(@CurrentAdmin() admin: AdminPrincipal, @Query('merchant_id') merchantId?: string) {
    const rows = await this.requests.list(merchantFilter(admin, merchantId));
    return { object: 'list', data: rows.map(presentPrivacyRequest) };
  }

  @Post('requests')
  @HttpCode(201)
  @RequirePolicy('create', 'PrivacyRequest')
  @ApiOperation({
    summary: 'Record an access or erasure request (409 when an erasure is blocked, naming why)',
  })
  async create(
    @CurrentAdmin() admin: AdminPrincipal,
    @Body() body: CreatePrivacyRequestDto,
    @Req() req: Request,
  ) {
    const subject = subjectOf(body.subject);
    assertMerchantAccess(admin, 'create', 'PrivacyRequest', body.merchant_id, {
      what: 'merchant',
      id: body.merchant_id,
    });
    const created = await this.requests.create(
      { type: body.type, regime: body.regime, merchantId: body.merchant_id, subject },
      adminContext(admin, req),
    );
    return presentPrivacyRequest(created);
  }

  @Get('requests/:id')
  @RequirePolicy('read', 'PrivacyRequest')
  async get(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string) {
    return presentPrivacyRequest(await this.requests.get(id, admin.merchantIds));
  }

  @Post('requests/:id/retry')
  @HttpCode(202)
  @RequirePolicy('update', 'PrivacyRequest')
  @ApiOperation({ summary: 'Try a blocked request again (409 while it is still blocked)' })
  async retry(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Req() req: Request) {
    const row = await this.requests.get(id, admin.merchantIds);
    assertMerchantAccess(admin, 'update', 'PrivacyRequest', row.merchantId, { what: 'privacy request', id });
    return presentPrivacyRequest(await this.requests.retry(id, admin.merchantIds, adminContext(admin, req)));
  }

  @Get('requests/:id/export')
  @RequirePolicy('export', 'PrivacyRequest')
  @ApiOperation({ summary: 'Download the access export (JSON)' })
  async export(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const row = await this.requests.get(id, admin.merchantIds);
    assertMerchantAccess(admin, 'export', 'PrivacyRequest', row.merchantId, { what: 'privacy request', id });
    const body = await this.requests.exportOf(id, admin.merchantIds, adminContext(admin, req));
    res
      .status(200)
      .type('application/json')
      .setHeader('content-disposition', `attachment; filename="${id}-export.json"`)
      .send(body);
  }

  @Get('requests/:id/certificate')
  @RequirePolicy('read', 'PrivacyRequest')
  @ApiOperation({
    summary: 'What the request did: for an erasure, where and how much, and the scan after it',
  })
  async certificate(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string) {
    const row = await this.requests.get(id, admin.merchantIds);
    if (row.status !== 'completed' || !row.certificate)
      throw new ApiError(409, {
        type: 'invalid_request_error',
        code: 'certificate_unavailable',
        message: `request ${id} is ${row.status}: its certificate is written when it completes`,
      });
    return row.certificate;
  }

  @Get('holds')
  @RequirePolicy('read', 'PrivacyRequest')
  async holds(@CurrentAdmin() admin: AdminPrincipal, @Query('merchant_id') merchantId?: string) {
    return {
      object: 'list',
      data: (await this.requests.holds(merchantFilter(admin, merchantId))).map(presentHold),
    };
  }

  @Post('holds')
  @HttpCode(201)
  @RequirePolicy('update', 'PrivacyRequest')
  @ApiOperation({ summary: "Place a legal hold: the subject's data is not erased until it is released" })
  async placeHold(
    @CurrentAdmin() admin: AdminPrincipal,
    @Body() body: CreatePrivacyHoldDto,
    @Req() req: Request,
  ) {
    const subject = subjectOf(body.subject);
    assertMerchantAccess(admin, 'update', 'PrivacyRequest', body.merchant_id, {
      what: 'merchant',
      id: body.merchant_id,
    });
    return presentHold(
      await this.requests.hold(
        { merchantId: body.merchant_id, subject, reason: body.reason },
        adminContext(admin, req),
      ),
    );
  }

  @Post('holds/:id/release')
  @HttpCode(200)
  @RequirePolicy('update', 'PrivacyRequest')
  async release(@CurrentAdmin() admin: AdminPrincipal, @Param('id') id: string, @Req() req: Request) {
    return presentHold(await this.requests.release(id, admin.merchantIds, adminContext(admin, req)));
  }
}
