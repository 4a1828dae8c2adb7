import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Router } from '@angular/router';
import { toProblem } from '../../core/api-problem';
import { AuthApi } from '../../core/auth.api';
import { SessionStore } from '../../core/session.store';
import { safeReturn } from './login.page';

@Component({
  selector: 'pr-mfa-verify',
  imports: [FormsModule, MatFormFieldModule, MatInputModule, MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './auth-layout.scss',
  templateUrl: './mfa-verify.page.html',
})
export class MfaVerifyPage {
  private readonly auth = inject(AuthApi);
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  readonly returnTo = input<string | undefined>();
  code = '';
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);

  async submit(): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.auth.verify(this.code.replace(/\s/g, ''));
      await this.session.load(true);
      await this.router.navigateByUrl(safeReturn(this.returnTo()));
    } catch (error) {
      const problem = toProblem(error);
      this.error.set(
        problem.status === 401 && problem.code === 'session_required'
          ? 'Your sign-in expired. Start again.'
          : problem.message,
      );
    } finally {
      this.code = '';
      this.busy.set(false);
    }
  }

  cancel(): void {
    void this.session.logout();
  }
}
