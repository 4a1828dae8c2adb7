import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** Marks test-mode data, so nobody takes a test payment for real money; live data carries no mark. */
@Component({
  selector: 'pr-test-data',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    .test-data {
      display: inline-block;
      margin-left: 6px;
      padding: 0 6px;
      border-radius: 4px;
      font-size: 12px;
      font-weight: 500;
      vertical-align: middle;
      color: var(--mat-sys-on-tertiary-container);
      background: var(--mat-sys-tertiary-container);
    }
  `,
  template: `@if (mode() === 'test') {
    <span class="test-data" data-testid="test-data" title="Test mode: no real money moved">Test data</span>
  }`,
})
export class TestDataBadgeComponent {
  readonly mode = input.required<'test' | 'live'>();
}
