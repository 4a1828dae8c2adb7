import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  inject,
  input,
  signal,
  type OnInit,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import type { ChartConfiguration } from 'chart.js';
import { BaseChartDirective } from 'ng2-charts';
import type {
  GatewayHealthDetailResource,
  GatewayHealthResource,
  GatewayHealthWindow,
  MerchantResource,
} from '@payrail/api-contract';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { MonitoringApi } from '../../core/monitoring.api';
import { ProblemComponent } from '../../shared/problem.component';
import { healthCharts, millis, percent, REFRESH_MS } from './monitoring-format';

const WINDOWS: Array<{ value: GatewayHealthWindow; label: string }> = [
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 h' },
  { value: '7d', label: 'Last 7 d' },
];

/** Per connection: status, rates, latency, circuit; one connection's charts and recent health checks. */
@Component({
  selector: 'pr-gateway-health',
  imports: [DatePipe, MatButtonModule, BaseChartDirective, ProblemComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './monitoring.page.scss',
  templateUrl: './gateway-health.component.html',
})
export class GatewayHealthComponent implements OnInit {
  private readonly api = inject(MonitoringApi);
  readonly merchants = input<MerchantResource[]>([]);
  readonly windows = WINDOWS;
  readonly window = signal<GatewayHealthWindow>('24h');
  readonly rows = signal<GatewayHealthResource[]>([]);
  readonly loaded = signal(false);
  readonly problem = signal<ApiProblem | null>(null);
  readonly selected = signal<GatewayHealthDetailResource | null>(null);
  readonly chartWindow = signal<'24h' | '7d'>('24h');
  readonly detailProblem = signal<ApiProblem | null>(null);
  readonly percent = percent;
  readonly millis = millis;
  readonly charts = computed(() => {
    const d = this.selected();
    return d ? healthCharts(d.series, d.window) : null;
  });
  readonly barOptions: ChartConfiguration<'bar'>['options'] = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
  };
  readonly rateOptions: ChartConfiguration<'line'>['options'] = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    scales: { y: { min: 0, max: 1, ticks: { format: { style: 'percent' } } } },
  };
  readonly latencyOptions: ChartConfiguration<'line'>['options'] = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    scales: { y: { beginAtZero: true, title: { display: true, text: 'ms' } } },
  };

  constructor() {
    // A monitoring page left open stays current.
    const timer = setInterval(() => void this.load(), REFRESH_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  async ngOnInit(): Promise<void> {
    await this.load();
  }

  merchantName(id: string): string {
    return this.merchants().find((m) => m.id === id)?.name ?? id;
  }

  async setWindow(window: GatewayHealthWindow): Promise<void> {
    this.window.set(window);
    await this.load();
  }

  async load(): Promise<void> {
    this.problem.set(null);
    try {
      this.rows.set((await this.api.gateways(this.window())).data);
      const open = this.selected();
      if (open) await this.open(open.connection_id, this.chartWindow());
    } catch (error) {
      this.problem.set(toProblem(error));
    } finally {
      this.loaded.set(true);
    }
  }

  async open(connectionId: string, window: '24h' | '7d' = this.chartWindow()): Promise<void> {
    this.detailProblem.set(null);
    this.chartWindow.set(window);
    try {
      this.selected.set(await this.api.gateway(connectionId, window));
    } catch (error) {
      this.detailProblem.set(toProblem(error));
    }
  }

  close(): void {
    this.selected.set(null);
  }
}
