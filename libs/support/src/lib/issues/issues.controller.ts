import { Body, Controller, Get, Param, Patch, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { Request } from 'express';
import type { AdminList, IssueDetailResource, IssueResource } from '@payrail/api-contract';
import { CurrentAdmin, merchantFilter, RequirePolicy, type AdminPrincipal } from '@payrail/identity';
import { QueryInteger } from '@payrail/payments';
import { adminContext } from '../admin-context';
import { KbLinks } from '../kb/kb-links';
import { ISSUE_STATUSES, type Issue, type IssueStatus } from './issue.entity';
import { IssuesService } from './issues.service';

const STATUS_MESSAGE = `status must be one of ${ISSUE_STATUSES.join(', ')}`;

export class IssueListQuery {
  @IsOptional() @IsIn(ISSUE_STATUSES, { message: STATUS_MESSAGE }) status?: IssueStatus;
  @IsOptional() @IsString() @MaxLength(32) gateway?: string;
  @IsOptional() @IsString() @MaxLength(100) code?: string;
  @IsOptional() @IsString() @MaxLength(40) merchant_id?: string;
  @IsOptional() @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date-time' }) from?: string;
  @IsOptional() @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date-time' }) to?: string;
  @IsOptional() @IsString() @MaxLength(40) starting_after?: string;

  @IsOptional()
  @QueryInteger()
  @IsInt({ message: 'limit must be a whole number from 1 to 100' })
  @Min(1, { message: 'limit must be a whole number from 1 to 100' })
  @Max(100, { message: 'limit must be a whole number from 1 to 100' })
  limit?: number;
}

export class IssueDetailQuery {
  @IsOptional()
  @QueryInteger()
  @IsInt({ message: 'payments_limit must be a whole number from 1 to 100' })
  @Min(1, { message: 'payments_limit must be a whole number from 1 to 100' })
  @Max(100, { message: 'payments_limit must be a whole number from 1 to 100' })
  payments_limit?: number;

  @IsOptional() @IsString() @MaxLength(40) payments_starting_after?: string;
}

export class IssuePatchDto {
  @IsIn(ISSUE_STATUSES, { message: STATUS_MESSAGE })
  status!: IssueStatus;
}

/** The console's issue log: failures grouped by fingerprint, each linked to its article. */
@ApiTags('admin')
@Controller('admin/issues')
export class IssuesController {
  constructor(
    private readonly issues: IssuesService,
    private readonly links: KbLinks,
  ) {}

  @Get()
  @RequirePolicy('read', 'Issue')
  @ApiOperation({ summary: 'Issues, most recently seen first, each with its count and a 14-day trend' })
  async list(
    @CurrentAdmin() admin: AdminPrincipal,
    @Query() query: IssueListQuery,
  ): Promise<AdminList<IssueResource>> {
    const page = await this.issues.list({
      merchantIds: merchantFilter(admin, query.merchant_id),
      status: query.status,
      gateway: query.gateway,
      code: query.code,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      limit: query.limit ?? 25,
      startingAfter: query.starting_after,
    });
    const trends = await this.issues.trends(
      page.data.map((s) => s.issue.id),
      14,
    );
    const now = Date.now();
    const data = await Promise.all(
      page.data.map(async (s) =>
        this.present(
          s.issue,
          s.payments,
          s.merchants,
          (trends.get(s.issue.id) ?? []).map((count, i) => ({
            day: new Date(now - (13 - i) * 86_400_000).toISOString().slice(0, 10),
            count,
          })),
        ),
      ),
    );
    return { object: 'list', data, has_more: page.hasMore };
  }

  @Get(':id')
  @RequirePolicy('read', 'Issue')
  @ApiOperation({
    summary: 'One issue with its 30-day trend, its article and the payments it touched (paged)',
  })
  async get(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
    @Query() query: IssueDetailQuery,
  ): Promise<IssueDetailResource> {
    const s = await this.issues.get(admin.merchantIds, id);
    const [trend, payments] = await Promise.all([
      this.issues.trend(id, 30),
      this.issues.payments(id, admin.merchantIds, query.payments_limit ?? 25, query.payments_starting_after),
    ]);
    return {
      ...(await this.present(s.issue, s.payments, s.merchants, trend)),
      payments: {
        object: 'list',
        data: payments.data.map((p) => ({
          payment_id: p.paymentId,
          merchant_id: p.merchantId,
          seen_at: p.seenAt.toISOString(),
        })),
        has_more: payments.hasMore,
      },
    };
  }

  @Patch(':id')
  @RequirePolicy('update', 'Issue')
  @ApiOperation({ summary: 'Acknowledge, resolve, ignore or reopen an issue' })
  async update(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Param('id') id: string,
    @Body() body: IssuePatchDto,
  ): Promise<IssueResource> {
    const s = await this.issues.setStatus(admin.merchantIds, id, body.status, adminContext(admin, req));
    return this.present(s.issue, s.payments, s.merchants, await this.issues.trend(id, 14));
  }

  private async present(
    i: Issue,
    payments: number,
    merchants: number,
    trend: Array<{ day: string; count: number }>,
  ): Promise<IssueResource> {
    const [article] = await this.links.forFailure(i.code, i.gateway, i.gatewayCode);
    return {
      object: 'issue',
      id: i.id,
      kind: i.kind,
      fingerprint: i.fingerprint,
      title: i.title,
      operation: i.operation,
      gateway: i.gateway,
      code: i.code,
      gateway_code: i.gatewayCode,
      source: i.source,
      status: i.status,
      regression: i.regression,
      count: i.count,
      affected_payments: payments,
      affected_merchants: merchants,
      first_seen_at: i.firstSeenAt.toISOString(),
      last_seen_at: i.lastSeenAt.toISOString(),
      resolved_at: i.resolvedAt ? i.resolvedAt.toISOString() : null,
      last_detail: i.lastDetail,
      trend,
      article: article ?? null,
    };
  }
}
