import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { Response } from 'express';
import {
  ApiError,
  type AuditEntryResource,
  type AuditPageResource,
  type AuditVerificationResource,
} from '@payrail/api-contract';
import { AuditInputError, AuditService, type AuditEntry, type AuditFilters } from '@payrail/audit';
import { CurrentAdmin, merchantFilter, RequirePolicy, type AdminPrincipal } from '@payrail/identity';
import { QueryInteger } from '@payrail/payments';

export class AuditQuery {
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+(,[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+)*$/, {
    message: "action must be one or more comma-separated 'domain.verb' names",
  })
  action?: string;

  @IsOptional()
  @IsIn(['user', 'api_key', 'system'], { message: 'actor_type must be one of user, api_key, system' })
  actor_type?: 'user' | 'api_key' | 'system';

  @IsOptional()
  @IsString()
  @MaxLength(100)
  actor_id?: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  merchant_id?: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  resource_type?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  resource_id?: string;

  @IsOptional()
  @IsIn(['success', 'failure'], { message: 'outcome must be success or failure' })
  outcome?: 'success' | 'failure';

  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date-time' })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date-time' })
  to?: string;

  @IsOptional()
  @QueryInteger()
  @IsInt({ message: 'limit must be a whole number from 1 to 500' })
  @Min(1, { message: 'limit must be a whole number from 1 to 500' })
  @Max(500, { message: 'limit must be a whole number from 1 to 500' })
  limit?: number;

  @IsOptional()
  @Matches(/^\d{1,15}$/, { message: 'cursor is not one this endpoint returned' })
  cursor?: string;

  @IsOptional()
  @IsIn(['asc', 'desc'], { message: 'order must be asc or desc' })
  order?: 'asc' | 'desc';
}

export class AuditExportQuery extends AuditQuery {
  @IsIn(['jsonl', 'csv'], { message: 'format must be jsonl or csv' })
  format!: 'jsonl' | 'csv';
}

export function presentAuditEntry(e: AuditEntry): AuditEntryResource {
  return {
    object: 'audit_entry',
    id: e.id,
    sequence: e.sequence,
    occurred_at: e.occurredAt.toISOString(),
    actor_type: e.actorType,
    actor_id: e.actorId,
    action: e.action,
    outcome: e.outcome,
    origin_ip: e.originIp,
    user_agent: e.userAgent,
    request_id: e.requestId,
    merchant_id: e.merchantId,
    resource_type: e.resourceType,
    resource_id: e.resourceId,
    reason: e.reason,
    change: e.change,
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}

/**
 * The audit trail for auditors. An admin scoped to some merchants sees their entries only; the
 * chain check always covers the whole trail (its result names a sequence number, nothing else).
 */
@ApiTags('admin: audit')
@Controller('admin/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequirePolicy('read', 'AuditEntry')
  @ApiOperation({ summary: 'Audit entries, newest first by default, with filters and cursor pagination' })
  async list(@CurrentAdmin() admin: AdminPrincipal, @Query() query: AuditQuery): Promise<AuditPageResource> {
    const page = await this.guarded(() =>
      this.audit.list(this.filters(admin, query), {
        limit: query.limit,
        cursor: query.cursor,
        order: query.order,
      }),
    );
    return {
      object: 'list',
      data: page.items.map(presentAuditEntry),
      has_more: page.nextCursor !== null,
      next_cursor: page.nextCursor,
    };
  }

  @Get('verify')
  @RequirePolicy('verify', 'AuditEntry')
  @ApiOperation({ summary: 'Walk the hash chain: intact, or the first broken entry and why' })
  async verify(): Promise<AuditVerificationResource> {
    const result = await this.audit.verify();
    const checked_at = new Date().toISOString();
    return result.intact
      ? { intact: true, count: result.count, checked_at }
      : {
          intact: false,
          first_broken_sequence: result.firstBrokenSequence,
          reason: result.reason,
          checked_at,
        };
  }

  @Get('export')
  @RequirePolicy('export', 'AuditEntry')
  @ApiOperation({
    summary: 'Export as JSON lines (with the hashes, verifiable offline) or CSV, oldest first',
  })
  async export(
    @CurrentAdmin() admin: AdminPrincipal,
    @Query() query: AuditExportQuery,
    @Res() res: Response,
  ): Promise<void> {
    const filters = this.filters(admin, query);
    const chunks =
      query.format === 'csv' ? this.audit.exportCsv(filters) : this.audit.exportJsonLines(filters);
    const iterator = chunks[Symbol.asyncIterator]();
    // The first chunk is read before any header is sent, so a bad filter still answers 400.
    const first = await this.guarded(() => iterator.next());
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.status(200);
    res.setHeader(
      'Content-Type',
      query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    );
    res.setHeader('Content-Disposition', `attachment; filename="payrail-audit-${stamp}.${query.format}"`);
    res.setHeader('Cache-Control', 'no-store');
    if (!first.done) res.write(first.value);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      if (!res.write(next.value)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  }

  private filters(admin: AdminPrincipal, query: AuditQuery): AuditFilters {
    const merchants = merchantFilter(admin, query.merchant_id);
    if (merchants !== 'all' && merchants.length !== 1) {
      // An admin scoped to several merchants names one at a time; entries of no merchant are platform-wide.
      if (merchants.length === 0)
        throw ApiError.invalid('merchant_id', 'you see no merchant: nothing to list');
      throw ApiError.invalid(
        'merchant_id',
        `name the merchant: you see ${merchants.length} merchants (merchant_id=…)`,
      );
    }
    return {
      action: query.action?.includes(',') ? query.action.split(',') : query.action,
      actorType: query.actor_type,
      actorId: query.actor_id,
      merchantId: merchants === 'all' ? undefined : merchants[0],
      resourceType: query.resource_type,
      resourceId: query.resource_id,
      outcome: query.outcome,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
    };
  }

  private async guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AuditInputError)
        throw ApiError.invalid(
          error.param.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
          error.message,
        );
      throw error;
    }
  }
}
