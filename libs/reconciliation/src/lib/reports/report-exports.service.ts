import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { Brackets, DataSource, Repository } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { AuditService, SYSTEM_ACTOR, type AuditActorContext } from '@payrail/audit';
import { newId, TransactionRunner } from '@payrail/database';
import { Clock } from '@payrail/identity';
import { JobQueue, JobScheduler } from '@payrail/jobs';
import { ReportExport } from '../entities/report-export.entity';
import {
  DEFAULT_EXPORT_RETENTION_HOURS,
  RECONCILIATION_OPTIONS,
  type ReconciliationOptions,
} from '../reconciliation.options';
import { SqlDialect } from '../sql-dialect';
import type { ReportFilter } from './report-filters';
import { transactionChunks, transactionCountQuery } from './transactions-export';

export const REPORT_EXPORT_QUEUE = 'reports.export';
export const REPORT_EXPORT_PURGE_QUEUE = 'reports.export_purge';
const HOUR_MS = 3600_000;

/** The filters an export job keeps, as text, and back. */
export function filterToStored(filter: ReportFilter): Record<string, string> {
  const out: Record<string, string> = { mode: filter.mode };
  if (filter.from) out['from'] = filter.from.toISOString();
  if (filter.to) out['to'] = filter.to.toISOString();
  if (filter.gateway) out['gateway'] = filter.gateway;
  if (filter.currency) out['currency'] = filter.currency;
  return out;
}

function storedToFilter(job: ReportExport): ReportFilter {
  const f = job.filters;
  return {
    merchants: job.merchantScope,
    mode: f['mode'] === 'live' ? 'live' : 'test',
    from: f['from'] ? new Date(f['from']) : undefined,
    to: f['to'] ? new Date(f['to']) : undefined,
    gateway: f['gateway'],
    currency: f['currency'],
  };
}

/**
 * Large transaction exports as jobs: the file is written to `PAYRAIL_EXPORT_DIR` at flat memory
 * with progress (rows, percent), then downloaded by the user who asked until it expires
 * (`PAYRAIL_EXPORT_RETENTION_HOURS`), when the hourly purge deletes it. Requests, downloads,
 * refused downloads and expiries are audited.
 */
