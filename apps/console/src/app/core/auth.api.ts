import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import type { AdminMeResponse, MfaConfirmResponse, MfaEnrollResponse } from '@payrail/api-contract';
import { firstValueFrom } from 'rxjs';

/** What the console must do after a sign-in step. */
export type NextStep = 'done' | 'mfa_verify' | 'mfa_enrol';

/** The identity endpoints the console signs in with; the session store and sign-in pages only talk to this. */
@Injectable({ providedIn: 'root' })
export class AuthApi {
  private readonly http = inject(HttpClient);

  me(): Promise<AdminMeResponse> {
    return firstValueFrom(this.http.get<AdminMeResponse>('/admin/me'));
  }

  async login(email: string, password: string): Promise<NextStep> {
    const me = await firstValueFrom(
      this.http.post<AdminMeResponse>('/admin/auth/login', { email, password }),
    );
    return nextStep(me);
  }

  startEnrolment(): Promise<MfaEnrollResponse> {
    return firstValueFrom(this.http.post<MfaEnrollResponse>('/admin/auth/mfa/enroll', {}));
  }

  confirmEnrolment(code: string): Promise<MfaConfirmResponse> {
    return firstValueFrom(this.http.post<MfaConfirmResponse>('/admin/auth/mfa/enroll/confirm', { code }));
  }

  verify(code: string): Promise<unknown> {
    return firstValueFrom(
      this.http.post('/admin/auth/mfa/verify', /^\d{6}$/.test(code) ? { code } : { recovery_code: code }),
    );
  }

  logout(): Promise<unknown> {
    return firstValueFrom(this.http.post('/admin/auth/logout', {}));
  }
}

export function nextStep(me: Pick<AdminMeResponse, 'mfa'> | null | undefined): NextStep {
  switch (me?.mfa?.next_step ?? 'none') {
    case 'enroll':
      return 'mfa_enrol';
    case 'verify':
      return 'mfa_verify';
    case 'none':
      return 'done';
  }
}
