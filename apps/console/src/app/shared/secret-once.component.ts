import { ChangeDetectionStrategy, Component, input, output, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';

/** A secret the API returns once (an API key, a signing secret): shown with a copy button until Done. */
@Component({
  selector: 'pr-secret-once',
  imports: [MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    .once {
      background: var(--mat-sys-tertiary-container);
      padding: 12px;
      border-radius: 8px;
      margin: 12px 0;
    }
    .once code {
      word-break: break-all;
      font-size: 15px;
    }
  `,
  template: `
    <div class="once" role="status" [attr.data-testid]="testId()">
      <p><ng-content /></p>
      <code>{{ secret() }}</code>
      <div class="row">
        <button mat-stroked-button type="button" (click)="copy()">
          {{ copied() ? 'Copied' : 'Copy' }}</button><button mat-button type="button" (click)="done.emit()">
          Done
        </button>
      </div>
    </div>
  `,
})
export class SecretOnceComponent {
  readonly secret = input.required<string>();
  readonly testId = input<string>('secret-once');
  readonly done = output<void>();
  readonly copied = signal(false);

  async copy(): Promise<void> {
    await navigator.clipboard?.writeText(this.secret());
    this.copied.set(true);
  }
}
