import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { AuditService, type AuditActorContext } from '@payrail/audit';
import { newId, TransactionRunner } from '@payrail/database';
import { JobQueue } from '@payrail/jobs';
import { ReportExport } from '../entities/report-export.entity';
import { RECONCILIATION_OPTIONS, type ReconciliationOptions } from '../reconciliation.options';
import { SqlDialect } from '../sql-dialect';
import type { ReportFilter } from './report-filters';
import { transactionChunks, transactionCountQuery } from './transactions-export';

export const REPORT_EXPORT_QUEUE = 'reports.export';

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
 * with progress (rows, percent), then downloaded by the user who asked. Requests and downloads
 * are audited.
 */
@Injectable()
export class ReportExportsService implements OnModuleInit {
  private readonly logger = new Logger('Reports');
  private readonly sql: SqlDialect;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(ReportExport) private readonly exports: Repository<ReportExport>,
    private readonly jobs: JobQueue,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    @Inject(RECONCILIATION_OPTIONS) private readonly options: ReconciliationOptions,
  ) {
    this.sql = new SqlDialect(dataSource);
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
      await this.exports.update(job.id, {
        status: 'completed',
        rows,
        totalRows: Math.max(total, rows),
        progress: 100,
        storedFile: name,
        finishedAt: new Date(),
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
}
