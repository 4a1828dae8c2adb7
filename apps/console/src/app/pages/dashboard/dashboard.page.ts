import { DatePipe, PercentPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal, type OnInit } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';
import type { DashboardResource } from '@payrail/api-contract';
import type { ChartConfiguration } from 'chart.js';
import { BaseChartDirective, provideCharts, withDefaultRegisterables } from 'ng2-charts';
import { AdminApi } from '../../core/admin.api';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { MoneyPipe } from '../../shared/money.pipe';
import { ProblemComponent } from '../../shared/problem.component';
import { TestDataBadgeComponent } from '../../shared/test-data-badge.component';

@Component({
  selector: 'pr-dashboard',
  imports: [
    MatButtonModule,
    BaseChartDirective,
    RouterLink,
    DatePipe,
    PercentPipe,
    MoneyPipe,
    ProblemComponent,
    TestDataBadgeComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  // Chart.js loads with this page only.
  providers: [provideCharts(withDefaultRegisterables())],
  styleUrl: './dashboard.page.scss',
  templateUrl: './dashboard.page.html',
})
export class DashboardPage implements OnInit {
  private readonly api = inject(AdminApi);
  readonly data = signal<DashboardResource | null>(null);
  readonly problem = signal<ApiProblem | null>(null);
  /** Test and live figures are never summed: the page shows one mode, test until live is chosen. */
  readonly mode = signal<'test' | 'live'>('test');
  readonly modes = [
    { value: 'test', label: 'Test' },
    { value: 'live', label: 'Live' },
  ] as const;
  readonly options: ChartConfiguration<'bar'>['options'] = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    scales: { x: { stacked: true }, y: { stacked: true, ticks: { precision: 0 } } },
  };
  readonly chart = computed<ChartConfiguration<'bar'>['data']>(() => {
    const gateways = this.data()?.gateways ?? [];
    return {
      labels: gateways.map((g) => g.gateway),
      datasets: [
        { label: 'Succeeded', data: gateways.map((g) => g.succeeded), backgroundColor: '#2e7d32' },
        { label: 'Failed', data: gateways.map((g) => g.failed), backgroundColor: '#c62828' },
      ],
    };
  });

  async ngOnInit(): Promise<void> {
    await this.show(this.mode());
  }

  async show(mode: 'test' | 'live'): Promise<void> {
    this.mode.set(mode);
    this.problem.set(null);
    try {
      this.data.set(await this.api.dashboard(mode));
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }
}
