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
  styles: `
    form {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 0 16px;
      max-width: 720px;
    }
    .full {
      grid-column: 1 / -1;
    }
    .banner {
      background: #fff1c9;
      color: #6b4e00;
      padding: 8px 12px;
      border-radius: 8px;
      margin-bottom: 16px;
    }
  `,
  template: `
    <div class="page">
      <h1>Virtual terminal</h1>
      <p class="banner" role="note">
        Test mode only: payments go to a gateway sandbox with a test card. No real money moves.
      </p>
      <section class="card">
        @if (options(); as o) {
          @if (o.connections.length === 0) {
            <p class="muted">
              No enabled test connection. Add one under <a routerLink="/gateways">Gateways</a>.
            </p>
          } @else {
            <form (ngSubmit)="submit()" aria-label="Take a test payment">
              <mat-form-field class="full">
                <mat-label>Connection</mat-label>
                <mat-select name="connection" [(ngModel)]="connectionId" required>
                  @for (c of o.connections; track c.id) {
                    <mat-option [value]="c.id">{{ c.name }} · {{ c.gateway }}</mat-option>
                  }
                </mat-select>
              </mat-form-field>
              <mat-form-field
                ><mat-label>Amount</mat-label
                ><input matInput name="amount" inputmode="decimal" required [(ngModel)]="amountText"
              /></mat-form-field>
              <mat-form-field
                ><mat-label>Currency</mat-label
                ><input matInput name="currency" required maxlength="3" [(ngModel)]="currency"
              /></mat-form-field>
              <mat-form-field class="full">
                <mat-label>Test card</mat-label>
                <mat-select name="card" [(ngModel)]="cardNumber" required>
                  @for (card of cardsFor(o); track card.number) {
                    <mat-option [value]="card.number">{{ card.label }}: {{ card.outcome }}</mat-option>
                  }
                </mat-select>
              </mat-form-field>
              <mat-radio-group class="full" name="capture" [(ngModel)]="captureMethod" aria-label="Capture">
                <mat-radio-button value="automatic">Capture now</mat-radio-button>
                <mat-radio-button value="manual">Authorize only (capture later)</mat-radio-button>
              </mat-radio-group>
              <mat-form-field
                ><mat-label>Customer email</mat-label
                ><input matInput name="email" type="email" [(ngModel)]="email"
              /></mat-form-field>
              <mat-form-field
                ><mat-label>Description</mat-label
                ><input matInput name="description" [(ngModel)]="description"
              /></mat-form-field>
              <div class="full row">
                <button mat-flat-button type="submit" [disabled]="busy() || !connectionId || !cardNumber">
                  Charge
                </button>
              </div>
            </form>
          }
        }
        <pr-problem [problem]="problem()" />
        @if (result(); as p) {
          <div class="card" role="status" data-testid="terminal-result">
            <pr-status [status]="p.status" /> {{ p.amount | money: p.currency }} on {{ p.gateway }}
            @if (p.failure) {
              <span class="error-text">
                · <span class="mono">{{ p.failure.code }}</span> {{ p.failure.message }}</span
              >
            }
            ·
            <a [routerLink]="['/payments', p.id]" data-testid="terminal-payment-link"
              >Open payment {{ p.id }}</a
            >
          </div>
        }
      </section>
    </div>
  `,
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
