import { ChangeDetectionStrategy, Component, inject, input, signal, type OnInit } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Router } from '@angular/router';
import { toProblem } from '../../core/api-problem';
import type { MfaEnrollResponse } from '@payrail/api-contract';
import { AuthApi } from '../../core/auth.api';
import { SessionStore } from '../../core/session.store';
import { safeReturn } from './login.page';

/** First sign-in of a role that needs MFA: scan, confirm with a code, keep the recovery codes. */
@Component({
  selector: 'pr-mfa-enrol',
  imports: [FormsModule, MatFormFieldModule, MatInputModule, MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './auth-layout.scss',
  styles: `
    .qr {
      display: block;
      margin: 0 auto 12px;
      width: 200px;
      height: 200px;
    }
    .codes {
      columns: 2;
      font-family: ui-monospace, monospace;
      padding: 12px 24px;
      background: var(--mat-sys-surface-container);
      border-radius: 8px;
    }
    .secret {
      word-break: break-all;
    }
  `,
  template: `
    <main class="panel">
      <div class="brand"><img src="favicon.svg" alt="" />Payrail console</div>
      <h1>Set up two-step verification</h1>
      @if (error(); as message) {
        <div class="notice error" role="alert" data-testid="mfa-error">{{ message }}</div>
      }
      @if (recoveryCodes(); as codes) {
        <p>
          Two-step verification is on. Keep these recovery codes somewhere safe: each signs you in once if you
          lose your phone. They are not shown again.
        </p>
        <ul class="codes" data-testid="recovery-codes" aria-label="Recovery codes">
          @for (c of codes; track c) {
            <li>{{ c }}</li>
          }
        </ul>
        <button mat-flat-button type="button" (click)="done()">I have saved them, continue</button>
      } @else if (enrolment(); as e) {
        <p>Scan this code with an authenticator app, then enter the 6-digit code it shows.</p>
        <img class="qr" [src]="e.qr_data_url" alt="QR code for your authenticator app" />
        <p class="muted">
          Cannot scan? Enter this key:
          <span class="mono secret" data-testid="mfa-secret">{{ e.secret }}</span>
        </p>
        <form (ngSubmit)="confirm()">
          <mat-form-field appearance="outline">
            <mat-label>Code from the app</mat-label>
            <input
              matInput
              name="code"
              autocomplete="one-time-code"
              inputmode="numeric"
              required
              [(ngModel)]="code"
            />
          </mat-form-field>
          <button mat-flat-button type="submit" [disabled]="busy() || !code.trim()">Turn on</button>
        </form>
      } @else {
        <p class="muted">Preparing…</p>
      }
    </main>
  `,
})
export class MfaEnrolPage implements OnInit {
  private readonly auth = inject(AuthApi);
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  readonly returnTo = input<string | undefined>();
  code = '';
  readonly enrolment = signal<MfaEnrollResponse | null>(null);
  readonly recoveryCodes = signal<string[] | null>(null);
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);

  async ngOnInit(): Promise<void> {
    try {
      this.enrolment.set(await this.auth.startEnrolment());
    } catch (error) {
      const problem = toProblem(error);
      if (problem.status === 401) await this.router.navigate(['/login'], { queryParams: { expired: 1 } });
      else this.error.set(problem.message);
    }
  }

  async confirm(): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      const { recovery_codes } = await this.auth.confirmEnrolment(this.code.replace(/\s/g, ''));
      this.recoveryCodes.set(recovery_codes);
      await this.session.load(true);
    } catch (error) {
      this.error.set(toProblem(error).message);
    } finally {
      this.code = '';
      this.busy.set(false);
    }
  }

  done(): void {
    void this.router.navigateByUrl(safeReturn(this.returnTo()));
  }
}