@Injectable()
export class ReportExportsService implements OnModuleInit {
  private readonly logger = new Logger('Reports');
  private readonly sql: SqlDialect;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(ReportExport) private readonly exports: Repository<ReportExport>,
    private readonly jobs: JobQueue,
    private readonly scheduler: JobScheduler,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(RECONCILIATION_OPTIONS) private readonly options: ReconciliationOptions,
  ) {
    this.sql = new SqlDialect(dataSource);
  }

  /** How long a finished export's file is kept. */
  get retentionMs(): number {
    return (this.options.exportRetentionHours ?? DEFAULT_EXPORT_RETENTION_HOURS) * HOUR_MS;
  }

  onModuleInit(): void {
    this.jobs.define<{ exportId: string }>(
      REPORT_EXPORT_QUEUE,
      ({ exportId }, job) => this.write(exportId, job.attempt > 1),
      {
        maxAttempts: 2,
        concurrency: 1,
        leaseMs: 30 * 60_000,
      },
    );
    this.jobs.define(REPORT_EXPORT_PURGE_QUEUE, async () => void (await this.purgeExpired()), {
      maxAttempts: 3,
      concurrency: 1,
    });
    if (this.options.runSchedule !== false) this.scheduler.every(REPORT_EXPORT_PURGE_QUEUE, HOUR_MS);
  }

  /** When a finished export's file goes: its `expires_at`, or (written before expiry existed) its end plus the retention. */
  expiryOf(job: ReportExport): Date | null {
    if (job.expiresAt) return job.expiresAt;
    return job.finishedAt ? new Date(job.finishedAt.getTime() + this.retentionMs) : null;
  }

  async request(
    userId: string,
    filter: ReportFilter,
    format: 'csv' | 'jsonl',
    context: AuditActorContext,
  ): Promise<ReportExport> {
    const job = this.exports.create({
      id: newId('rex'),
      requestedBy: userId,
      merchantScope: filter.merchants,
      format,
      filters: filterToStored(filter),
      status: 'queued',
      rows: 0,
      totalRows: 0,
      progress: 0,
      storedFile: null,
      error: null,
      finishedAt: null,
    });
    await this.tx.run(async (m) => {
      await m.save(job);
      await this.jobs.enqueue(REPORT_EXPORT_QUEUE, { exportId: job.id }, { uniqueKey: job.id }, m);
      await this.audit.record(
        {
          ...context,
          action: 'report.export_requested',
          resource: { type: 'report_export', id: job.id },
          change: { after: { format, filters: job.filters, merchants: filter.merchants } },
        },
        m,
      );
    });
    return job;
  }

  /** The user's own export; another user's is a 404. */
  async get(userId: string, id: string): Promise<ReportExport> {
    const job = await this.exports.findOneBy({ id, requestedBy: userId });
    if (!job) throw ApiError.notFound('export', id);
    return job;
  }

  async list(userId: string): Promise<ReportExport[]> {
    return this.exports.find({ where: { requestedBy: userId }, order: { createdAt: 'DESC' }, take: 20 });
  }

  /** The finished file to stream, after an audit entry. */
  async open(
    userId: string,
    id: string,
    context: AuditActorContext,
  ): Promise<{ job: ReportExport; stream: NodeJS.ReadableStream; size: number }> {
    const job = await this.get(userId, id);
    const expiry = this.expiryOf(job);
    if (job.status === 'expired' || (job.status === 'completed' && expiry && expiry <= this.clock.now())) {
      const hours = this.retentionMs / HOUR_MS;
      const message = `export ${id} expired at ${expiry?.toISOString() ?? 'an unknown time'}: files are kept ${hours} h after they are written (PAYRAIL_EXPORT_RETENTION_HOURS), request a new export`;
      await this.audit.record({
        ...context,
        action: 'report.export_download_refused',
        resource: { type: 'report_export', id: job.id },
        reason: message,
      });
      throw new ApiError(410, { type: 'invalid_request_error', code: 'export_expired', message });
    }
    if (job.status !== 'completed' || !job.storedFile)
      throw new ApiError(409, {
        type: 'invalid_request_error',
        code: 'export_not_ready',
        message: `export ${id} is ${job.status}: download it once it is completed`,
      });
    const path = join(this.options.exportDir, job.storedFile);
    const { size } = await stat(path).catch(() => {
      throw ApiError.notFound('export file', id);
    });
    await this.audit.record({
      ...context,
      action: 'report.export_downloaded',
      resource: { type: 'report_export', id: job.id },
      change: { after: { rows: job.rows, format: job.format } },
    });
    return { job, stream: createReadStream(path), size };
  }

  /**
   * The job: claims the export (a retry after a crash takes over a running one), counts, then
   * writes the file under a temporary name and renames it when whole.
   */
  async write(exportId: string, takeOver = false): Promise<void> {
    const claimable = takeOver ? ['queued', 'failed', 'running'] : ['queued', 'failed'];
    const claimed = await this.exports
      .createQueryBuilder()
      .update()
      .set({ status: 'running' })
      .where('id = :id AND status IN (:...claimable)', { id: exportId, claimable })
      .execute();
    if (!claimed.affected) return;
    const job = await this.exports.findOneByOrFail({ id: exportId });
    const filter = storedToFilter(job);
    const count = transactionCountQuery(this.sql, filter);
    const [{ n }] = (await this.dataSource.query(count.text, count.params)) as Array<{ n: unknown }>;
    const total = Number(n);
    await this.exports.update(job.id, { status: 'running', totalRows: total, rows: 0, progress: 0 });
    await mkdir(this.options.exportDir, { recursive: true });
    const name = `${job.id}.${job.format}`;
    const partial = join(this.options.exportDir, `${name}.partial`);
    const out = createWriteStream(partial);
    let rows = 0;
    let reported = 0;
    try {
      for await (const chunk of transactionChunks(this.sql, filter, job.format, (k) => (rows += k))) {
        if (!out.write(chunk)) await once(out, 'drain');
        const percent = total ? Math.min(99, Math.floor((100 * rows) / total)) : 99;
        if (percent >= reported + 5) {
          reported = percent;
          await this.exports.update(job.id, { rows, progress: percent });
        }
      }
      out.end();
      await once(out, 'finish');
      await rename(partial, join(this.options.exportDir, name));
      const finishedAt = this.clock.now();
      await this.exports.update(job.id, {
        status: 'completed',
        rows,
        totalRows: Math.max(total, rows),
        progress: 100,
        storedFile: name,
        finishedAt,
        expiresAt: new Date(finishedAt.getTime() + this.retentionMs),
      });
    } catch (error) {
      out.destroy();
      await rm(partial, { force: true });
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`export ${job.id} failed: ${message}`);
      await this.exports.update(job.id, {
        status: 'failed',
        error: message.slice(0, 500),
        finishedAt: new Date(),
      });
    }
  }

  /**
   * The purge (hourly, and for tests or the operator): every completed export past its expiry
   * becomes `expired`, with an audit entry by the system, then loses its file (one already gone is
   * not an error). Returns the ids it expired.
   */
  async purgeExpired(now = this.clock.now()): Promise<string[]> {
    const due = await this.exports
      .createQueryBuilder('e')
      .where('e.status = :completed', { completed: 'completed' })
      .andWhere(
        new Brackets((w) =>
          w
            .where('e.expiresAt <= :now', { now })
            .orWhere('e.expiresAt IS NULL AND e.finishedAt <= :written', {
              written: new Date(now.getTime() - this.retentionMs),
            }),
        ),
      )
      .orderBy('e.createdAt')
      .take(500)
      .getMany();
    const expired: string[] = [];
    for (const job of due) {
      const expiry = this.expiryOf(job) ?? now;
      await this.tx.run(async (m) => {
        const changed = await m
          .createQueryBuilder()
          .update(ReportExport)
          .set({ status: 'expired', storedFile: null, expiresAt: expiry })
          .where('id = :id AND status = :completed', { id: job.id, completed: 'completed' })
          .execute();
        if (!changed.affected) return;
        await this.audit.record(
          {
            ...SYSTEM_ACTOR,
            action: 'report.export_expired',
            resource: { type: 'report_export', id: job.id },
            change: {
              before: { status: 'completed', file: job.storedFile },
              after: { status: 'expired', file: null },
            },
            reason: `kept ${this.retentionMs / HOUR_MS} h after it was written (PAYRAIL_EXPORT_RETENTION_HOURS), until ${expiry.toISOString()}`,
          },
          m,
        );
        expired.push(job.id);
      });
      // The row says `expired` first, so no download starts on a file about to go.
      if (expired.includes(job.id) && job.storedFile)
        await rm(join(this.options.exportDir, job.storedFile), { force: true });
    }
    if (expired.length) this.logger.log(`purged ${expired.length} expired export file(s)`);
    return expired;
  }
}
