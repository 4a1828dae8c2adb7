import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal, type OnInit } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import type { AuditListQuery, AuditPageResource, AuditVerificationResource } from '@payrail/api-contract';
import { AdminApi } from '../../core/admin.api';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { SessionStore } from '../../core/session.store';
import { ProblemComponent } from '../../shared/problem.component';

@Component({
  selector: 'pr-audit',
  imports: [
    FormsModule,
    DatePipe,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    ProblemComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    td,
    th {
      padding: 6px 8px;
      text-align: left;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      font-size: 14px;
    }
  `,
  template: `
    <div class="page">
      <h1>Audit log</h1>
      <section class="card">
        <form class="row" (ngSubmit)="search()" aria-label="Filter the audit log">
          <mat-form-field
            ><mat-label>Action</mat-label
            ><input matInput name="action" [(ngModel)]="query.action" placeholder="auth.login"
          /></mat-form-field>
          <mat-form-field>
            <mat-label>Outcome</mat-label>
            <mat-select name="outcome" [(ngModel)]="query.outcome"
              ><mat-option [value]="undefined">Any</mat-option><mat-option value="success">success</mat-option
              ><mat-option value="failure">failure</mat-option></mat-select
            >
          </mat-form-field>
          <mat-form-field
            ><mat-label>Resource id</mat-label
            ><input matInput name="resource_id" [(ngModel)]="query.resource_id"
          /></mat-form-field>
          <button mat-flat-button type="submit">Search</button>
          <span class="grow"></span>
          @if (canVerify()) {
            <button mat-stroked-button type="button" (click)="verify()">Verify the chain</button>
          }
          @if (canExport()) {
            <a mat-stroked-button href="/admin/audit/export?format=csv" download>Export CSV</a>
            <a mat-stroked-button href="/admin/audit/export?format=jsonl" download>Export JSON lines</a>
          }
        </form>
        @if (verification(); as v) {
          <p role="status" data-testid="verification" [class.error-text]="!v.intact">
            {{
              v.intact
                ? 'Intact: ' + v.count + ' entries verified.'
                : 'Broken at entry ' + v.first_broken_sequence + ': ' + v.reason
            }}
          </p>
        }
        <pr-problem [problem]="problem()" />
      </section>
      <section class="card">
        <table class="data" aria-label="Audit entries">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">When</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Outcome</th>
              <th scope="col">Resource</th>
              <th scope="col">From</th>
            </tr>
          </thead>
          <tbody>
            @for (e of page()?.data ?? []; track e.id) {
              <tr>
                <td>{{ e.sequence }}</td>
                <td>{{ e.occurred_at | date: 'short' }}</td>
                <td>
                  {{ e.actor_type }} <span class="mono muted">{{ e.actor_id }}</span>
                </td>
                <td class="mono">{{ e.action }}</td>
                <td>
                  <span
                    class="status"
                    [class.ok]="e.outcome === 'success'"
                    [class.bad]="e.outcome === 'failure'"
                    >{{ e.outcome }}</span
                  >
                </td>
                <td>
                  {{ e.resource_type }} <span class="mono muted">{{ e.resource_id }}</span>
                </td>
                <td class="muted">{{ e.origin_ip }}</td>
              </tr>
            }
          </tbody>
        </table>
        @if (page()?.next_cursor; as cursor) {
          <button mat-button type="button" (click)="search(cursor)">Older entries</button>
        }
      </section>
    </div>
  `,
})
export class AuditPage implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly session = inject(SessionStore);
  readonly page = signal<AuditPageResource | null>(null);
  readonly verification = signal<AuditVerificationResource | null>(null);
  readonly problem = signal<ApiProblem | null>(null);
  readonly canVerify = computed(() => (this.session.me(), this.session.can('verify', 'AuditEntry')));
  readonly canExport = computed(() => (this.session.me(), this.session.can('export', 'AuditEntry')));
  query: AuditListQuery = {};

  ngOnInit(): void {
    void this.search();
  }

  async search(cursor?: string): Promise<void> {
    this.problem.set(null);
    try {
      this.page.set(await this.api.audit({ ...this.query, cursor, limit: 50, order: 'desc' }));
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  async verify(): Promise<void> {
    try {
      this.verification.set(await this.api.verifyAudit());
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }
}
