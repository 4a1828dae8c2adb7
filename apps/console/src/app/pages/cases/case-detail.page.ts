import { DatePipe } from '@angular/common';
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
import { RouterLink } from '@angular/router';
import type { CaseStatusValue, SupportCaseResource } from '@payrail/api-contract';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { SessionStore } from '../../core/session.store';
import { SupportApi } from '../../core/support.api';
import { ProblemComponent } from '../../shared/problem.component';
import { timer } from './cases.page';

/** One case: its SLA targets, the timeline with internal comments, escalation and status. */
@Component({
  selector: 'pr-case-detail',
  imports: [
    FormsModule,
    RouterLink,
    DatePipe,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    ProblemComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './cases.page.scss',
  templateUrl: './case-detail.page.html',
})
export class CaseDetailPage implements OnInit {
  private readonly api = inject(SupportApi);
  private readonly session = inject(SessionStore);
  readonly id = input.required<string>();
  readonly detail = signal<SupportCaseResource | null>(null);
  readonly problem = signal<ApiProblem | null>(null);
  readonly canUpdate = computed(() => (this.session.me(), this.session.can('update', 'SupportCase')));
  readonly timer = timer;
  readonly statuses: CaseStatusValue[] = ['open', 'pending', 'resolved', 'closed'];
  comment = '';
  reason = '';

  ngOnInit(): void {
    void this.load();
  }

  async addComment(): Promise<void> {
    await this.act(() => this.api.comment(this.id(), this.comment));
    this.comment = '';
  }

  async escalate(): Promise<void> {
    await this.act(() => this.api.escalate(this.id(), this.reason));
    this.reason = '';
  }

  setStatus(status: CaseStatusValue): Promise<void> {
    return this.act(() => this.api.updateCase(this.id(), { status }));
  }

  private async act(work: () => Promise<unknown>): Promise<void> {
    this.problem.set(null);
    try {
      await work();
      await this.load();
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  private async load(): Promise<void> {
    try {
      this.detail.set(await this.api.case(this.id()));
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }
}
