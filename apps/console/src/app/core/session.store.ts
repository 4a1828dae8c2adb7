import { computed, inject, Injectable, signal } from '@angular/core';
import { Router } from '@angular/router';
import { AbilityServiceSignal } from '@casl/angular';
import type { MongoAbility } from '@casl/ability';
import type { AdminMeResponse } from '@payrail/api-contract';
import { AuthApi, nextStep } from './auth.api';

export type ConsoleAbility = MongoAbility<[string, string | { __type: string; merchantId: string }]>;

/** Who is signed in, what they may do, and why they were sent back to the sign-in page. */
@Injectable({ providedIn: 'root' })
export class SessionStore {
  private readonly auth = inject(AuthApi);
  private readonly router = inject(Router);
  readonly abilities = inject<AbilityServiceSignal<ConsoleAbility>>(AbilityServiceSignal);

  readonly me = signal<AdminMeResponse | null>(null);
  /** Set when the API refused the session (idle or absolute timeout, logout elsewhere). */
  readonly expired = signal(false);
  readonly signedIn = computed(() => {
    const me = this.me();
    return !!me && nextStep(me) === 'done';
  });
  private loaded: Promise<AdminMeResponse | null> | null = null;

  /** Loads `/admin/me` once per page load (again after sign-in); null when there is no session. */
  load(force = false): Promise<AdminMeResponse | null> {
    if (!this.loaded || force) {
      // Without the CSRF cookie there is no session to ask about (and no 401 to log).
      const request = hasSessionCookie() ? this.auth.me() : Promise.reject(new Error('no session'));
      this.loaded = request.then(
        (me) => {
          this.apply(me);
          return me;
        },
        () => {
          this.apply(null);
          return null;
        },
      );
    }
    return this.loaded;
  }

  can(action: string, subject: string): boolean {
    return this.abilities.can(action, subject);
  }

  /** The API answered 401 to a request made with a session: show the sign-in page and say why. */
  sessionLost(): void {
    const hadSession = this.me() !== null;
    this.apply(null);
    this.loaded = Promise.resolve(null);
    if (hadSession) this.expired.set(true);
    const current = this.router.url;
    if (!current.startsWith('/login')) {
      void this.router.navigate(['/login'], {
        queryParams: hadSession ? { expired: 1, returnTo: current } : { returnTo: current },
      });
    }
  }

  async logout(): Promise<void> {
    try {
      await this.auth.logout();
    } finally {
      this.apply(null);
      this.loaded = Promise.resolve(null);
      this.expired.set(false);
      await this.router.navigate(['/login']);
    }
  }

  private apply(me: AdminMeResponse | null): void {
    this.me.set(me);
    this.abilities.update((me?.abilities ?? []) as ConsoleAbility['rules']);
  }
}

/** The API sets the readable `payrail_csrf` cookie beside the HttpOnly session cookie. */
export function hasSessionCookie(
  cookies: string = typeof document === 'undefined' ? '' : document.cookie,
): boolean {
  return /(?:^|;\s*)payrail_csrf=[^;]+/.test(cookies);
}
