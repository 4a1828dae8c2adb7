import { inject } from '@angular/core';
import { Router, type CanActivateFn } from '@angular/router';
import { nextStep } from './auth.api';
import { navAllowed, type NavItem } from './navigation';
import { SessionStore } from './session.store';

/** Pages behind sign-in: no session → login; MFA pending → the MFA step. */
export const signedInGuard: CanActivateFn = async (_route, state) => {
  const session = inject(SessionStore);
  const router = inject(Router);
  const me = await session.load();
  if (!me)
    return router.createUrlTree(['/login'], {
      queryParams: state.url !== '/' ? { returnTo: state.url } : {},
    });
  const step = nextStep(me);
  if (step === 'mfa_enrol') return router.createUrlTree(['/login/mfa/enrol']);
  if (step === 'mfa_verify') return router.createUrlTree(['/login/mfa']);
  return true;
};

/** A page a role may not use is not reachable from the address bar either (the API refuses it anyway). */
export function abilityGuard(action: string, subject: string): CanActivateFn {
  return async () => {
    const session = inject(SessionStore);
    const router = inject(Router);
    await session.load();
    return session.can(action, subject) ? true : router.createUrlTree(['/']);
  };
}

/** The guard of a page in the navigation: the same rule that shows or hides its link. */
export function navigationGuard(item: NavItem): CanActivateFn {
  return async () => {
    const session = inject(SessionStore);
    const router = inject(Router);
    await session.load();
    return navAllowed(item, (a, s) => session.can(a, s)) ? true : router.createUrlTree(['/']);
  };
}
