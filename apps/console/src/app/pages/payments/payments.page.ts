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
  styleUrl: './payments.page.scss',
  templateUrl: './payments.page.html',
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
