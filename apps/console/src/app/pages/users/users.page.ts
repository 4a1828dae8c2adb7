import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal, type OnInit } from '@angular/core';
import type { AdminUserResource } from '@payrail/api-contract';
import { AdminApi } from '../../core/admin.api';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { ProblemComponent } from '../../shared/problem.component';

@Component({
  selector: 'pr-users',
  imports: [DatePipe, ProblemComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    td,
    th {
      padding: 8px;
      text-align: left;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
  `,
  template: `
    <div class="page">
      <h1>Users and roles</h1>
      <pr-problem [problem]="problem()" />
      <section class="card">
        <table class="data" aria-label="Users">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Roles</th>
              <th scope="col">MFA</th>
              <th scope="col">Status</th>
              <th scope="col">Last sign-in</th>
            </tr>
          </thead>
          <tbody>
            @for (u of users(); track u.id) {
              <tr data-testid="user-row">
                <td>
                  {{ u.name }}
                  <div class="muted">{{ u.email }}</div>
                </td>
                <td>
                  @for (r of u.roles; track r.id) {
                    <div>
                      {{ r.role.replace('_', ' ') }}
                      <span class="muted">{{ r.merchant_id ?? 'all merchants' }}</span>
                    </div>
                  }
                </td>
                <td>{{ u.mfa_enabled ? 'on' : 'off' }}</td>
                <td>
                  <span
                    class="status"
                    [class.ok]="u.status === 'active' && !u.locked_until"
                    [class.bad]="u.status !== 'active' || u.locked_until"
                    >{{
                      u.locked_until ? 'locked until ' + (u.locked_until | date: 'short') : u.status
                    }}</span
                  >
                </td>
                <td>{{ u.last_login_at ? (u.last_login_at | date: 'short') : 'never' }}</td>
              </tr>
            }
          </tbody>
        </table>
      </section>
    </div>
  `,
})
export class UsersPage implements OnInit {
  private readonly api = inject(AdminApi);
  readonly users = signal<AdminUserResource[]>([]);
  readonly problem = signal<ApiProblem | null>(null);

  async ngOnInit(): Promise<void> {
    try {
      this.users.set((await this.api.users()).data);
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }
}
