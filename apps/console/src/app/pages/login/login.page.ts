import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Router } from '@angular/router';
import { toProblem } from '../../core/api-problem';
import { AuthApi } from '../../core/auth.api';
import { SessionStore } from '../../core/session.store';

@Component({
  selector: 'pr-login',
  imports: [FormsModule, MatFormFieldModule, MatInputModule, MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './auth-layout.scss',
  templateUrl: './login.page.html',
})
export class LoginPage {
  private readonly auth = inject(AuthApi);
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  /** Query parameters, bound by the router. */
  readonly expired = input<string | undefined>();
  readonly returnTo = input<string | undefined>();
  email = '';
  password = '';
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);

  async submit(): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      const result = await this.auth.login(this.email.trim(), this.password);
      this.password = '';
      this.session.expired.set(false);
      await this.session.load(true);
      if (result === 'mfa_enrol')
        await this.router.navigate(['/login/mfa/enrol'], { queryParams: { returnTo: this.returnTo() } });
      else if (result === 'mfa_verify')
        await this.router.navigate(['/login/mfa'], { queryParams: { returnTo: this.returnTo() } });
      else await this.router.navigateByUrl(safeReturn(this.returnTo()));
    } catch (error) {
      const problem = toProblem(error);
      this.error.set(
        problem.status === 401 ? 'That email and password do not match an account.' : problem.message,
      );
    } finally {
      this.busy.set(false);
    }
  }
}

/** Only a path inside the console, never another origin. */
export function safeReturn(returnTo: string | undefined): string {
  return returnTo && returnTo.startsWith('/') && !returnTo.startsWith('//') && !returnTo.startsWith('/login')
    ? returnTo
    : '/';
}
