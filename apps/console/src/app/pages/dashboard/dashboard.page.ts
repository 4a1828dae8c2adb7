import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'pr-dashboard',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="page"><h1>Dashboard</h1></div>`,
})
export class DashboardPage {}
