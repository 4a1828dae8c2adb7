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
import { MatButtonModule } from '@angular/material/button';
import { Router, RouterLink } from '@angular/router';
import type { IssueDetailResource, IssueStatusValue } from '@payrail/api-contract';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { SessionStore } from '../../core/session.store';
import { SupportApi } from '../../core/support.api';
import { ProblemComponent } from '../../shared/problem.component';
import { barHeights } from './issues.page';

/** One issue: its counts and trend, the article that explains it, the payments it touched. */
@Component({
  selector: 'pr-issue-detail',
  imports: [RouterLink, DatePipe, MatButtonModule, ProblemComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './issues.page.scss',
  templateUrl: './issue-detail.page.html',
})
export class IssueDetailPage implements OnInit {
  private readonly api = inject(SupportApi);
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  readonly id = input.required<string>();
  readonly issue = signal<IssueDetailResource | null>(null);
  readonly problem = signal<ApiProblem | null>(null);
  readonly bars = barHeights;
  readonly canUpdate = computed(() => (this.session.me(), this.session.can('update', 'Issue')));
  readonly canOpenCase = computed(() => (this.session.me(), this.session.can('create', 'SupportCase')));
  readonly statuses: IssueStatusValue[] = ['acknowledged', 'resolved', 'ignored', 'open'];

  ngOnInit(): void {
    void this.load();
  }

  async setStatus(status: IssueStatusValue): Promise<void> {
    try {
      await this.api.setIssueStatus(this.id(), status);
      await this.load();
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  async openCase(): Promise<void> {
    const i = this.issue();
    if (!i) return;
    try {
      const merchant = i.payments.data[0]?.merchant_id;
      const opened = await this.api.openCase({
        subject: i.title,
        priority: 'P2',
        issue_ids: [i.id],
        payment_ids: i.payments.data.slice(0, 5).map((p) => p.payment_id),
        ...(merchant ? { merchant_id: merchant } : {}),
      });
      await this.router.navigate(['/cases', opened.id]);
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  private async load(): Promise<void> {
    try {
      this.issue.set(await this.api.issue(this.id()));
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }
}
