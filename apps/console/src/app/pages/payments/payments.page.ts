import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal, type OnInit } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import {
  PAYMENT_STATUSES,
  type AdminPaymentListQuery,
  type AdminPaymentPageResource,
} from '@payrail/api-contract';
import { AdminApi } from '../../core/admin.api';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { parseMoney } from '../../core/money';
import { MoneyPipe } from '../../shared/money.pipe';
import { ProblemComponent } from '../../shared/problem.component';
import { StatusChipComponent } from '../../shared/status-chip.component';
import { TestDataBadgeComponent } from '../../shared/test-data-badge.component';

@Component({
  selector: 'pr-payments',
  imports: [
    FormsModule,
    RouterLink,
    DatePipe,
    MoneyPipe,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatButtonModule,
    MatPaginatorModule,
    StatusChipComponent,
    TestDataBadgeComponent,
    ProblemComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    form.filters {
      display: flex;
      flex-wrap: wrap;
      gap: 0 12px;
      align-items: baseline;
    }
    form.filters mat-form-field {
      width: 180px;
    }
    form.filters mat-form-field.wide {
      width: 260px;
    }
    td,
    th {
      padding: 8px;
      text-align: left;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    td.num,
    th.num {
      text-align: right;
    }
  `,
  template: `
    <div class="page">
      <h1>Payments</h1>
      <section class="card">
        <form class="filters" (ngSubmit)="search(1)" aria-label="Filter payments">
          <mat-form-field class="wide"
            ><mat-label>Search id or reference</mat-label><input matInput name="q" [(ngModel)]="filters.q"
          /></mat-form-field>
          <mat-form-field>
            <mat-label>Status</mat-label>
            <mat-select name="status" [(ngModel)]="filters.status">
              <mat-option [value]="undefined">Any</mat-option>
              @for (s of statuses; track s) {
                <mat-option [value]="s">{{ s.replace('_', ' ') }}</mat-option>
              }
            </mat-select>
          </mat-form-field>
          <mat-form-field>
            <mat-label>Mode</mat-label>
            <mat-select name="mode" [(ngModel)]="filters.mode">
              <mat-option [value]="undefined">Test and live</mat-option>
              <mat-option value="live">Live only</mat-option>
              <mat-option value="test">Test only</mat-option>
            </mat-select>
          </mat-form-field>
          <mat-form-field
            ><mat-label>Gateway</mat-label
            ><input matInput name="gateway" [(ngModel)]="filters.gateway" placeholder="stripe"
          /></mat-form-field>
          <mat-form-field
            ><mat-label>Customer email</mat-label
            ><input matInput name="customer_email" type="email" [(ngModel)]="filters.customer_email"
          /></mat-form-field>
          <mat-form-field
            ><mat-label>From</mat-label><input matInput name="from" type="date" [(ngModel)]="from"
          /></mat-form-field>
          <mat-form-field
            ><mat-label>To</mat-label><input matInput name="to" type="date" [(ngModel)]="to"
          /></mat-form-field>
          <mat-form-field
            ><mat-label>Min amount</mat-label
            ><input matInput name="amount_min" inputmode="decimal" [(ngModel)]="amountMin"
          /></mat-form-field>
          <mat-form-field
            ><mat-label>Max amount</mat-label
            ><input matInput name="amount_max" inputmode="decimal" [(ngModel)]="amountMax"
          /></mat-form-field>
          <button mat-flat-button type="submit">Search</button>
          <button mat-button type="button" (click)="reset()">Clear</button>
        </form>
        <pr-problem [problem]="problem()" />
      </section>
      <section class="card">
        <table class="data" aria-label="Payments">
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Payment</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">Amount</th>
              <th scope="col">Gateway</th>
              <th scope="col">Customer</th>
              <th scope="col">Card</th>
            </tr>
          </thead>
          <tbody>
            @for (p of page()?.data ?? []; track p.id) {
              <tr data-testid="payment-row">
                <td>{{ p.created_at | date: 'short' }}</td>
                <td>
                  <a class="mono" [routerLink]="['/payments', p.id]">{{ p.id }}</a><pr-test-data
                    [mode]="p.mode"
                  />
                </td>
                <td><pr-status [status]="p.status" /></td>
                <td class="num">{{ p.amount | money: p.currency }}</td>
                <td>{{ p.gateway }}</td>
                <td>{{ p.customer?.email ?? '' }}</td>
                <td>
                  {{ p.payment_method?.brand ?? '' }}
                  {{ p.payment_method?.last4 ? '•••• ' + p.payment_method?.last4 : '' }}
                </td>
              </tr>
            } @empty {
              <tr>
                <td colspan="7" class="muted">{{ loading() ? 'Loading…' : 'No payments match.' }}</td>
              </tr>
            }
          </tbody>
        </table>
        <mat-paginator
          [length]="page()?.total ?? 0"
          [pageIndex]="(page()?.page ?? 1) - 1"
          [pageSize]="pageSize"
          [pageSizeOptions]="[10, 25, 50, 100]"
          (page)="paged($event)"
          aria-label="Pages of payments"
        />
      </section>
    </div>
  `,
})
export class PaymentsPage implements OnInit {
  private readonly api = inject(AdminApi);
  readonly statuses = PAYMENT_STATUSES;
  filters: AdminPaymentListQuery = {};
  from = '';
  to = '';
  amountMin = '';
  amountMax = '';
  pageSize = 25;
  readonly page = signal<AdminPaymentPageResource | null>(null);
  readonly loading = signal(false);
  readonly problem = signal<ApiProblem | null>(null);

  ngOnInit(): void {
    void this.search(1);
  }

  paged(event: PageEvent): void {
    this.pageSize = event.pageSize;
    void this.search(event.pageIndex + 1);
  }

  reset(): void {
    this.filters = {};
    this.from = this.to = this.amountMin = this.amountMax = '';
    void this.search(1);
  }

  async search(pageNumber: number): Promise<void> {
    this.problem.set(null);
    const query: AdminPaymentListQuery = { ...this.filters, page: pageNumber, page_size: this.pageSize };
    // Amount filters are typed in major units of whatever currency; the list compares minor units (USD-like exponent).
    for (const [text, key] of [
      [this.amountMin, 'amount_min'],
      [this.amountMax, 'amount_max'],
    ] as const) {
      if (!text) continue;
      const parsed = parseMoney(text, 'USD');
      if ('error' in parsed)
        return this.problem.set({
          status: 400,
          code: 'parameter_invalid',
          message: parsed.error,
          param: key,
        });
      query[key] = parsed.minor;
    }
    if (this.from) query.from = new Date(`${this.from}T00:00:00`).toISOString();
    if (this.to) query.to = new Date(new Date(`${this.to}T00:00:00`).getTime() + 86_400_000).toISOString();
    this.loading.set(true);
    try {
      this.page.set(await this.api.payments(query));
    } catch (error) {
      this.problem.set(toProblem(error));
    } finally {
      this.loading.set(false);
    }
  }
}
