import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { ReconciliationExceptionResource, ReconciliationRunResource } from '@payrail/api-contract';
import { ApiError } from '@payrail/api-contract';
import { ConnectionService } from '@payrail/gateways';
import {
  assertMerchantAccess,
  Clock,
  CurrentAdmin,
  RequirePolicy,
  type AdminPrincipal,
} from '@payrail/identity';
import { adminContext, scopeFor } from './admin-scope';
import type { ReconciliationException } from './entities/reconciliation-exception.entity';
import {
  ExceptionListQuery,
  ExceptionNoteDto,
  ResolveExceptionDto,
  RunListQuery,
  StartRunDto,
} from './reconciliation.dto';
import { presentException, presentRun } from './reconciliation.presenter';
import { ReconciliationService, type ExceptionAction } from './reconciliation.service';

/** Runs and exceptions for finance (runs and resolves) and auditors (read). */
@ApiTags('admin: reconciliation')
@Controller('admin/reconciliation')
export class ReconciliationController {
  constructor(
    private readonly reconciliation: ReconciliationService,
    private readonly connections: ConnectionService,
    private readonly clock: Clock,
  ) {}

  @Post('runs')
  @RequirePolicy('create', 'Reconciliation')
  @HttpCode(201)
  @ApiOperation({
    summary: "Reconcile a connection over [from, to): import the gateway's records, match, report",
  })
  async start(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Body() body: StartRunDto,
  ): Promise<ReconciliationRunResource> {
    const connection = await this.connections.findVisible(body.connection_id, admin.merchantIds);
    assertMerchantAccess(admin, 'create', 'Reconciliation', connection.merchantId, {
      what: 'connection',
      id: connection.id,
    });
    const run = await this.reconciliation.start(
      [connection.merchantId],
      { connectionId: connection.id, from: new Date(body.from), to: new Date(body.to), trigger: 'manual' },
      adminContext(admin, req),
    );
    return presentRun(run);
  }

  @Get('runs')
  @RequirePolicy('read', 'Reconciliation')
  async runs(
    @CurrentAdmin() admin: AdminPrincipal,
    @Query() query: RunListQuery,
  ): Promise<{ object: 'list'; data: ReconciliationRunResource[] }> {
    const scope = scopeFor(admin, 'read', 'Reconciliation', query.merchant_id);
    const runs = await this.reconciliation.listRuns(scope, {
      connectionId: query.connection_id,
      limit: query.limit ?? 50,
    });
    return { object: 'list', data: runs.map(presentRun) };
  }

  @Get('runs/:id')
  @RequirePolicy('read', 'Reconciliation')
  async run(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
  ): Promise<ReconciliationRunResource> {
    return presentRun(await this.reconciliation.getRun(scopeFor(admin, 'read', 'Reconciliation'), id));
  }

  @Get('exceptions')
  @RequirePolicy('read', 'Reconciliation')
  @ApiOperation({ summary: 'Exceptions, newest first, by run, connection, kind and status' })
  async exceptions(
    @CurrentAdmin() admin: AdminPrincipal,
    @Query() query: ExceptionListQuery,
  ): Promise<{ object: 'list'; data: ReconciliationExceptionResource[]; total: number; page: number }> {
    if (query.kind === 'matched' || query.kind === 'expected')
      throw ApiError.invalid('kind', `${query.kind} is a result, not an exception`);
    const page = query.page ?? 1;
    const { data, total } = await this.reconciliation.listExceptions(
      scopeFor(admin, 'read', 'Reconciliation', query.merchant_id),
      {
        runId: query.run_id,
        connectionId: query.connection_id,
        kind: query.kind,
        status: query.status,
        limit: query.limit ?? 50,
        page,
      },
    );
    const now = this.clock.now();
    return { object: 'list', data: data.map((x) => presentException(x, now)), total, page };
  }

  @Get('exceptions/:id')
  @RequirePolicy('read', 'Reconciliation')
  async exception(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('id') id: string,
  ): Promise<ReconciliationExceptionResource> {
    const found = await this.reconciliation.getException(scopeFor(admin, 'read', 'Reconciliation'), id);
    return presentException(found, this.clock.now());
  }

  @Post('exceptions/:id/resolve')
  @RequirePolicy('update', 'Reconciliation')
  @HttpCode(200)
  @ApiOperation({
    summary: "Resolve with a note: accept the gateway's figure, write off, or link a refund or dispute",
  })
  resolve(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Param('id') id: string,
    @Body() body: ResolveExceptionDto,
  ): Promise<ReconciliationExceptionResource> {
    return this.act(admin, req, id, {
      action: 'resolve',
      resolution: body.resolution,
      note: body.note,
      linkedReference: body.linked_reference,
    });
  }

  @Post('exceptions/:id/acknowledge')
  @RequirePolicy('update', 'Reconciliation')
  @HttpCode(200)
  acknowledge(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Param('id') id: string,
    @Body() body: ExceptionNoteDto,
  ): Promise<ReconciliationExceptionResource> {
    return this.act(admin, req, id, { action: 'acknowledge', note: body.note });
  }

  @Post('exceptions/:id/reopen')
  @RequirePolicy('update', 'Reconciliation')
  @HttpCode(200)
  reopen(
    @CurrentAdmin() admin: AdminPrincipal,
    @Req() req: Request,
    @Param('id') id: string,
    @Body() body: ExceptionNoteDto,
  ): Promise<ReconciliationExceptionResource> {
    return this.act(admin, req, id, { action: 'reopen', note: body.note });
  }

  private async act(
    admin: AdminPrincipal,
    req: Request,
    id: string,
    action: ExceptionAction,
  ): Promise<ReconciliationExceptionResource> {
    const found: ReconciliationException = await this.reconciliation.getException(
      scopeFor(admin, 'read', 'Reconciliation'),
      id,
    );
    assertMerchantAccess(admin, 'update', 'Reconciliation', found.merchantId, {
      what: 'reconciliation exception',
      id,
    });
    const done = await this.reconciliation.act(found, action, adminContext(admin, req));
    return presentException(done, this.clock.now());
  }
}
