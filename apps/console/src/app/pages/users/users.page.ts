import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal, type OnInit } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import type {
  AdminRole,
  AdminUserResource,
  MerchantResource,
  RoleAssignmentResource,
} from '@payrail/api-contract';
import { AdminApi } from '../../core/admin.api';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { SessionStore } from '../../core/session.store';
import { ProblemComponent } from '../../shared/problem.component';

export const ROLE_CHOICES: ReadonlyArray<{ role: AdminRole; label: string; hint: string }> = [
  { role: 'owner', label: 'Owner', hint: 'everything' },
  { role: 'admin', label: 'Admin', hint: 'users, keys, connections, webhooks' },
  { role: 'platform_engineer', label: 'Platform engineer', hint: 'plugins, connections, webhooks, jobs' },
  { role: 'finance', label: 'Finance', hint: 'payments, refunds, exports' },
  { role: 'support', label: 'Support', hint: 'reads payments and deliveries' },
  { role: 'auditor', label: 'Auditor', hint: 'reads everything, verifies the audit trail' },
];
/** The merchant select's value for a grant across all merchants. */
const ALL = '*';

/** The password policy the API applies, checked first so the user hears it before a round trip. */
export function passwordProblem(password: string): string | null {
  if (password === '') return null;
  if (password.length < 12) return 'The password needs at least 12 characters.';
  return null;
}

