import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import type { ReportExportResource, ReportSummaryResource } from '@payrail/api-contract';
import { AuditService } from '@payrail/audit';
import {
  ApiKeyAuth,
  CurrentAdmin,
  RequirePolicy,
  type AdminPrincipal,
  type ApiKeyRequest,
} from '@payrail/identity';
import { adminContext, scopeFor } from '../admin-scope';
import type { ReportExport } from '../entities/report-export.entity';
import { SqlDialect } from '../sql-dialect';
import { checkWindow, type ReportFilter } from './report-filters';
import { ReportExportsService } from './report-exports.service';
import { MerchantSummaryQuery, SummaryQuery, TransactionsExportQuery } from './reports.dto';
import { ReportsService } from './reports.service';
import { transactionChunks } from './transactions-export';

function presentExport(job: ReportExport): ReportExportResource {
  return {
    object: 'report_export',
    id: job.id,
    format: job.format,
    status: job.status,
    progress: job.progress,
    rows: job.rows,
    total_rows: job.totalRows,
    filters: job.filters,
    error: job.error,
    download_url: job.status === 'completed' ? `/admin/reports/exports/${job.id}/download` : null,
    created_at: job.createdAt.toISOString(),
    finished_at: job.finishedAt ? job.finishedAt.toISOString() : null,
    expires_at: job.expiresAt ? job.expiresAt.toISOString() : null,
  };
}

function filterOf(
  merchants: string[] | 'all',
  q: { from?: string; to?: string; gateway?: string; currency?: string; mode?: 'test' | 'live' },
): ReportFilter {
  const from = q.from ? new Date(q.from) : undefined;
  const to = q.to ? new Date(q.to) : undefined;
  checkWindow(from, to);
  return { merchants, mode: q.mode ?? 'test', from, to, gateway: q.gateway, currency: q.currency };
}

/** Finance's reports: the summary, the streamed transactions export, and exports run as jobs. */
@ApiTags('admin: reports')
@Controller('admin/reports')
export class ReportsController {
  private readonly sql: SqlDialect;

  constructor(
    private readonly reports: ReportsService,
    private readonly exportJobs: ReportExportsService,
    private readonly audit: AuditService,
    @InjectDataSource() dataSource: DataSource,
  ) {
    this.sql = new SqlDialect(dataSource);
  }

  @Get('summary')
  @RequirePolicy('read', 'Report')
  @ApiOperation({
    summary: 'Counts and amounts per group and currency (minor units, never summed across currencies)',
  })
  async summary(
    @CurrentAdmin() admin: AdminPrincipal,
    @Query() query: SummaryQuery,
  ): Promise<ReportSummaryResource> {
    const filter = filterOf(scopeFor(admin, 'read', 'Report', query.merchant_id), query);
    const groupBy = query.group_by ?? 'day';
    return { object: 'list', group_by: groupBy, data: await this.reports.summary(filter, groupBy) };
  }

  @Get('transactions')
  @RequirePolicy('export', 'Report')
  @ApiOperation({
    summary: 'Every capture and refund (and uncaptured payment) as CSV or JSON lines, streamed',
  })
  async transactions(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Query() query: TransactionsExportQuery,
    @Res() res: Response,
  ): Promise<void> {
    const filter = filterOf(scopeFor(admin, 'export', 'Report', query.merchant_id), query);
    await this.audit.record({
      ...adminContext(admin, req),
      action: 'report.exported',
      resource: { type: 'transactions', id: null },
      change: {
        after: { format: query.format, mode: filter.mode, from: query.from ?? null, to: query.to ?? null },
      },
    });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.status(200);
    res.setHeader(
      'Content-Type',
      query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    );
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="payrail-transactions-${stamp}.${query.format}"`,
    );
    for await (const chunk of transactionChunks(this.sql, filter, query.format)) {
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  }

  @Post('exports')
  @RequirePolicy('export', 'Report')
  @HttpCode(201)
  @ApiOperation({ summary: 'Export as a job: poll its progress, download the file when completed' })
  async requestExport(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Body() body: TransactionsExportQuery,
  ): Promise<ReportExportResource> {
    const filter = filterOf(scopeFor(admin, 'export', 'Report', body.merchant_id), body);
    return presentExport(
      await this.exportJobs.request(admin.userId, filter, body.format, adminContext(admin, req)),
    );
  }

  @Get('exports')
  @RequirePolicy('export', 'Report')
  async exports(
    @CurrentAdmin() admin: AdminPrincipal,
  ): Promise<{ object: 'list'; data: ReportExportResource[] }> {
    return { object: 'list', data: (await this.exportJobs.list(admin.userId)).map(presentExport) };
  }

  @Get('exports/:id')
  @RequirePolicy('export', 'Report')
  async exportJob(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
  ): Promise<ReportExportResource> {
    return presentExport(await this.exportJobs.get(admin.userId, id));
  }

  @Get('exports/:id/download')
  @RequirePolicy('export', 'Report')
  async download(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Param('id') id: string,
    @Res() res: Response,
  ): Promise<void> {
    const { job, stream, size } = await this.exportJobs.open(admin.userId, id, adminContext(admin, req));
    res.status(200);
    res.setHeader(
      'Content-Type',
      job.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    );
    res.setHeader('Content-Length', String(size));
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="payrail-transactions-${job.id}.${job.format}"`,
    );
    stream.pipe(res);
  }
}

/** The merchant's own summary over its key's mode. */
@ApiTags('reports')
@Controller('v1/reports')
export class MerchantReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('summary')
  @ApiKeyAuth('reports:read')
  @ApiOperation({ summary: "Counts and amounts of the key's merchant and mode, per group and currency" })
  async summary(
    @Req() req: ApiKeyRequest,
    @Query() query: MerchantSummaryQuery,
  ): Promise<ReportSummaryResource> {
    const filter = filterOf([req.merchantId as string], {
      ...query,
      mode: req.apiKey?.mode === 'live' ? 'live' : 'test',
    });
    const groupBy = query.group_by ?? 'day';
    return { object: 'list', group_by: groupBy, data: await this.reports.summary(filter, groupBy) };
  }
}
