import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'pr-api-keys',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="page"><h1>API keys</h1></div>`,
})
export class ApiKeysPage {}
