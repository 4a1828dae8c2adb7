import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { provideCharts, withDefaultRegisterables } from 'ng2-charts';
import type {
  AlertResource,
  GatewayHealthDetailResource,
  GatewayHealthResource,
  MerchantResource,
  RoutingRuleResource,
} from '@payrail/api-contract';
import { MonitoringApi } from '../../core/monitoring.api';
import { SessionStore } from '../../core/session.store';
import { alertValue, describeCondition, silenceMatchers } from './alerts.component';
import { GatewayHealthComponent } from './gateway-health.component';
import { healthCharts, metadataOf, metadataText, percent } from './monitoring-format';
import { describeConditions, RoutingComponent } from './routing.component';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const health = (overrides: Partial<GatewayHealthResource> = {}): GatewayHealthResource => ({
  object: 'gateway_health',
  connection_id: 'conn_stripe',
  merchant_id: 'mer_1',
  gateway: 'stripe',
  name: 'Stripe test',
  mode: 'test',
  enabled: true,
  window: '24h',
  status: 'degraded',
  status_reason: "12.5 % of the last hour's calls failed",
  circuit: { state: 'closed', open_until: null },
  calls: 8,
  success_rate: 0.875,
  error_rate: 0.125,
  declines: 2,
  latency_ms: { p50: 41, p95: 120, p99: 180 },
  last_check: { healthy: true, latency_ms: 12, checked_at: '2026-12-01T10:00:00.000Z' },
  ...overrides,
});

const bucket = (start: string, calls: number) => ({
  start,
  calls,
  declines: calls ? 1 : 0,
  success_rate: calls ? 0.9 : null,
  error_rate: calls ? 0.1 : null,
  p50_ms: calls ? 40 : null,
  p95_ms: calls ? 90 : null,
  p99_ms: calls ? 150 : null,
});

const merchants: MerchantResource[] = [
  {
    id: 'mer_1',
    object: 'merchant',
    name: 'Default',
    is_default: true,
    created_at: '2026-12-01T00:00:00.000Z',
  },
];

function setup(can: (action: string, subject: string) => boolean, asked: string[] = []) {
  const rule: RoutingRuleResource = {
    id: 'rr_1',
    object: 'routing_rule',
    merchant_id: 'mer_1',
    name: 'Euro to PayPal',
    position: 10,
    enabled: true,
    conditions: { currency: ['eur'], amount_gte: 1000 },
    connection_ids: ['conn_paypal', 'conn_stripe'],
    created_at: '2026-12-01T10:00:00.000Z',
    updated_at: '2026-12-01T10:00:00.000Z',
  };
  const rows = [
    health(),
    health({
      connection_id: 'conn_paypal',
      gateway: 'paypal',
      name: 'PayPal test',
      status: 'down',
      status_reason: 'the circuit is open',
      circuit: { state: 'open', open_until: '2026-12-01T10:01:00.000Z' },
    }),
  ];
  TestBed.configureTestingModule({
    providers: [
      provideRouter([]),
      provideCharts(withDefaultRegisterables()),
      {
        provide: MonitoringApi,
        useValue: {
          gateways: async (window: string) => {
            asked.push(`list ${window}`);
            return { object: 'list', data: rows, has_more: false };
          },
          gateway: async (id: string, window: '24h' | '7d'): Promise<GatewayHealthDetailResource> => {
            asked.push(`detail ${id} ${window}`);
            return {
              ...health({ window }),
              series: [bucket('2026-12-01T08:00:00.000Z', 0), bucket('2026-12-01T09:00:00.000Z', 10)],
              health_checks: [
                {
                  healthy: false,
                  latency_ms: 30,
                  detail: 'HTTP 503',
                  checked_at: '2026-12-01T10:00:00.000Z',
                },
              ],
            };
          },
          routingRules: async (merchant: string) => {
            asked.push(`rules ${merchant}`);
            return { object: 'list', data: [rule], has_more: false };
          },
        },
      },
      { provide: SessionStore, useValue: { can, me: () => null } },
    ],
  });
}

