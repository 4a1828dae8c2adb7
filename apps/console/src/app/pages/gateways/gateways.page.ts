import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'pr-gateways',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="page"><h1>Gateways</h1></div>`,
})
export class GatewaysPage {}
