import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal, type OnInit } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';
import type { IssueResource, IssueStatusValue } from '@payrail/api-contract';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { SupportApi } from '../../core/support.api';
import { ProblemComponent } from '../../shared/problem.component';

/** The height of a trend bar: the day's share of the busiest day. */
export function barHeights(trend: Array<{ count: number }>): number[] {
  const max = Math.max(1, ...trend.map((t) => t.count));
  return trend.map((t) => Math.round((t.count / max) * 100));
}

/** The issue log: failures grouped as they happened, with counts and a two-week trend. */
@Component({
  selector: 'pr-issues',
  imports: [FormsModule, RouterLink, DatePipe, MatButtonModule, ProblemComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './issues.page.scss',
  templateUrl: './issues.page.html',
})
export class IssuesPage implements OnInit {
  private readonly api = inject(SupportApi);
  readonly issues = signal<IssueResource[]>([]);
  readonly problem = signal<ApiProblem | null>(null);
  readonly bars = barHeights;
  status: IssueStatusValue | '' = '';
  gateway = '';

  ngOnInit(): void {
    void this.load();
  }

  async load(): Promise<void> {
    try {
      this.issues.set(
        (await this.api.issues({ status: this.status, gateway: this.gateway, limit: 100 })).data,
      );
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }
}
