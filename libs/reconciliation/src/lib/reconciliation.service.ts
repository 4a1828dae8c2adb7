import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type SelectQueryBuilder } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { AuditService, type AuditActorContext } from '@payrail/audit';
import { newId, TransactionRunner } from '@payrail/database';
import { ConnectionService } from '@payrail/gateways';
import { Clock } from '@payrail/identity';
import { JobQueue } from '@payrail/jobs';
import { ReconciliationException, type ExceptionStatus } from './entities/reconciliation-exception.entity';
import { ReconciliationRun, type RunTrigger } from './entities/reconciliation-run.entity';
import { ReconciliationRunner } from './reconciliation-runner';

export const RECONCILIATION_RUN_QUEUE = 'reconciliation.run';
/** The longest window one run may cover. */
export const MAX_RUN_WINDOW_MS = 93 * 24 * 3600_000;

type Scope = string[] | 'all';

export interface ExceptionFilter {
  runId?: string;
  connectionId?: string;
  kind?: string;
  status?: ExceptionStatus;
  limit: number;
  page: number;
}

export type ExceptionAction =
  | { action: 'acknowledge'; note: string }
  | { action: 'reopen'; note: string }
  | {
      action: 'resolve';
      resolution: 'accept_gateway' | 'write_off' | 'linked';
      note: string;
      linkedReference?: string;
    };

/** Runs (start, list, read) and exceptions (list, read, acknowledge, resolve, reopen). */
@Injectable()
export class ReconciliationService implements OnModuleInit {
  constructor(
    @InjectRepository(ReconciliationRun) private readonly runs: Repository<ReconciliationRun>,
    @InjectRepository(ReconciliationException)
    private readonly exceptions: Repository<ReconciliationException>,
    private readonly connections: ConnectionService,
    private readonly runner: ReconciliationRunner,
    private readonly jobs: JobQueue,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.jobs.define<{ runId: string }>(
      RECONCILIATION_RUN_QUEUE,
      async ({ runId }) => void (await this.runner.execute(runId)),
      { maxAttempts: 3, concurrency: 1, leaseMs: 60 * 60_000 },
    );
  }

  /** A queued run of `connectionId` over [from, to); the job does the work. */
  async start(
    scope: Scope,
    input: { connectionId: string; from: Date; to: Date; trigger: RunTrigger },
    context: AuditActorContext,
  ): Promise<ReconciliationRun> {
    const connection = await this.connections.findVisible(input.connectionId, scope);
    if (!(input.from < input.to)) throw ApiError.invalid('from', 'from must be before to');
    if (input.to.getTime() - input.from.getTime() > MAX_RUN_WINDOW_MS)
      throw ApiError.invalid('to', 'a run covers at most 93 days: split the window');
    const gateway = this.connections.gatewayFor(connection);
    if (!gateway.capabilities.settlementReports)
      throw ApiError.invalid(
        'connection_id',
        `${gateway.displayName} reports no settlement data to reconcile`,
      );
    const run = this.runs.create({
      id: newId('rcr'),
      connectionId: connection.id,
      merchantId: connection.merchantId,
      gateway: connection.gateway,
      trigger: input.trigger,
      requestedBy: context.actor.type === 'user' ? (context.actor.id ?? null) : null,
      windowFrom: input.from,
      windowTo: input.to,
      status: 'queued',
      progress: 0,
      importedCount: 0,
      counts: {},
      totals: [],
      digest: null,
      durationMs: null,
      startedAt: null,
      finishedAt: null,
      error: null,
    });
    await this.tx.run(async (m) => {
      await m.save(run);
      await this.jobs.enqueue(RECONCILIATION_RUN_QUEUE, { runId: run.id }, { uniqueKey: run.id }, m);
      await this.audit.record(
        {
          ...context,
          action: 'reconciliation.run_started',
          merchantId: run.merchantId,
          resource: { type: 'reconciliation_run', id: run.id },
          change: {
            after: {
              connectionId: run.connectionId,
              from: input.from.toISOString(),
              to: input.to.toISOString(),
            },
          },
        },
        m,
      );
    });
    return run;
  }

  async listRuns(
    scope: Scope,
    filter: { connectionId?: string; limit: number },
  ): Promise<ReconciliationRun[]> {
    const qb = this.runs.createQueryBuilder('r');
    this.scoped(qb, 'r', scope);
    if (filter.connectionId) qb.andWhere('r.connectionId = :c', { c: filter.connectionId });
    return qb.orderBy('r.createdAt', 'DESC').addOrderBy('r.id', 'DESC').take(filter.limit).getMany();
  }

