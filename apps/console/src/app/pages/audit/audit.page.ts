import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'pr-audit',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="page"><h1>Audit log</h1></div>`,
})
export class AuditPage {}
