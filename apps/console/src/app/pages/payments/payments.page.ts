import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'pr-payments',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="page"><h1>Payments</h1></div>`,
})
export class PaymentsPage {}