describe('the monitoring page', () => {
  it('lists each connection with its status, rates without declines, latency and circuit', async () => {
    const asked: string[] = [];
    setup(() => true, asked);
    const fixture = TestBed.createComponent(GatewayHealthComponent);
    fixture.detectChanges();
    await settle();
    fixture.detectChanges();
    const page = fixture.nativeElement as HTMLElement;
    const rows = Array.from(page.querySelectorAll('[data-testid="health-row"]'));
    expect(rows).toHaveLength(2);
    const text = (row: Element, id: string) =>
      row.querySelector(`[data-testid="${id}"]`)?.textContent?.trim();
    expect(text(rows[0], 'health-status')).toContain('degraded');
    expect(text(rows[0], 'success-rate')).toBe('87.5 %');
    expect(text(rows[0], 'error-rate')).toBe('12.5 %');
    expect(text(rows[0], 'latency')?.replace(/\s+/g, ' ')).toBe('41 ms / 120 ms / 180 ms');
    expect(text(rows[1], 'health-status')).toContain('the circuit is open');
    expect(text(rows[1], 'circuit')).toContain('open');
    expect(asked).toEqual(['list 24h']);

    (rows[0].querySelector('button') as HTMLButtonElement).click();
    await settle();
    fixture.detectChanges();
    expect(asked).toContain('detail conn_stripe 24h');
    const detail = page.querySelector('[data-testid="health-detail"]')!;
    expect(detail.querySelectorAll('canvas[role="img"]')).toHaveLength(3);
    expect(detail.querySelector('[data-testid="health-check-row"]')?.textContent).toContain('HTTP 503');
    const week = Array.from(detail.querySelectorAll('button')).find((b) => b.textContent?.trim() === '7 d')!;
    week.click();
    await settle();
    expect(asked).toContain('detail conn_stripe 7d');
  });

  it('shows support the routing rules and the simulator without edit buttons', async () => {
    setup((action) => action === 'read');
    const fixture = TestBed.createComponent(RoutingComponent);
    fixture.componentRef.setInput('merchants', merchants);
    fixture.detectChanges();
    await settle();
    fixture.detectChanges();
    await settle();
    fixture.detectChanges();
    const page = fixture.nativeElement as HTMLElement;
    const row = page.querySelector('[data-testid="routing-rule-row"]');
    expect(row?.textContent).toContain('Euro to PayPal');
    expect(row?.querySelector('[data-testid="rule-conditions"]')?.textContent?.trim()).toBe(
      'currency EUR, amount ≥ 1000',
    );
    // Connection names come from the monitoring list, which support may read.
    expect(row?.textContent).toContain('paypal · PayPal test (test)');
    const buttons = Array.from(page.querySelectorAll('button')).map((b) => b.textContent?.trim());
    expect(buttons).not.toContain('New rule');
    expect(buttons).not.toContain('Edit');
    expect(buttons).not.toContain('Delete');
    expect(buttons).toContain('Simulate');
  });

  it('shows editors the rule actions', async () => {
    setup(() => true);
    const fixture = TestBed.createComponent(RoutingComponent);
    fixture.componentRef.setInput('merchants', merchants);
    fixture.detectChanges();
    await settle();
    fixture.detectChanges();
    const buttons = Array.from((fixture.nativeElement as HTMLElement).querySelectorAll('button')).map((b) =>
      b.textContent?.trim(),
    );
    expect(buttons).toEqual(expect.arrayContaining(['New rule', 'Edit', 'Delete']));
  });
});

describe('monitoring wording and chart data', () => {
  it('says rates as percentages and no calls as a dash', () => {
    expect(percent(0.9875)).toBe('98.8 %');
    expect(percent(1)).toBe('100.0 %');
    expect(percent(null)).toBe('—');
  });

  it('draws volume without declines, rates and percentiles from the series, gaps where no calls', () => {
    const charts = healthCharts(
      [bucket('2026-12-01T08:00:00.000Z', 0), bucket('2026-12-01T09:00:00.000Z', 10)],
      '24h',
    );
    expect(charts.volume.datasets.map((d) => d.data)).toEqual([
      [0, 9],
      [0, 1],
    ]);
    expect(charts.rates.datasets[1].data).toEqual([null, 0.1]);
    expect(charts.latency.datasets.map((d) => d.label)).toEqual(['p50', 'p95', 'p99']);
    expect(charts.latency.datasets[2].data).toEqual([null, 150]);
  });

  it('reads metadata conditions as key=value lines and writes them back', () => {
    expect(metadataOf('channel=web\nvip')).toEqual({ channel: 'web', vip: null });
    expect(metadataOf('  ')).toBeUndefined();
    expect(metadataText({ channel: 'web', vip: null })).toBe('channel=web\nvip');
  });

  it('describes routing and alert conditions in words', () => {
    expect(describeConditions({})).toBe('every payment');
    expect(describeConditions({ card_brand: ['visa'], mode: 'live', metadata: { tier: 'gold' } })).toBe(
      'brand visa, live mode, metadata tier = gold',
    );
    expect(describeCondition({ kind: 'success_rate_below', threshold: 0.8, window_seconds: 300 })).toBe(
      'success rate below 80.0 % over 5 min',
    );
    expect(describeCondition({ kind: 'burn_rate', slo: 0.999 })).toBe(
      'error budget burn against a 99.9 % SLO',
    );
    expect(describeCondition({ kind: 'threshold', metric: 'jobs_dead', above: 0 })).toBe('jobs dead above 0');
  });

  it("says an alert's value the way its condition measures it", () => {
    expect(alertValue(0.4285714, 'success_rate_below')).toBe('42.9 %');
    expect(alertValue(571.428, 'burn_rate')).toBe('571.4× budget');
    expect(alertValue(3, 'threshold')).toBe('3');
    expect(alertValue(null, 'burn_rate')).toBe('—');
  });

  it('silences an alert by its rule and its connection, or its gateway', () => {
    const alert = {
      rule_id: 'ar_1',
      labels: { gateway: 'stripe', connection_id: 'conn_1' },
    } as unknown as AlertResource;
    expect(silenceMatchers(alert)).toEqual({ rule_id: 'ar_1', connection_id: 'conn_1' });
    expect(silenceMatchers({ ...alert, labels: { gateway: 'stripe' } })).toEqual({
      rule_id: 'ar_1',
      gateway: 'stripe',
    });
  });
});
