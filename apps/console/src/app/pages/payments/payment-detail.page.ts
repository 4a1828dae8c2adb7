import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'pr-payment-detail',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="page"><h1>Payment</h1></div>`,
})
export class PaymentDetailPage {}
