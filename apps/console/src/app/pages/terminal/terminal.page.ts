import { ChangeDetectionStrategy, Component } from '@angular/core';

@Component({
  selector: 'pr-terminal',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="page"><h1>Virtual terminal</h1></div>`,
})
export class TerminalPage {}
