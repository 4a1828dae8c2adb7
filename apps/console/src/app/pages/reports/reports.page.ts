import { PercentPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal, type OnInit } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import type { ReportExportResource, ReportSummaryRow } from '@payrail/api-contract';
import type { ChartConfiguration } from 'chart.js';
import { BaseChartDirective, provideCharts, withDefaultRegisterables } from 'ng2-charts';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { FinanceApi, queryString, type ReportQuery } from '../../core/finance.api';
import { SessionStore } from '../../core/session.store';
import { MoneyPipe } from '../../shared/money.pipe';
import { ProblemComponent } from '../../shared/problem.component';
import { TestDataBadgeComponent } from '../../shared/test-data-badge.component';

const COLOURS = ['#1565c0', '#2e7d32', '#ef6c00', '#6a1b9a', '#c62828', '#00838f'];
const DAY = 86_400_000;

/** Finance's reports: totals per group and currency, volume and success rate per gateway over time, exports. */
@Component({
  selector: 'pr-reports',
  imports: [
    FormsModule,
    PercentPipe,
    MoneyPipe,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatButtonModule,
    MatProgressBarModule,
    BaseChartDirective,
    ProblemComponent,
    TestDataBadgeComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [provideCharts(withDefaultRegisterables())],
  styleUrl: './reports.page.scss',
  templateUrl: './reports.page.html',
})
export class ReportsPage implements OnInit {
  private readonly api = inject(FinanceApi);
  private readonly session = inject(SessionStore);
  readonly groups = ['day', 'week', 'month', 'gateway', 'status', 'currency'];
  from = new Date(Date.now() - 29 * DAY).toISOString().slice(0, 10);
  to = new Date(Date.now() + DAY).toISOString().slice(0, 10);
  gateway = '';
  currency = '';
  groupBy = 'day';
  readonly mode = signal<'test' | 'live'>('test');
  readonly rows = signal<ReportSummaryRow[]>([]);
  /** Per gateway, its rows by day: the charts' series. */
  readonly series = signal<Array<{ gateway: string; rows: ReportSummaryRow[] }>>([]);
  readonly problem = signal<ApiProblem | null>(null);
  readonly job = signal<ReportExportResource | null>(null);
  readonly canExport = computed(() => (this.session.me(), this.session.can('export', 'Report')));
  /** The charts show one currency at a time: amounts of different currencies never share an axis. */
  readonly chartCurrency = computed(() => {
    const all = [...new Set(this.series().flatMap((s) => s.rows.map((r) => r.currency)))].sort();
    return this.currency ? this.currency.toLowerCase() : (all[0] ?? 'usd');
  });
  private readonly days = computed(() =>
    [...new Set(this.series().flatMap((s) => s.rows.map((r) => r.group)))].sort(),
  );
  readonly lineOptions: ChartConfiguration<'line'>['options'] = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    scales: { y: { min: 0, max: 1, ticks: { format: { style: 'percent' } } } },
  };
  readonly barOptions: ChartConfiguration<'bar'>['options'] = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
  };
  readonly volumeChart = computed<ChartConfiguration<'bar'>['data']>(() => {
    const days = this.days();
    const currency = this.chartCurrency();
    return {
      labels: days,
      datasets: this.series().map((s, i) => ({
        label: `${s.gateway} (${currency.toUpperCase()}, minor units)`,
        data: days.map(
          (d) => s.rows.find((r) => r.group === d && r.currency === currency)?.captured_amount ?? 0,
        ),
        backgroundColor: COLOURS[i % COLOURS.length],
      })),
    };
  });
  readonly successChart = computed<ChartConfiguration<'line'>['data']>(() => {
    const days = this.days();
    return {
      labels: days,
      datasets: this.series().map((s, i) => ({
        label: s.gateway,
        data: days.map((d) => {
          const rows = s.rows.filter((r) => r.group === d);
          const ok = rows.reduce((n, r) => n + r.authorized_count, 0);
          const tried = rows.reduce((n, r) => n + r.authorized_count + r.declined_count + r.failed_count, 0);
          return tried ? ok / tried : null;
        }),
        borderColor: COLOURS[i % COLOURS.length],
        spanGaps: true,
      })),
    };
  });

  async ngOnInit(): Promise<void> {
    await this.load();
  }

  query(): ReportQuery {
    return {
      from: this.from ? new Date(`${this.from}T00:00:00Z`).toISOString() : undefined,
      to: this.to ? new Date(`${this.to}T00:00:00Z`).toISOString() : undefined,
      gateway: this.gateway || undefined,
      currency: this.currency || undefined,
      mode: this.mode(),
    };
  }

  exportHref(format: 'csv' | 'jsonl'): string {
    return `/admin/reports/transactions?${queryString({ format, ...this.query() })}`;
  }

  async setMode(mode: 'test' | 'live'): Promise<void> {
    this.mode.set(mode);
    await this.load();
  }

  async load(): Promise<void> {
    this.problem.set(null);
    try {
      const query = this.query();
      this.rows.set((await this.api.summary({ ...query, group_by: this.groupBy })).data);
      const gateways = [
        ...new Set((await this.api.summary({ ...query, group_by: 'gateway' })).data.map((r) => r.group)),
      ];
      this.series.set(
        await Promise.all(
          gateways.map(async (gateway) => ({
            gateway,
            rows: (await this.api.summary({ ...query, gateway, group_by: 'day' })).data,
          })),
        ),
      );
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  /** Runs the export as a job and follows its progress until the file can be downloaded. */
  async exportAsJob(format: 'csv' | 'jsonl'): Promise<void> {
    this.problem.set(null);
    try {
      let job = await this.api.requestExport({ format, ...this.query() });
      this.job.set(job);
      while (job.status === 'queued' || job.status === 'running') {
        await new Promise((resolve) => setTimeout(resolve, 500));
        job = await this.api.exportJob(job.id);
        this.job.set(job);
      }
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }
}
