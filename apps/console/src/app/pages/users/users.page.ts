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
  styleUrl: './users.page.scss',
  templateUrl: './users.page.html',
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
