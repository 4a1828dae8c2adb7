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
  styleUrls: ['./auth-layout.scss', './mfa-enrol.page.scss'],
  templateUrl: './mfa-enrol.page.html',
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
