import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'pr-users',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="page"><h1>Users and roles</h1></div>`,
})
export class UsersPage {}
