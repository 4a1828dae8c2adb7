import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { GatewayConnectionRecord } from '@payrail/gateways';
import { CurrentAdmin, merchantFilter, RequirePolicy, type AdminPrincipal } from '@payrail/identity';
import { GatewayHealthService, WINDOWS, type HealthWindow } from './gateway-health.service';
import { callStats } from './health-stats';

const BUCKETS: Record<HealthWindow, number> = { '1h': 5 * 60_000, '24h': 3600_000, '7d': 6 * 3600_000 };

type Summary = Awaited<ReturnType<GatewayHealthService['summary']>>;

function present(s: Summary, withSeries: boolean) {
  const body: Record<string, unknown> = {
    object: 'gateway_health',
    connection_id: s.record.id,
    merchant_id: s.record.merchantId,
    gateway: s.record.gateway,
    name: s.record.name,
    mode: s.record.mode,
    enabled: s.record.enabled,
    window: s.window,
    status: s.status,
    status_reason: s.reason,
    circuit: { state: s.circuit.state, open_until: s.circuit.openUntil },
    ...s.stats,
    last_check: s.recent[0]
      ? {
          healthy: s.recent[0].healthy,
          latency_ms: s.recent[0].latencyMs,
          checked_at: s.recent[0].checkedAt.toISOString(),
        }
      : null,
  };
  if (withSeries) {
    const size = BUCKETS[s.window];
    const end = Date.now();
    const start = end - WINDOWS[s.window];
    const series = [];
    for (let from = Math.floor(start / size) * size; from < end; from += size) {
      const inBucket = s.samples.filter(
        (x) => x.createdAt.getTime() >= from && x.createdAt.getTime() < from + size,
      );
      const stats = callStats(inBucket);
      series.push({
        start: new Date(from).toISOString(),
        calls: stats.calls,
        declines: stats.declines,
        success_rate: stats.success_rate,
        error_rate: stats.error_rate,
        p50_ms: stats.latency_ms.p50,
        p95_ms: stats.latency_ms.p95,
        p99_ms: stats.latency_ms.p99,
      });
    }
    body['series'] = series;
    body['health_checks'] = s.recent.map((c) => ({
      healthy: c.healthy,
      latency_ms: c.latencyMs,
      detail: c.detail,
      checked_at: c.checkedAt.toISOString(),
    }));
  }
  return body;
}

function windowOf(value: unknown): HealthWindow {
  if (value === undefined || value === '') return '1h';
  if (value === '1h' || value === '24h' || value === '7d') return value;
  throw ApiError.invalid('window', 'window must be 1h, 24h or 7d');
}

@ApiTags('admin: monitoring')
@Controller('admin/monitoring/gateways')
export class MonitoringController {
  constructor(
    private readonly health: GatewayHealthService,
    @InjectRepository(GatewayConnectionRecord) private readonly records: Repository<GatewayConnectionRecord>,
  ) {}

  @Get()
  @RequirePolicy('read', 'Monitoring')
  @ApiOperation({
    summary:
      'Every visible connection: status, success and error rates, latency percentiles, circuit, last check',
  })
  async list(
    @CurrentAdmin() admin: AdminPrincipal,
    @Query('merchant_id') merchantId?: string,
    @Query('window') window?: string,
  ) {
    const merchants = merchantFilter(admin, merchantId);
    const records = await this.records.find({
      where: merchants === 'all' ? {} : { merchantId: In(merchants) },
      order: { createdAt: 'ASC' },
    });
    const span = windowOf(window);
    const data = [];
    for (const record of records) data.push(present(await this.health.summary(record, span), false));
    return { object: 'list', data, has_more: false };
  }

  @Get(':connection_id')
  @RequirePolicy('read', 'Monitoring')
  @ApiOperation({
    summary: "One connection's health over 1h, 24h or 7d, with a series for charts and its recent checks",
  })
  async get(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('connection_id') connectionId: string,
    @Query('window') window?: string,
  ) {
    const span = windowOf(window);
    const record = await this.records.findOneBy({ id: connectionId });
    if (!record || (admin.merchantIds !== 'all' && !admin.merchantIds.includes(record.merchantId)))
      throw ApiError.notFound('connection', connectionId);
    return present(await this.health.summary(record, span), true);
  }
}
