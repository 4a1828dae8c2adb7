import { DatePipe, DecimalPipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  signal,
  type OnInit,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import type { AdminDisputeDetailResource } from '@payrail/api-contract';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { CustomersApi } from '../../core/customers.api';
import { SessionStore } from '../../core/session.store';
import { MoneyPipe } from '../../shared/money.pipe';
import { ProblemComponent } from '../../shared/problem.component';
import { StatusChipComponent } from '../../shared/status-chip.component';
import { TestDataBadgeComponent } from '../../shared/test-data-badge.component';
import { timeLeft } from './deadline';
import { evidenceFileProblem } from './evidence-file';

/** One dispute: its deadline, the evidence files sent, and finance answering it. */
@Component({
  selector: 'pr-dispute-detail',
  imports: [
    FormsModule,
    RouterLink,
    DatePipe,
    DecimalPipe,
    MoneyPipe,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    StatusChipComponent,
    TestDataBadgeComponent,
    ProblemComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './disputes.page.scss',
  templateUrl: './dispute-detail.page.html',
})
export class DisputeDetailPage implements OnInit {
  private readonly api = inject(CustomersApi);
  private readonly session = inject(SessionStore);
  readonly id = input.required<string>();
  readonly detail = signal<AdminDisputeDetailResource | null>(null);
  readonly problem = signal<ApiProblem | null>(null);
  readonly fileProblem = signal<string | null>(null);
  readonly busy = signal(false);
  readonly categories = [
    { value: 'receipt', label: 'Receipt' },
    { value: 'shipping', label: 'Shipping or delivery' },
    { value: 'customer_communication', label: 'Customer communication' },
    { value: 'refund_policy', label: 'Refund policy' },
    { value: 'other', label: 'Other' },
  ];
  category = 'other';
  text = '';
  private chosen: File | null = null;

  readonly canAnswer = computed(() => {
    const d = this.detail();
    return (
      !!d &&
      d.dispute.status === 'needs_response' &&
      this.left() !== 'overdue' &&
      this.session.can('update', 'Dispute')
    );
  });
  readonly left = computed(() => {
    const d = this.detail();
    return d ? timeLeft(d.dispute.evidence_due_by, Date.now()) : '—';
  });

  async ngOnInit(): Promise<void> {
    await this.load();
  }

  private async load(): Promise<void> {
    try {
      this.detail.set(await this.api.dispute(this.id()));
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  choose(event: Event): void {
    const file = (event.target as HTMLInputElement).files?.[0] ?? null;
    this.chosen = file;
    this.fileProblem.set(file ? evidenceFileProblem(file) : null);
  }

  async upload(input: HTMLInputElement): Promise<void> {
    if (!this.chosen) {
      this.fileProblem.set('Choose a PDF, JPEG or PNG first.');
      return;
    }
    if (this.fileProblem()) return;
    this.problem.set(null);
    this.busy.set(true);
    try {
      await this.api.uploadEvidence(this.id(), this.chosen, this.category);
      this.chosen = null;
      input.value = '';
      await this.load();
    } catch (error) {
      this.problem.set(toProblem(error));
    } finally {
      this.busy.set(false);
    }
  }

  async submit(): Promise<void> {
    this.problem.set(null);
    this.busy.set(true);
    try {
      await this.api.submitEvidence(this.id(), this.text);
      this.text = '';
      await this.load();
    } catch (error) {
      this.problem.set(toProblem(error));
    } finally {
      this.busy.set(false);
    }
  }
}
