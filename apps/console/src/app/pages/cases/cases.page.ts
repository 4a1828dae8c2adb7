import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal, type OnInit } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Router, RouterLink } from '@angular/router';
import type { CasePriorityValue, CaseSlaTargetResource, SupportCaseResource } from '@payrail/api-contract';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { SessionStore } from '../../core/session.store';
import { SupportApi } from '../../core/support.api';
import { ProblemComponent } from '../../shared/problem.component';

/** A target's timer in words: time left, or how far past due, or met/missed once settled. */
export function timer(t: CaseSlaTargetResource): string {
  if (t.state === 'met') return 'met';
  if (t.minutes_left === null) return t.state;
  const m = Math.abs(Math.round(t.minutes_left));
  const text = m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`;
  return t.minutes_left < 0 || t.state === 'missed' ? `missed by ${text}` : `${text} left`;
}

/** The running target that decides a case's place in the queue. */
export function currentTarget(c: SupportCaseResource): CaseSlaTargetResource {
  return c.first_responded_at ? c.sla.resolution : c.sla.first_response;
}

/** The case queue, the least SLA time left first, and opening a case by hand. */
@Component({
  selector: 'pr-cases',
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
  templateUrl: './cases.page.html',
})
export class CasesPage implements OnInit {
  private readonly api = inject(SupportApi);
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  readonly cases = signal<SupportCaseResource[]>([]);
  readonly problem = signal<ApiProblem | null>(null);
  readonly canCreate = computed(() => (this.session.me(), this.session.can('create', 'SupportCase')));
  readonly timer = timer;
  readonly current = currentTarget;
  subject = '';
  priority: CasePriorityValue = 'P3';
  merchantId = '';

  ngOnInit(): void {
    void this.load();
  }

  async load(): Promise<void> {
    try {
      this.cases.set((await this.api.cases({ limit: 100 })).data);
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  async open(): Promise<void> {
    this.problem.set(null);
    try {
      const c = await this.api.openCase({
        subject: this.subject,
        priority: this.priority,
        ...(this.merchantId ? { merchant_id: this.merchantId } : {}),
      });
      await this.router.navigate(['/cases', c.id]);
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }
}
