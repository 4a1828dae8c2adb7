import { provideHttpClient, withInterceptors, withXsrfConfiguration } from '@angular/common/http';
import {
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
  type ApplicationConfig,
} from '@angular/core';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { createMongoAbility, PureAbility } from '@casl/ability';
import { routes } from './app.routes';
import { sessionInterceptor } from './core/session.interceptor';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideRouter(routes, withComponentInputBinding()),
    // The API sets `payrail_csrf` at sign-in; every state-changing request echoes it.
    provideHttpClient(
      withXsrfConfiguration({ cookieName: 'payrail_csrf', headerName: 'X-CSRF-Token' }),
      withInterceptors([sessionInterceptor]),
    ),
    { provide: PureAbility, useFactory: () => createMongoAbility() },
  ],
};
