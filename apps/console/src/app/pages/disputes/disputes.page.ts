import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal, type OnInit } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import type { AdminDisputeResource } from '@payrail/api-contract';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { CustomersApi, type DisputeQuery } from '../../core/customers.api';
import { MoneyPipe } from '../../shared/money.pipe';
import { ProblemComponent } from '../../shared/problem.component';
import { StatusChipComponent } from '../../shared/status-chip.component';
import { TestDataBadgeComponent } from '../../shared/test-data-badge.component';
import { byDeadline, timeLeft } from './deadline';

/** Disputes, the nearest evidence deadline first, with the time left to answer. */
@Component({
  selector: 'pr-disputes',
  imports: [
    FormsModule,
    RouterLink,
    DatePipe,
    MoneyPipe,
    MatFormFieldModule,
    MatSelectModule,
    MatButtonModule,
    StatusChipComponent,
    TestDataBadgeComponent,
    ProblemComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './disputes.page.scss',
  templateUrl: './disputes.page.html',
})
export class DisputesPage implements OnInit {
  private readonly api = inject(CustomersApi);
  readonly statuses = ['needs_response', 'under_review', 'won', 'lost'] as const;
  filters: Pick<DisputeQuery, 'status' | 'mode'> = {};
  private readonly loaded = signal<AdminDisputeResource[]>([]);
  private readonly now = signal(Date.now());
  readonly disputes = computed(() => byDeadline(this.loaded()));
  readonly hasMore = signal(false);
  readonly loading = signal(false);
  readonly problem = signal<ApiProblem | null>(null);

  ngOnInit(): void {
    void this.search();
  }

  left(d: AdminDisputeResource): string {
    return d.status === 'needs_response' ? timeLeft(d.evidence_due_by, this.now()) : '—';
  }

  async search(): Promise<void> {
    this.problem.set(null);
    this.loading.set(true);
    try {
      const page = await this.api.disputes({ ...this.filters, limit: 100 });
      this.now.set(Date.now());
      this.loaded.set(page.data);
      this.hasMore.set(page.has_more);
    } catch (error) {
      this.problem.set(toProblem(error));
    } finally {
      this.loading.set(false);
    }
  }
}
