import { ChangeDetectionStrategy, Component, computed, inject, signal, type OnInit } from '@angular/core';
import { MatTabsModule } from '@angular/material/tabs';
import { provideCharts, withDefaultRegisterables } from 'ng2-charts';
import type { MerchantResource } from '@payrail/api-contract';
import { AdminApi } from '../../core/admin.api';
import { SessionStore } from '../../core/session.store';
import { AlertsComponent } from './alerts.component';
import { GatewayHealthComponent } from './gateway-health.component';
import { RoutingComponent } from './routing.component';

/**
 * Gateway health (status, rates, latency, circuit, checks, charts), alerts with their rules and
 * channels, and payment routing with the simulator. Each tab shows what the user's role may read;
 * edit buttons appear only with the abilities the API checks again.
 */
@Component({
  selector: 'pr-monitoring',
  imports: [MatTabsModule, GatewayHealthComponent, AlertsComponent, RoutingComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  // Chart.js loads with this page only.
  providers: [provideCharts(withDefaultRegisterables())],
  styleUrl: './monitoring.page.scss',
  template: `
    <div class="page">
      <h1>Monitoring</h1>
      @if (readOnly()) {
        <p class="muted" data-testid="read-only">Read-only: your role may look, not change.</p>
      }
      <mat-tab-group animationDuration="0ms" mat-stretch-tabs="false">
        @if (canSee('Monitoring')) {
          <mat-tab label="Gateways">
            <ng-template matTabContent><pr-gateway-health [merchants]="merchants()" /></ng-template>
          </mat-tab>
        }
        @if (canSee('Alert')) {
          <mat-tab label="Alerts">
            <ng-template matTabContent><pr-alerts /></ng-template>
          </mat-tab>
        }
        @if (canSee('RoutingRule')) {
          <mat-tab label="Routing">
            <ng-template matTabContent><pr-routing [merchants]="merchants()" /></ng-template>
          </mat-tab>
        }
      </mat-tab-group>
    </div>
  `,
})
export class MonitoringPage implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly session = inject(SessionStore);
  readonly merchants = signal<MerchantResource[]>([]);
  readonly readOnly = computed(
    () => (
      this.session.me(),
      !this.session.can('update', 'Alert') &&
        !this.session.can('update', 'RoutingRule') &&
        !this.session.can('update', 'Monitoring')
    ),
  );

  canSee(subject: string): boolean {
    return this.session.can('read', subject);
  }

  async ngOnInit(): Promise<void> {
    if (!this.session.can('read', 'Merchant')) return;
    try {
      this.merchants.set((await this.api.merchants()).data);
    } catch {
      // Without the merchant list the page still works: names fall back to ids.
    }
  }
}
