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
  styleUrl: './audit.page.scss',
  templateUrl: './audit.page.html',
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
