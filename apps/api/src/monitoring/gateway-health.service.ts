import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThanOrEqual, Repository, type DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { newId } from '@payrail/database';
import { ConnectionService, GatewayConnectionRecord } from '@payrail/gateways';
import { JobQueue, JobScheduler } from '@payrail/jobs';
import { CircuitBreaker, recordGatewayCall } from '@payrail/monitoring';
import { GatewayError, redactText } from '@payrail/plugin-sdk';
import { PAYRAIL_CONFIG, type PayrailConfig } from '../app/config';
import { GatewayHealthCheck } from './gateway-health-check.entity';
import { callStats, healthStatus, type CallSample, type CallStats } from './health-stats';

export const HEALTH_QUEUE = 'monitoring.health';
export const WINDOWS = { '1h': 3600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 } as const;
export type HealthWindow = keyof typeof WINDOWS;
const KEEP_MS = 8 * 86_400_000;
/** Enough calls for stable percentiles without reading a week of a busy connection. */
const SAMPLE_LIMIT = 20_000;

/** Runs every enabled connection's `healthCheck` on a schedule and answers how each connection is doing. */
@Injectable()
export class GatewayHealthService implements OnModuleInit {
  private readonly logger = new Logger('GatewayHealth');

  constructor(
    @InjectRepository(GatewayHealthCheck) private readonly checks: Repository<GatewayHealthCheck>,
    @InjectRepository(GatewayConnectionRecord) private readonly records: Repository<GatewayConnectionRecord>,
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
    private readonly connections: ConnectionService,
    private readonly breaker: CircuitBreaker,
    private readonly jobs: JobQueue,
    private readonly scheduler: JobScheduler,
    @Inject(PAYRAIL_CONFIG) private readonly config: PayrailConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.define(HEALTH_QUEUE, async () => void (await this.checkAll()), {
      maxAttempts: 1,
      concurrency: 1,
    });
    this.scheduler.every(HEALTH_QUEUE, this.config.healthCheckIntervalMs);
  }

  /** One round: every enabled connection, one after another; old checks are purged. Idempotent per round. */
  async checkAll(now = new Date()): Promise<GatewayHealthCheck[]> {
    const done: GatewayHealthCheck[] = [];
    for (const record of await this.records.find({ where: { enabled: true } }))
      done.push(await this.check(record, now));
    await this.checks.delete({ checkedAt: LessThan(new Date(now.getTime() - KEEP_MS)) });
    return done;
  }

  async check(record: GatewayConnectionRecord, now = new Date()): Promise<GatewayHealthCheck> {
    const started = performance.now();
    let healthy = false;
    let detail: string | null = null;
    let latencyMs = 0;
    try {
      const connection = await this.connections.toGatewayConnection(record);
      const report = await this.connections.gatewayFor(record).healthCheck(connection);
      healthy = report.healthy;
      latencyMs = Math.round(report.latencyMs);
      detail = report.detail ? redactText(report.detail).slice(0, 500) : null;
    } catch (error) {
      latencyMs = Math.round(performance.now() - started);
      detail = redactText(`the health check failed: ${(error as Error).message}`).slice(0, 500);
    }
    recordGatewayCall(
      record.gateway,
      'health_check',
      healthy ? null : new GatewayError('gateway_unavailable', { detail: detail ?? undefined }),
      latencyMs / 1000,
    );
    if (!healthy) this.logger.warn(`health check of ${record.gateway} connection ${record.id} failed`);
    const row = this.checks.create({
      id: newId('ghc'),
      connectionId: record.id,
      merchantId: record.merchantId,
      gateway: record.gateway,
      healthy,
      latencyMs,
      detail,
      checkedAt: now,
    });
    return this.checks.save(row);
  }

  /** The live calls of a connection since `since` (attempts of its payments). */
  async samples(connectionId: string, since: Date): Promise<Array<CallSample & { createdAt: Date }>> {
    const rows = await this.dataSource
      .createQueryBuilder()
      .select([
        'a.status AS status',
        'a.error_code AS error_code',
        'a.latency_ms AS latency_ms',
        'a.created_at AS created_at',
      ])
      .from('payment_attempts', 'a')
      .innerJoin('payments', 'p', 'p.id = a.payment_id')
      .where('p.connection_id = :connectionId', { connectionId })
      .andWhere('a.created_at >= :since', { since })
      .andWhere("a.status <> 'pending'")
      .orderBy('a.created_at', 'DESC')
      .limit(SAMPLE_LIMIT)
      .getRawMany<{
        status: string;
        error_code: string | null;
        latency_ms: number | null;
        created_at: string | Date;
      }>();
    return rows.map((r) => ({
      status: r.status,
      errorCode: r.error_code,
      latencyMs: r.latency_ms === null ? null : Number(r.latency_ms),
      createdAt: new Date(r.created_at),
    }));
  }

  async summary(record: GatewayConnectionRecord, window: HealthWindow, now = new Date()) {
    const since = new Date(now.getTime() - WINDOWS[window]);
    const [samples, hour, recent, circuit] = await Promise.all([
      this.samples(record.id, since),
      window === '1h'
        ? Promise.resolve(null)
        : this.samples(record.id, new Date(now.getTime() - WINDOWS['1h'])),
      this.checks.find({ where: { connectionId: record.id }, order: { checkedAt: 'DESC' }, take: 20 }),
      this.breaker.view(record.id),
    ]);
    const stats = callStats(samples);
    const lastHour: CallStats = hour ? callStats(hour) : stats;
    const { status, reason } = healthStatus({ circuit: circuit.state, recentChecks: recent, lastHour });
    return { record, window, stats, status, reason, circuit, recent, samples };
  }

  async checksSince(connectionId: string, since: Date): Promise<GatewayHealthCheck[]> {
    return this.checks.find({
      where: { connectionId, checkedAt: MoreThanOrEqual(since) },
      order: { checkedAt: 'DESC' },
    });
  }
}
