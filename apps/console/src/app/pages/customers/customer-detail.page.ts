import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, input, signal, type OnInit } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { AdminCustomerDetailResource, SavedPaymentMethodResource } from '@payrail/api-contract';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { CustomersApi } from '../../core/customers.api';
import { MoneyPipe } from '../../shared/money.pipe';
import { ProblemComponent } from '../../shared/problem.component';
import { StatusChipComponent } from '../../shared/status-chip.component';
import { TestDataBadgeComponent } from '../../shared/test-data-badge.component';

/** One customer: contact details, the cards saved at the gateways, and its recent payments. */
@Component({
  selector: 'pr-customer-detail',
  imports: [RouterLink, DatePipe, MoneyPipe, StatusChipComponent, TestDataBadgeComponent, ProblemComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './customer-detail.page.scss',
  templateUrl: './customer-detail.page.html',
})
export class CustomerDetailPage implements OnInit {
  private readonly api = inject(CustomersApi);
  readonly id = input.required<string>();
  readonly detail = signal<AdminCustomerDetailResource | null>(null);
  readonly problem = signal<ApiProblem | null>(null);

  async ngOnInit(): Promise<void> {
    try {
      this.detail.set(await this.api.customer(this.id()));
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  expiry(m: SavedPaymentMethodResource): string {
    const { exp_month: month, exp_year: year } = m.card;
    return month && year ? `${String(month).padStart(2, '0')}/${year}` : '—';
  }
}
