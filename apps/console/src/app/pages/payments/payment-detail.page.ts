import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  signal,
  type OnInit,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { RouterLink } from '@angular/router';
import type { AdminPaymentDetailResource } from '@payrail/api-contract';
import { AdminApi } from '../../core/admin.api';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { formatMoney, parseMoney } from '../../core/money';
import { SessionStore } from '../../core/session.store';
import { MoneyPipe } from '../../shared/money.pipe';
import { ProblemComponent } from '../../shared/problem.component';
import { StatusChipComponent } from '../../shared/status-chip.component';
import { TestDataBadgeComponent } from '../../shared/test-data-badge.component';

type Action = 'capture' | 'void' | 'refund';

@Component({
  selector: 'pr-payment-detail',
  imports: [
    FormsModule,
    RouterLink,
    DatePipe,
    MoneyPipe,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    StatusChipComponent,
    TestDataBadgeComponent,
    ProblemComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    dl {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 6px 24px;
      margin: 0;
    }
    dt {
      color: var(--mat-sys-on-surface-variant);
    }
    dd {
      margin: 0;
    }
    .layout {
      display: grid;
      grid-template-columns: minmax(0, 1fr) 360px;
      gap: 16px;
    }
    ol.timeline {
      list-style: none;
      padding: 0;
      margin: 0;
    }
    ol.timeline li {
      border-left: 3px solid var(--mat-sys-outline-variant);
      padding: 4px 0 12px 14px;
      position: relative;
    }
    ol.timeline li.call {
      border-color: var(--mat-sys-primary);
    }
    ol.timeline li.failed {
      border-color: var(--mat-sys-error);
    }
    .when {
      font-size: 12px;
    }
    .confirm {
      background: var(--mat-sys-surface-container);
      border-radius: 8px;
      padding: 12px;
      margin-top: 8px;
    }
    mat-form-field {
      width: 100%;
    }
  `,
  template: `
    <div class="page">
      <p><a routerLink="/payments">← Payments</a></p>
      <pr-problem [problem]="loadProblem()" />
      @if (detail(); as d) {
        <h1>
          <span class="mono">{{ d.payment.id }}</span> <pr-status [status]="d.payment.status" />
          <pr-test-data [mode]="d.payment.mode" />
        </h1>
        <div class="layout">
          <div>
            <section class="card" aria-label="Summary">
              <dl>
                <dt>Amount</dt>
                <dd data-testid="amount">{{ d.payment.amount | money: d.payment.currency }}</dd>
                <dt>Captured</dt>
                <dd data-testid="captured">{{ d.payment.amount_captured | money: d.payment.currency }}</dd>
                <dt>Refunded</dt>
                <dd data-testid="refunded">{{ d.payment.amount_refunded | money: d.payment.currency }}</dd>
                <dt>Gateway</dt>
                <dd>
                  {{ d.payment.gateway }} ({{ d.payment.mode }}) ·
                  <span class="mono">{{ d.payment.gateway_reference }}</span>
                </dd>
                <dt>Card</dt>
                <dd>
                  {{ d.payment.payment_method?.brand }}
                  {{ d.payment.payment_method?.last4 ? '•••• ' + d.payment.payment_method?.last4 : '—' }}
                </dd>
                <dt>Customer</dt>
                <dd>{{ d.payment.customer?.email ?? '—' }}</dd>
                <dt>Description</dt>
                <dd>{{ d.payment.description ?? '—' }}</dd>
                <dt>Created</dt>
                <dd>{{ d.payment.created_at | date: 'medium' }}</dd>
                @if (d.payment.failure; as f) {
                  <dt>Failure</dt>
                  <dd class="error-text">
                    <span class="mono">{{ f.code }}</span>: {{ f.message }}
                  </dd>
                }
              </dl>
            </section>
            <section class="card" aria-label="Timeline">
              <h2>Timeline</h2>
              <ol class="timeline" data-testid="timeline">
                @for (e of d.timeline; track e.id) {
                  <li
                    [class.call]="e.type === 'gateway_call'"
                    [class.failed]="e.outcome === 'failed' || e.to_status === 'failed'"
                  >
                    <div class="when muted">{{ e.created_at | date: 'mediumTime' }}</div>
                    @switch (e.type) {
                      @case ('status_changed') {
                        <div>
                          Status <strong>{{ e.from_status ?? 'new' }}</strong> →
                          <strong>{{ e.to_status }}</strong>
                        </div>
                      }
                      @case ('gateway_call') {
                        <div>
                          Gateway call <strong>{{ e.operation }}</strong>: {{ e.outcome }}
                          @if (e.latency_ms !== null) {
                            <span class="muted">in {{ e.latency_ms }} ms</span>
                          }
                        </div>
                      }
                      @default {
                        <div>
                          {{ e.type.replace('_', ' ') }}
                          @if (e.to_status) {
                            <strong>{{ e.to_status }}</strong>
                          }
                        </div>
                      }
                    }
                    @if (e.error_code) {
                      <div class="error-text">
                        <span class="mono">{{ e.error_code }}</span> {{ e.message }}
                      </div>
                    } @else if (e.message) {
                      <div class="muted">{{ e.message }}</div>
                    }
                  </li>
                }
              </ol>
            </section>
            @if (d.refunds.length) {
              <section class="card" aria-label="Refunds">
                <h2>Refunds</h2>
                <ul>
                  @for (r of d.refunds; track r.id) {
                    <li>
                      <span class="mono">{{ r.id }}</span> · {{ r.amount | money: r.currency }} ·
                      <pr-status [status]="r.status" /> {{ r.reason ?? '' }}
                    </li>
                  }
                </ul>
              </section>
            }
          </div>
          @if (actions().length) {
            <section class="card" aria-label="Actions">
              <h2>Actions</h2>
              <div class="row">
                @for (a of actions(); track a) {
                  <button mat-stroked-button type="button" (click)="start(a)" [disabled]="busy()">
                    {{ labels[a] }}
                  </button>
                }
              </div>
              @if (pending(); as a) {
                <form class="confirm" (ngSubmit)="confirm()" [attr.aria-label]="labels[a]">
                  @if (a !== 'void') {
                    <mat-form-field>
                      <mat-label>Amount ({{ d.payment.currency.toUpperCase() }})</mat-label>
                      <input matInput name="amount" inputmode="decimal" [(ngModel)]="amountText" />
                      <mat-hint>Up to {{ limit() | money: d.payment.currency }}</mat-hint>
                    </mat-form-field>
                  }
                  @if (a === 'refund') {
                    <mat-form-field
                      ><mat-label>Reason</mat-label><input matInput name="reason" [(ngModel)]="reason"
                    /></mat-form-field>
                  }
                  <p data-testid="confirm-text">{{ confirmText() }}</p>
                  <pr-problem [problem]="actionProblem()" />
                  <div class="row">
                    <button mat-flat-button type="submit" [disabled]="busy()">
                      Confirm {{ labels[a].toLowerCase() }}
                    </button>
                    <button mat-button type="button" (click)="pending.set(null)">Cancel</button>
                  </div>
                </form>
              }
            </section>
          }
        </div>
      }
    </div>
  `,
})
export class PaymentDetailPage implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly session = inject(SessionStore);
  readonly id = input.required<string>();
  readonly detail = signal<AdminPaymentDetailResource | null>(null);
  readonly loadProblem = signal<ApiProblem | null>(null);
  readonly actionProblem = signal<ApiProblem | null>(null);
  readonly pending = signal<Action | null>(null);
  readonly busy = signal(false);
  readonly labels: Record<Action, string> = { capture: 'Capture', void: 'Void', refund: 'Refund' };
  amountText = '';
  reason = '';

  /** Only what the payment's state allows and the user's role may do. */
  readonly actions = computed<Action[]>(() => {
    const p = this.detail()?.payment;
    if (!p) return [];
    const out: Action[] = [];
    const canDo = (a: Action) => this.session.can(a, 'Payment');
    if (
      p.amount_capturable > 0 &&
      ['authorized', 'partially_captured'].includes(p.status) &&
      canDo('capture')
    )
      out.push('capture');
    if (p.status === 'authorized' && canDo('void')) out.push('void');
    if (p.amount_captured - p.amount_refunded > 0 && canDo('refund')) out.push('refund');
    return out;
  });
  readonly limit = computed(() => {
    const p = this.detail()?.payment;
    if (!p) return 0;
    return this.pending() === 'capture' ? p.amount_capturable : p.amount_captured - p.amount_refunded;
  });

  confirmText(): string {
    const p = this.detail()?.payment;
    const a = this.pending();
    if (!p || !a) return '';
    if (a === 'void')
      return `Release the authorization of ${formatMoney(p.amount, p.currency.toUpperCase())}? The customer is not charged.`;
    const parsed = this.amountText
      ? parseMoney(this.amountText, p.currency.toUpperCase())
      : { minor: this.limit() };
    if ('error' in parsed) return parsed.error;
    const money = formatMoney(parsed.minor, p.currency.toUpperCase());
    return a === 'capture'
      ? `Capture ${money} from the customer's card?`
      : `Refund ${money} to the customer?`;
  }

  async ngOnInit(): Promise<void> {
    await this.reload();
  }

  start(action: Action): void {
    this.actionProblem.set(null);
    this.amountText = '';
    this.reason = '';
    this.pending.set(action);
  }

  async confirm(): Promise<void> {
    const p = this.detail()?.payment;
    const a = this.pending();
    if (!p || !a) return;
    let amount: number | undefined;
    if (a !== 'void' && this.amountText.trim()) {
      const parsed = parseMoney(this.amountText, p.currency.toUpperCase());
      if ('error' in parsed)
        return this.actionProblem.set({
          status: 400,
          code: 'parameter_invalid',
          message: parsed.error,
          param: 'amount',
        });
      amount = parsed.minor;
    }
    this.busy.set(true);
    this.actionProblem.set(null);
    try {
      if (a === 'capture') await this.api.capture(p.id, amount);
      else if (a === 'void') await this.api.void(p.id);
      else await this.api.refund(p.id, amount, this.reason);
      this.pending.set(null);
    } catch (error) {
      this.actionProblem.set(toProblem(error));
    } finally {
      this.busy.set(false);
      await this.reload();
    }
  }

  private async reload(): Promise<void> {
    try {
      this.detail.set(await this.api.payment(this.id()));
    } catch (error) {
      this.loadProblem.set(toProblem(error));
    }
  }
}
