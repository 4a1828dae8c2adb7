import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

const OK = [
  'captured',
  'authorized',
  'succeeded',
  'refunded',
  'partially_captured',
  'partially_refunded',
  'success',
];
const BAD = ['failed', 'voided', 'failure', 'canceled'];

/** A payment or refund status as a coloured chip; the text always says the status, colour only helps. */
@Component({
  selector: 'pr-status',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span
    class="status"
    [class.ok]="tone() === 'ok'"
    [class.bad]="tone() === 'bad'"
    [class.wait]="tone() === 'wait'"
    >{{ label() }}</span
  >`,
})
export class StatusChipComponent {
  readonly status = input.required<string>();
  readonly label = computed(() => this.status().replace(/_/g, ' '));
  readonly tone = computed(() =>
    OK.includes(this.status()) ? 'ok' : BAD.includes(this.status()) ? 'bad' : 'wait',
  );
}