  async getRun(scope: Scope, id: string): Promise<ReconciliationRun> {
    const qb = this.runs.createQueryBuilder('r').where('r.id = :id', { id });
    this.scoped(qb, 'r', scope);
    const run = await qb.getOne();
    if (!run) throw ApiError.notFound('reconciliation run', id);
    return run;
  }

  async listExceptions(
    scope: Scope,
    filter: ExceptionFilter,
  ): Promise<{ data: ReconciliationException[]; total: number }> {
    const qb = this.exceptions.createQueryBuilder('x').where('1 = 1');
    this.scoped(qb, 'x', scope);
    if (filter.runId) qb.andWhere('(x.runId = :run OR x.lastRunId = :run)', { run: filter.runId });
    if (filter.connectionId) qb.andWhere('x.connectionId = :c', { c: filter.connectionId });
    if (filter.kind) qb.andWhere('x.kind = :kind', { kind: filter.kind });
    if (filter.status) qb.andWhere('x.status = :status', { status: filter.status });
    const [data, total] = await qb
      .orderBy('x.firstSeenAt', 'DESC')
      .addOrderBy('x.id', 'DESC')
      .skip((filter.page - 1) * filter.limit)
      .take(filter.limit)
      .getManyAndCount();
    return { data, total };
  }

  async getException(scope: Scope, id: string): Promise<ReconciliationException> {
    const qb = this.exceptions.createQueryBuilder('x').where('x.id = :id', { id });
    this.scoped(qb, 'x', scope);
    const found = await qb.getOne();
    if (!found) throw ApiError.notFound('reconciliation exception', id);
    return found;
  }

  /** Acknowledge, resolve or reopen: each needs a note and writes an audit entry in the same transaction. */
  async act(
    exception: ReconciliationException,
    request: ExceptionAction,
    context: AuditActorContext,
  ): Promise<ReconciliationException> {
    const note = request.note.trim();
    if (!note) throw ApiError.invalid('note', 'note is required: say why (1 to 1000 characters)');
    const before = { status: exception.status, resolution: exception.resolution };
    const now = this.clock.now();
    const by = context.actor.type === 'user' ? (context.actor.id ?? null) : null;
    switch (request.action) {
      case 'acknowledge':
        if (exception.status !== 'open')
          throw conflict(
            `exception ${exception.id} is ${exception.status}: only an open one is acknowledged`,
          );
        exception.status = 'acknowledged';
        exception.resolutionNote = note;
        break;
      case 'resolve':
        if (exception.status === 'resolved') throw conflict(`exception ${exception.id} is already resolved`);
        if (request.resolution === 'linked' && !request.linkedReference?.trim())
          throw ApiError.invalid(
            'linked_reference',
            'a linked resolution names the refund or dispute it belongs to',
          );
        exception.status = 'resolved';
        exception.resolution = request.resolution;
        exception.resolutionNote = note;
        exception.linkedReference =
          request.resolution === 'linked' ? (request.linkedReference?.trim() ?? null) : null;
        exception.resolvedAt = now;
        exception.resolvedBy = by;
        break;
      case 'reopen':
        if (exception.status === 'open') throw conflict(`exception ${exception.id} is already open`);
        exception.status = 'open';
        exception.resolution = null;
        exception.resolutionNote = note;
        exception.linkedReference = null;
        exception.resolvedAt = null;
        exception.resolvedBy = null;
        break;
    }
    await this.tx.run(async (m) => {
      await m.save(exception);
      await this.audit.record(
        {
          ...context,
          action: `reconciliation.exception_${request.action === 'acknowledge' ? 'acknowledged' : request.action === 'resolve' ? 'resolved' : 'reopened'}`,
          merchantId: exception.merchantId,
          resource: { type: 'reconciliation_exception', id: exception.id },
          change: {
            before,
            after: {
              status: exception.status,
              resolution: exception.resolution,
              linkedReference: exception.linkedReference,
              kind: exception.kind,
            },
          },
          reason: note,
        },
        m,
      );
    });
    return exception;
  }

  private scoped<T extends object>(qb: SelectQueryBuilder<T>, alias: string, scope: Scope): void {
    if (scope === 'all') return;
    if (!scope.length) qb.andWhere('1 = 0');
    else qb.andWhere(`${alias}.merchantId IN (:...merchants)`, { merchants: scope });
  }
}

function conflict(message: string): ApiError {
  return new ApiError(409, { type: 'invalid_request_error', code: 'exception_state', message });
}
