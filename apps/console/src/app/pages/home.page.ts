import { ChangeDetectionStrategy, Component, inject, type OnInit } from '@angular/core';
import { Router } from '@angular/router';
import { visibleNavigation } from '../core/navigation';
import { SessionStore } from '../core/session.store';

/** `/` opens the first page the user's role may use. */
@Component({
  selector: 'pr-home',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="page">
    <p class="muted">Your role has no console pages. Ask an owner for access.</p>
  </div>`,
})
export class HomePage implements OnInit {
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);

  ngOnInit(): void {
    const first = visibleNavigation((a, s) => this.session.can(a, s))[0];
    if (first) void this.router.navigateByUrl(first.path, { replaceUrl: true });
  }
}
