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
import { Router, RouterLink } from '@angular/router';
import type { AdminPaymentDetailResource } from '@payrail/api-contract';
import { AdminApi } from '../../core/admin.api';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { formatMoney, parseMoney } from '../../core/money';
import { SessionStore } from '../../core/session.store';
import { SupportApi } from '../../core/support.api';
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
  styleUrl: './payment-detail.page.scss',
  templateUrl: './payment-detail.page.html',
})
export class PaymentDetailPage implements OnInit {
  private readonly api = inject(AdminApi);
  private readonly session = inject(SessionStore);
  private readonly support = inject(SupportApi);
  private readonly router = inject(Router);
  readonly id = input.required<string>();
  readonly canOpenCase = computed(() => (this.detail(), this.session.can('create', 'SupportCase')));
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

  /** A support case about this payment; its SLA clock starts now. */
  async openCase(): Promise<void> {
    const p = this.detail()?.payment;
    if (!p) return;
    try {
      const opened = await this.support.openCase({
        subject: `Payment ${p.id}${p.failure ? `: ${p.failure.code}` : ''}`,
        priority: 'P3',
        payment_ids: [p.id],
      });
      await this.router.navigate(['/cases', opened.id]);
    } catch (error) {
      this.actionProblem.set(toProblem(error));
    }
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
