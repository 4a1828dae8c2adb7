import { DatePipe, PercentPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal, type OnInit } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { DashboardResource } from '@payrail/api-contract';
import type { ChartConfiguration } from 'chart.js';
import { BaseChartDirective, provideCharts, withDefaultRegisterables } from 'ng2-charts';
import { AdminApi } from '../../core/admin.api';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { MoneyPipe } from '../../shared/money.pipe';
import { ProblemComponent } from '../../shared/problem.component';

@Component({
  selector: 'pr-dashboard',
  imports: [BaseChartDirective, RouterLink, DatePipe, PercentPipe, MoneyPipe, ProblemComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  // Chart.js loads with this page only.
  providers: [provideCharts(withDefaultRegisterables())],
  styles: `
    .tiles {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(220px, 1fr));
      gap: 16px;
      margin-bottom: 16px;
    }
    .tile .value {
      font: var(--mat-sys-headline-medium);
    }
    .chart {
      height: 260px;
      position: relative;
    }
  `,
  template: `
    <div class="page">
      <h1>Today</h1>
      <pr-problem [problem]="problem()" />
      @if (data(); as d) {
        <div class="tiles">
          @for (g of d.gateways; track g.gateway) {
            <section class="card tile" [attr.aria-label]="g.gateway + ' today'" data-testid="gateway-tile">
              <h2>{{ g.gateway }}</h2>
              <div class="value">
                {{ g.success_rate === null ? '—' : (g.success_rate | percent: '1.0-1') }}
              </div>
              <div class="muted">success rate · {{ g.succeeded }} of {{ g.attempts }} payments</div>
              @for (v of g.volume; track v.currency) {
                <div>{{ v.amount | money: v.currency }}</div>
              }
            </section>
          } @empty {
            <p class="muted card">No payments yet today.</p>
          }
        </div>
        @if (d.gateways.length) {
          <section class="card">
            <h2>Payments per gateway</h2>
            <div class="chart">
              <canvas
                baseChart
                type="bar"
                [data]="chart()"
                [options]="options"
                aria-label="Succeeded and failed payments per gateway today"
                role="img"
              ></canvas>
            </div>
          </section>
        }
        <section class="card">
          <h2>Recent failures</h2>
          <table class="data">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Payment</th>
                <th scope="col">Gateway</th>
                <th scope="col">Amount</th>
                <th scope="col">Code</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              @for (f of d.recent_failures; track f.payment_id) {
                <tr>
                  <td>{{ f.created_at | date: 'short' }}</td>
                  <td>
                    <a class="mono" [routerLink]="['/payments', f.payment_id]">{{ f.payment_id }}</a>
                  </td>
                  <td>{{ f.gateway }}</td>
                  <td>{{ f.amount | money: f.currency }}</td>
                  <td class="mono">{{ f.code }}</td>
                  <td>{{ f.message }}</td>
                </tr>
              } @empty {
                <tr>
                  <td colspan="6" class="muted">No failures.</td>
                </tr>
              }
            </tbody>
          </table>
        </section>
      }
    </div>
  `,
})
export class DashboardPage implements OnInit {
  private readonly api = inject(AdminApi);
  readonly data = signal<DashboardResource | null>(null);
  readonly problem = signal<ApiProblem | null>(null);
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
    try {
      this.data.set(await this.api.dashboard());
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }
}
