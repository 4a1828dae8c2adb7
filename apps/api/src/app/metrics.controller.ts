import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Header, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiError } from '@payrail/api-contract';
import { ApiExcludeController } from '@nestjs/swagger';
import { collectDefaultMetrics, Gauge, register } from 'prom-client';
import { Public } from '@payrail/identity';
import { STATEMENT_COUNTER } from '@payrail/database';
import { JobQueue } from '@payrail/jobs';
import { DataSource } from 'typeorm';
import { registerBacklogGauges } from './backlog-metrics';
import { PAYRAIL_CONFIG, type PayrailConfig } from './config';

let defaultsCollected = false;

const digest = (token: string) => createHash('sha256').update(token).digest();

/** Prometheus metrics in the text format: gateway calls, payments, HTTP latency, webhook and outbox backlog, job queue depth, circuits, and the process's own. */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  private readonly tokenDigest: Buffer | null;

  constructor(
    private readonly jobs: JobQueue,
    @Inject(PAYRAIL_CONFIG) config: PayrailConfig,
    dataSource: DataSource,
  ) {
    this.tokenDigest = config.metricsToken ? digest(config.metricsToken) : null;
    if (!defaultsCollected) {
      collectDefaultMetrics();
      defaultsCollected = true;
    }
    registerBacklogGauges(dataSource);
    const queue = this.jobs;
    register.removeSingleMetric('payrail_jobs');
    new Gauge({
      name: 'payrail_jobs',
      help: 'Jobs by queue and state',
      labelNames: ['queue', 'state'],
      async collect() {
        this.reset();
        for (const stats of await queue.stats()) {
          for (const state of ['waiting', 'active', 'retrying', 'dead'] as const)
            this.set({ queue: stats.queue, state }, stats[state]);
        }
      },
    });
    register.removeSingleMetric('payrail_db_statements');
    if (config.countStatements)
      new Gauge({
        name: 'payrail_db_statements',
        help: 'Database statements sent, commits, rollbacks and round trips since start (PAYRAIL_COUNT_STATEMENTS=on)',
        labelNames: ['kind'],
        collect() {
          const counts = STATEMENT_COUNTER.snapshot();
          this.set({ kind: 'statement' }, counts.statements);
          this.set({ kind: 'commit' }, counts.commits);
          this.set({ kind: 'rollback' }, counts.rollbacks);
          this.set({ kind: 'round_trip' }, counts.roundTrips);
        },
      });
  }

  @Get()
  @Header('content-type', register.contentType)
  metrics(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<string> {
    if (this.tokenDigest) {
      const given = /^Bearer (\S+)$/i.exec(req.header('authorization') ?? '')?.[1];
      // Digests of equal length, so the comparison takes the same time whatever was sent.
      if (!given || !timingSafeEqual(digest(given), this.tokenDigest)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        throw new ApiError(401, {
          type: 'authentication_error',
          code: 'unauthenticated',
          message: '/metrics needs Authorization: Bearer <PAYRAIL_METRICS_TOKEN>',
        });
      }
    }
    return register.metrics();
  }
}
