import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { ApiProblem } from '../core/api-problem';

/** The API's refusal, said plainly, with the field it names. */
@Component({
  selector: 'pr-problem',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    .box {
      padding: 12px;
      border-radius: 8px;
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
      margin: 8px 0;
    }
  `,
  template: `@if (problem(); as p) {
    <div class="box" role="alert" data-testid="problem">
      {{ p.message }}
      @if (p.param) {
        <span class="muted"> ({{ p.param }})</span>
      }
    </div>
  }`,
})
export class ProblemComponent {
  readonly problem = input<ApiProblem | null>(null);
}
