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
  template: `
    <main class="panel">
      <div class="brand"><img src="favicon.svg" alt="" />Payrail console</div>
      <h1>Two-step verification</h1>
      <p class="muted">Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
      @if (error(); as message) {
        <div class="notice error" role="alert" data-testid="mfa-error">{{ message }}</div>
      }
      <form (ngSubmit)="submit()">
        <mat-form-field appearance="outline">
          <mat-label>Code</mat-label>
          <input
            matInput
            name="code"
            autocomplete="one-time-code"
            inputmode="numeric"
            required
            [(ngModel)]="code"
          />
        </mat-form-field>
        <button mat-flat-button type="submit" [disabled]="busy() || !code.trim()">Verify</button>
      </form>
      <p><button mat-button type="button" (click)="cancel()">Use another account</button></p>
    </main>
  `,
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
