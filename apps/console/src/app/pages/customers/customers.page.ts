import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal, type OnInit } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import type { AdminCustomerResource } from '@payrail/api-contract';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { CustomersApi, type CustomerQuery } from '../../core/customers.api';
import { ProblemComponent } from '../../shared/problem.component';
import { TestDataBadgeComponent } from '../../shared/test-data-badge.component';

const PAGE = 25;

/** The merchants' customers, newest first, searchable by id, email or name, page after page. */
@Component({
  selector: 'pr-customers',
  imports: [
    FormsModule,
    RouterLink,
    DatePipe,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatButtonModule,
    TestDataBadgeComponent,
    ProblemComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './customers.page.scss',
  templateUrl: './customers.page.html',
})
export class CustomersPage implements OnInit {
  private readonly api = inject(CustomersApi);
  filters: Pick<CustomerQuery, 'q' | 'mode'> = {};
  readonly customers = signal<AdminCustomerResource[]>([]);
  readonly hasMore = signal(false);
  readonly loading = signal(false);
  readonly problem = signal<ApiProblem | null>(null);

  ngOnInit(): void {
    void this.search();
  }

  reset(): void {
    this.filters = {};
    void this.search();
  }

  /** Loads the first page, or with `more` the page after the last customer shown. */
  async search(more = false): Promise<void> {
    this.problem.set(null);
    this.loading.set(true);
    const shown = more ? this.customers() : [];
    try {
      const page = await this.api.customers({
        ...this.filters,
        limit: PAGE,
        starting_after: more ? shown[shown.length - 1]?.id : undefined,
      });
      this.customers.set([...shown, ...page.data]);
      this.hasMore.set(page.has_more);
    } catch (error) {
      this.problem.set(toProblem(error));
    } finally {
      this.loading.set(false);
    }
  }
}
