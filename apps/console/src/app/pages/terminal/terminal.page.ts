import { ChangeDetectionStrategy, Component, inject, signal, type OnInit } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatRadioModule } from '@angular/material/radio';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import type { AdminPaymentResource, TerminalOptionsResource } from '@payrail/api-contract';
import { AdminApi } from '../../core/admin.api';
import { toProblem, type ApiProblem } from '../../core/api-problem';
import { parseMoney } from '../../core/money';
import { MoneyPipe } from '../../shared/money.pipe';
import { ProblemComponent } from '../../shared/problem.component';
import { StatusChipComponent } from '../../shared/status-chip.component';

/** Take a test-mode payment with a sandbox card, to try a gateway end to end. */
@Component({
  selector: 'pr-terminal',
  imports: [
    FormsModule,
    RouterLink,
    MoneyPipe,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatRadioModule,
    MatButtonModule,
    ProblemComponent,
    StatusChipComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './terminal.page.scss',
  templateUrl: './terminal.page.html',
})
export class TerminalPage implements OnInit {
  private readonly api = inject(AdminApi);
  readonly options = signal<TerminalOptionsResource | null>(null);
  readonly result = signal<AdminPaymentResource | null>(null);
  readonly problem = signal<ApiProblem | null>(null);
  readonly busy = signal(false);
  connectionId = '';
  amountText = '25.00';
  currency = 'USD';
  cardNumber = '4242424242424242';
  captureMethod: 'automatic' | 'manual' = 'manual';
  email = '';
  description = '';

  async ngOnInit(): Promise<void> {
    try {
      const options = await this.api.terminal();
      this.options.set(options);
      this.connectionId =
        options.connections.find((c) => c.gateway === 'stripe')?.id ?? options.connections[0]?.id ?? '';
    } catch (error) {
      this.problem.set(toProblem(error));
    }
  }

  /** The selected connection's sandbox cards (each gateway's sandbox documents its own). */
  cardsFor(options: TerminalOptionsResource): TerminalOptionsResource['test_cards'] {
    return options.connections.find((c) => c.id === this.connectionId)?.test_cards ?? options.test_cards;
  }

  async submit(): Promise<void> {
    this.problem.set(null);
    this.result.set(null);
    const currency = this.currency.trim().toUpperCase();
    const parsed = parseMoney(this.amountText, currency);
    if ('error' in parsed)
      return this.problem.set({
        status: 400,
        code: 'parameter_invalid',
        message: parsed.error,
        param: 'amount',
      });
    const year = new Date().getFullYear() + 2;
    this.busy.set(true);
    try {
      this.result.set(
        await this.api.terminalPayment({
          connection_id: this.connectionId,
          amount: parsed.minor,
          currency: currency.toLowerCase(),
          capture_method: this.captureMethod,
          card: { number: this.cardNumber, exp_month: 12, exp_year: year, cvc: '123' },
          customer_email: this.email.trim() || undefined,
          description: this.description.trim() || undefined,
        }),
      );
    } catch (error) {
      this.problem.set(toProblem(error));
    } finally {
      this.busy.set(false);
    }
  }
}