/** Users, their role assignments per merchant, and the account actions an admin takes for them. */
@Component({
  selector: 'pr-users',
  imports: [
    DatePipe,
    FormsModule,
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
      padding: 8px;
      text-align: left;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      vertical-align: top;
    }
    tr.selected {
      background: var(--mat-sys-secondary-container);
    }
    form.grid {
      display: grid;
      grid-template-columns: 1fr 1fr 1fr;
      gap: 0 16px;
    }
    .full {
      grid-column: 1 / -1;
    }
    .once {
      background: var(--mat-sys-tertiary-container);
      padding: 12px;
      border-radius: 8px;
      margin: 12px 0;
    }
    .once code {
      word-break: break-all;
      font-size: 15px;
    }
    .assignment {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    .danger {
      border: 1px solid var(--mat-sys-error);
      border-radius: 8px;
      padding: 8px 12px;
      margin: 8px 0;
    }
  `,
  template: `
    <div class="page">
      <div class="row">
        <h1 class="grow">Users and roles</h1>
        @if (canCreate()) {
          <button mat-flat-button type="button" (click)="openCreate()">New user</button>
        }
      </div>
      <pr-problem [problem]="problem()" />

      @if (createOpen()) {
        <section class="card" aria-label="New user">
          <h2>New user</h2>
          <form class="grid" (ngSubmit)="create()" aria-label="New user">
            <mat-form-field
              ><mat-label>Email</mat-label
              ><input matInput name="email" type="email" required autocomplete="off" [(ngModel)]="email"
            /></mat-form-field>
            <mat-form-field
              ><mat-label>Full name</mat-label><input matInput name="name" [(ngModel)]="name"
            /></mat-form-field>
            <mat-form-field>
              <mat-label>Initial password</mat-label>
              <input
                matInput
                name="password"
                type="password"
                autocomplete="new-password"
                [(ngModel)]="password"
              />
              <mat-hint>At least 12 characters, not a common one. Empty: one is generated.</mat-hint>
            </mat-form-field>
            <mat-form-field>
              <mat-label>Role</mat-label>
              <mat-select name="role" [(ngModel)]="newRole" required>
                @for (r of roleChoices; track r.role) {
                  <mat-option [value]="r.role">{{ r.label }} · {{ r.hint }}</mat-option>
                }
              </mat-select>
            </mat-form-field>
            <mat-form-field>
              <mat-label>On merchant</mat-label>
              <mat-select name="merchant" [(ngModel)]="newMerchant" required>
                @if (seesAll()) {
                  <mat-option [value]="all">All merchants</mat-option>
                }
                @for (m of merchants(); track m.id) {
                  <mat-option [value]="m.id">{{ m.name }}</mat-option>
                }
              </mat-select>
            </mat-form-field>
            <div class="full"><pr-problem [problem]="createProblem()" /></div>
            <div class="full row">
              <button mat-flat-button type="submit" [disabled]="busy() || !email.trim()">Create user</button>
              <button mat-button type="button" (click)="createOpen.set(false)">Cancel</button>
            </div>
          </form>
        </section>
      }
      @if (generated(); as g) {
        <div class="once card" role="status" data-testid="generated-password">
          <p>
            {{ g.email }} can sign in with this password. Hand it over safely: it is shown only once, and they
            should change it.
          </p>
          <code>{{ g.password }}</code>
          <div class="row">
            <button mat-button type="button" (click)="generated.set(null)">Done</button>
          </div>
        </div>
      }

      <section class="card">
        <table class="data" aria-label="Users">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Roles</th>
              <th scope="col">MFA</th>
              <th scope="col">Status</th>
              <th scope="col">Last sign-in</th>
              <th scope="col"><span class="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            @for (u of users(); track u.id) {
              <tr data-testid="user-row" [class.selected]="selected()?.id === u.id">
                <td>
                  {{ u.name }}
                  <div class="muted">{{ u.email }}</div>
                </td>
                <td>
                  @for (r of u.roles; track r.id) {
                    <div>
                      {{ roleLabel(r.role) }}
                      <span class="muted">{{ merchantName(r.merchant_id) }}</span>
                    </div>
                  }
                </td>
                <td>{{ u.mfa_enabled ? 'on' : 'off' }}</td>
                <td>
                  <span
                    class="status"
                    data-testid="user-status"
                    [class.ok]="u.status === 'active' && !u.locked_until"
                    [class.bad]="u.status !== 'active' || u.locked_until"
                    >{{
                      u.locked_until ? 'locked until ' + (u.locked_until | date: 'short') : u.status
                    }}</span
                  >
                </td>
                <td>{{ u.last_login_at ? (u.last_login_at | date: 'short') : 'never' }}</td>
                <td>
                  @if (canUpdate() || canGrant()) {
                    <button
                      mat-button
                      type="button"
                      [attr.aria-label]="'Manage ' + u.email"
                      [attr.aria-expanded]="selected()?.id === u.id"
                      (click)="select(u)"
                    >
                      Manage
                    </button>
                  }
                </td>
              </tr>
            }
          </tbody>
        </table>
      </section>

      @if (selected(); as u) {
        <section class="card" [attr.aria-label]="'Manage ' + u.email" data-testid="manage-user">
          <h2>
            {{ u.name }} <span class="muted">{{ u.email }}</span>
          </h2>
          <pr-problem [problem]="manageProblem()" />
          @if (notice()) {
            <p role="status" data-testid="manage-notice">{{ notice() }}</p>
          }
          <h3>Roles</h3>
          @for (r of u.roles; track r.id) {
            <div class="assignment" data-testid="assignment">
              <span>{{ roleLabel(r.role) }} on {{ merchantName(r.merchant_id) }}</span>
              @if (canRevoke()) {
                <button
                  mat-button
                  type="button"
                  [attr.aria-label]="'Revoke ' + roleLabel(r.role) + ' on ' + merchantName(r.merchant_id)"
                  (click)="revoke(u, r)"
                >
                  Revoke
                </button>
              }
            </div>
          } @empty {
            <p class="muted">No roles: this user can sign in but sees nothing.</p>
          }
          @if (canGrant()) {
            <form class="row" (ngSubmit)="grant(u)" aria-label="Grant a role">
              <mat-form-field>
                <mat-label>Grant role</mat-label>
                <mat-select name="grant-role" [(ngModel)]="grantRole" required>
                  @for (r of roleChoices; track r.role) {
                    <mat-option [value]="r.role">{{ r.label }}</mat-option>
                  }
                </mat-select>
              </mat-form-field>
              <mat-form-field>
                <mat-label>Grant on merchant</mat-label>
                <mat-select name="grant-merchant" [(ngModel)]="grantMerchant" required>
                  @if (seesAll()) {
                    <mat-option [value]="all">All merchants</mat-option>
                  }
                  @for (m of merchants(); track m.id) {
                    <mat-option [value]="m.id">{{ m.name }}</mat-option>
                  }
                </mat-select>
              </mat-form-field>
              <button mat-stroked-button type="submit" [disabled]="busy()">Grant</button>
            </form>
          }
          @if (canUpdate()) {
            <h3>Account</h3>
            <div class="row">
              @if (u.status === 'active') {
                <button mat-stroked-button type="button" (click)="confirming.set('disable')">Disable</button>
              } @else {
                <button mat-stroked-button type="button" (click)="setEnabled(u, true)">Enable</button>
              }
              <button mat-stroked-button type="button" (click)="confirming.set('password')">
                Reset password
              </button>
              @if (u.mfa_enabled) {
                <button mat-stroked-button type="button" (click)="confirming.set('mfa')">Reset MFA</button>
              }
            </div>
            @if (confirming(); as c) {
              <div class="danger" role="alertdialog" aria-label="Confirm" data-testid="confirm">
                <p>{{ confirmText(c, u) }}</p>
                <div class="row">
                  <button mat-flat-button type="button" [disabled]="busy()" (click)="confirm(c, u)">
                    {{ confirmLabels[c] }}
                  </button>
                  <button mat-button type="button" (click)="confirming.set(null)">Cancel</button>
                </div>
              </div>
            }
            @if (resetToken(); as t) {
              <div class="once" role="status" data-testid="reset-token">
                <p>
                  Give {{ u.email }} this one-time reset token out of band; it works once, until
                  {{ t.expires_at | date: 'short' }}, at the sign-in page's password reset.
                </p>
                <code>{{ t.token }}</code>
              </div>
            }
          }
        </section>
      }
    </div>
  `,
})
export class UsersPage implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly session = inject(SessionStore);
  readonly roleChoices = ROLE_CHOICES;
  readonly all = ALL;
  readonly users = signal<AdminUserResource[]>([]);
  readonly merchants = signal<MerchantResource[]>([]);
  readonly problem = signal<ApiProblem | null>(null);
  readonly createProblem = signal<ApiProblem | null>(null);
  readonly manageProblem = signal<ApiProblem | null>(null);
  readonly createOpen = signal(false);
  readonly busy = signal(false);
  readonly generated = signal<{ email: string; password: string } | null>(null);
  readonly selectedId = signal<string | null>(null);
  readonly selected = computed(() => this.users().find((u) => u.id === this.selectedId()) ?? null);
  readonly notice = signal('');
  readonly confirming = signal<'disable' | 'password' | 'mfa' | null>(null);
  readonly resetToken = signal<{ token: string; expires_at: string } | null>(null);
  readonly confirmLabels = {
    disable: 'Confirm disable',
    password: 'Issue reset token',
    mfa: 'Confirm MFA reset',
  };
  readonly canCreate = computed(() => (this.session.me(), this.session.can('create', 'User')));
  readonly canUpdate = computed(() => (this.session.me(), this.session.can('update', 'User')));
  readonly canGrant = computed(() => (this.session.me(), this.session.can('create', 'RoleAssignment')));
  readonly canRevoke = computed(() => (this.session.me(), this.session.can('delete', 'RoleAssignment')));
  readonly seesAll = computed(() => this.session.me()?.merchant_ids === 'all');
  email = '';
  name = '';
  password = '';
  newRole: AdminRole = 'support';
  newMerchant = '';
  grantRole: AdminRole = 'support';
  grantMerchant = '';

  async ngOnInit(): Promise<void> {
    await this.load();
    const merchants = (await this.api.merchants().catch(() => ({ data: [] as MerchantResource[] }))).data;
    this.merchants.set(merchants);
    const first = this.seesAll() ? ALL : (merchants[0]?.id ?? '');
    this.newMerchant = first;
    this.grantMerchant = first;
  }

  roleLabel(role: AdminRole): string {
    return ROLE_CHOICES.find((r) => r.role === role)?.label ?? role;
  }

  merchantName(id: string | null): string {
    if (id === null) return 'all merchants';
    return this.merchants().find((m) => m.id === id)?.name ?? id;
  }

  openCreate(): void {
    this.createProblem.set(null);
    this.createOpen.set(true);
  }

  async create(): Promise<void> {
    this.createProblem.set(null);
    const weak = passwordProblem(this.password);
    if (weak)
      return this.createProblem.set({
        status: 400,
        code: 'password_policy',
        message: weak,
        param: 'password',
      });
    this.busy.set(true);
    try {
      const email = this.email.trim();
      const created = await this.api.createUser({
        email,
        name: this.name.trim() || undefined,
        password: this.password || undefined,
        roles: [{ role: this.newRole, merchant_id: this.newMerchant === ALL ? null : this.newMerchant }],
      });
      this.generated.set(created.generated_password ? { email, password: created.generated_password } : null);
      this.email = this.name = this.password = '';
      this.createOpen.set(false);
      await this.load();
    } catch (error) {
      this.createProblem.set(toProblem(error));
    } finally {
      this.busy.set(false);
    }
  }

  select(user: AdminUserResource): void {
    this.selectedId.set(this.selectedId() === user.id ? null : user.id);
    this.manageProblem.set(null);
    this.notice.set('');
    this.confirming.set(null);
    this.resetToken.set(null);
  }

  confirmText(action: 'disable' | 'password' | 'mfa', user: AdminUserResource): string {
    switch (action) {
      case 'disable':
        return `Disable ${user.email}? They are signed out everywhere at once and cannot sign in until enabled again.`;
      case 'password':
        return `Issue a one-time password-reset token for ${user.email}? Their current password keeps working until they use it.`;
      case 'mfa':
        return `Reset two-step verification for ${user.email}? They enrol a new authenticator at their next sign-in.`;
    }
  }

  async confirm(action: 'disable' | 'password' | 'mfa', user: AdminUserResource): Promise<void> {
    if (action === 'disable') return this.setEnabled(user, false);
    await this.act(async () => {
      if (action === 'password') {
        const issued = await this.api.issuePasswordReset(user.id);
        this.resetToken.set({ token: issued.reset_token, expires_at: issued.expires_at });
        return 'Reset token issued.';
      }
      await this.api.resetMfa(user.id);
      return `Two-step verification reset: ${user.email} enrols again at next sign-in.`;
    });
  }

  setEnabled(user: AdminUserResource, enabled: boolean): Promise<void> {
    return this.act(async () => {
      const updated = await this.api.setUserEnabled(user.id, enabled);
      if (enabled) return `${user.email} is enabled and can sign in again.`;
      const ended = updated.sessions_ended ?? 0;
      return `${user.email} is disabled; ${ended} session${ended === 1 ? '' : 's'} ended.`;
    });
  }

  grant(user: AdminUserResource): Promise<void> {
    return this.act(async () => {
      await this.api.grantRole(
        user.id,
        this.grantRole,
        this.grantMerchant === ALL ? null : this.grantMerchant,
      );
      return `${this.roleLabel(this.grantRole)} granted on ${this.merchantName(this.grantMerchant === ALL ? null : this.grantMerchant)}.`;
    });
  }

  revoke(user: AdminUserResource, assignment: RoleAssignmentResource): Promise<void> {
    return this.act(async () => {
      await this.api.revokeRole(user.id, assignment.id);
      return `${this.roleLabel(assignment.role)} on ${this.merchantName(assignment.merchant_id)} revoked.`;
    });
  }

  /** Runs one account action: its outcome said in words, or the API's refusal shown as it is. */
  private async act(run: () => Promise<string>): Promise<void> {
    this.busy.set(true);
    this.manageProblem.set(null);
    this.notice.set('');
    this.resetToken.set(null);
    try {
      const notice = await run();
      this.confirming.set(null);
      await this.load();
      this.notice.set(notice);
    } catch (error) {
      this.manageProblem.set(toProblem(error));
    } finally {
      this.busy.set(false);
    }
  }

  private async load(): Promise<void> {
    try {
      this.users.set((await this.api.users()).data);
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }
}
