import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatListModule } from '@angular/material/list';
import { MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { visibleNavigation } from '../core/navigation';
import { SessionStore } from '../core/session.store';

/** The frame around every signed-in page: navigation built from the user's abilities. */
@Component({
  selector: 'pr-shell',
  imports: [
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
    MatSidenavModule,
    MatListModule,
    MatToolbarModule,
    MatButtonModule,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    :host {
      display: block;
      height: 100vh;
    }
    mat-sidenav-container {
      height: 100%;
    }
    mat-sidenav {
      width: 220px;
      border-right: 1px solid var(--mat-sys-outline-variant);
    }
    .brand {
      font: var(--mat-sys-title-large);
      padding: 16px;
      display: flex;
      gap: 8px;
      align-items: center;
    }
    .brand img {
      width: 28px;
      height: 28px;
    }
    a.mat-mdc-list-item.active {
      background: var(--mat-sys-secondary-container);
    }
    mat-toolbar {
      background: var(--mat-sys-surface);
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      gap: 12px;
    }
    .who {
      font: var(--mat-sys-body-medium);
    }
    .skip {
      position: absolute;
      left: -999px;
    }
    .skip:focus {
      left: 8px;
      top: 8px;
      z-index: 10;
      background: var(--mat-sys-surface);
      padding: 8px;
    }
  `,
  template: `
    <a class="skip" href="#main">Skip to content</a>
    <mat-sidenav-container>
      <mat-sidenav mode="side" opened>
        <div class="brand"><img src="favicon.svg" alt="" />Payrail</div>
        <nav aria-label="Main">
          <mat-nav-list>
            @for (item of nav(); track item.path) {
              <a
                mat-list-item
                [routerLink]="item.path"
                routerLinkActive="active"
                [attr.data-nav]="item.path.slice(1)"
                >{{ item.label }}</a
              >
            }
          </mat-nav-list>
        </nav>
      </mat-sidenav>
      <mat-sidenav-content>
        <mat-toolbar>
          <span class="grow"></span>
          <span class="who" data-testid="who">{{ me()?.user?.email }} · {{ roles() }}</span>
          <button mat-stroked-button type="button" (click)="logout()">Sign out</button>
        </mat-toolbar>
        <main id="main" tabindex="-1">
          <router-outlet />
        </main>
      </mat-sidenav-content>
    </mat-sidenav-container>
  `,
})
export class ShellComponent {
  private readonly session = inject(SessionStore);
  readonly me = this.session.me;
  readonly roles = computed(() => (this.me()?.roles ?? []).join(', ').replace(/_/g, ' '));
  readonly nav = computed(() => {
    this.me();
    return visibleNavigation((action, subject) => this.session.can(action, subject));
  });

  logout(): void {
    void this.session.logout();
  }
}
