import { Injectable } from '@nestjs/common';
import { ApiError } from '@payrail/api-contract';
import { SYSTEM_ACTOR } from '@payrail/audit';
import { updateRows } from '@payrail/database';
import { ConnectionService } from '@payrail/gateways';
import { AttemptRunner } from './attempt-runner';
import { Payment } from './entities/payment.entity';
import { IdempotencyService } from './idempotency.service';
import { refusalOf } from './payment-errors';
import { actionTarget, validMoney } from './payment-inputs';
import { PaymentLedger } from './payment-ledger';
import { PaymentOutcomes } from './payment-outcomes';
import { PaymentReads } from './payment-reads';
import { claimableFrom } from './payment-status';
import type { PaymentOwner } from './payment-owner';
import type { RequestContext } from './request-context';

const CAPTURABLE = claimableFrom('capturing');
const VOIDABLE = claimableFrom('voided');

/** What happens to an authorization: captured (in one go or in parts) or released (void). */
@Injectable()
export class PaymentCaptures {
  constructor(
    private readonly connections: ConnectionService,
    private readonly runner: AttemptRunner,
    private readonly outcomes: PaymentOutcomes,
    private readonly ledger: PaymentLedger,
    private readonly reads: PaymentReads,
    private readonly idempotency: IdempotencyService,
  ) {}

  async capture(
    owner: PaymentOwner,
    id: string,
    input: { amount?: number; final?: boolean },
    context: RequestContext = SYSTEM_ACTOR,
  ): Promise<Payment> {
    const { payment, record, gateway } = await actionTarget(
      { reads: this.reads, idempotency: this.idempotency, connections: this.connections },
      owner,
      id,
      context.requestKey,
    );
    const amount = input.amount ?? payment.amountCapturable;
    const final = input.final ?? true;
    if (input.amount !== undefined) validMoney(input.amount, payment.currency, 'amount');
    if (!final && !gateway.capabilities.multipleCaptures) {
      throw ApiError.invalid(
        'final',
        `${gateway.displayName} allows one capture per payment: final must be true`,
      );
    }
    if (amount < payment.amountCapturable && !gateway.capabilities.partialCapture) {
      throw ApiError.invalid('amount', `${gateway.displayName} does not capture part of a payment`);
    }
    // Credentials are resolved before anything is claimed, so a broken env: reference leaves the payment as it was.
    const connection = await this.connections.toGatewayConnection(record);

    return this.runner.run(
      {
        operation: 'capture',
        payment,
        amount,
        request: {
          reference: payment.gatewayReference ?? '',
          amount,
          currency: payment.currency,
          final,
          statusBefore: payment.status,
        },
        requestKey: context.requestKey,
        claim: async (m) => {
          const claimed = await updateRows(
            m,
            Payment,
            { status: 'capturing', inFlight: 'capture', version: () => 'version + 1' },
            { id },
            {
              isNull: ['inFlight'],
              in: { status: CAPTURABLE },
              atLeast: { amountCapturable: amount },
              above: { amountCapturable: 0 },
            },
          );
          // Read on the transaction's own connection: it may hold the row lock others wait for.
          if (claimed !== 1) throw refusalOf(await m.findOneByOrFail(Payment, { id }), 'capture', amount);
          await this.ledger.claimed(
            m,
            payment,
            'capturing',
            `capture of ${amount}${final ? '' : ' (more to follow)'}`,
          );
        },
      },
      gateway,
      connection,
      (attempt, { outcome, latencyMs }) =>
        this.outcomes.capture(payment.id, attempt, outcome, {
          latencyMs,
          raise: true,
          context,
          answer: true,
          requestKey: context.requestKey,
        }),
    );
  }

  async void(owner: PaymentOwner, id: string, context: RequestContext = SYSTEM_ACTOR): Promise<Payment> {
    const { payment, record, gateway } = await actionTarget(
      { reads: this.reads, idempotency: this.idempotency, connections: this.connections },
      owner,
      id,
      context.requestKey,
    );
    if (!gateway.capabilities.void)
      throw ApiError.invalid('id', `${gateway.displayName} does not void authorizations`);
    const connection = await this.connections.toGatewayConnection(record);
    return this.runner.run(
      {
        operation: 'void',
        payment,
        amount: null,
        request: { reference: payment.gatewayReference ?? '' },
        requestKey: context.requestKey,
        claim: async (m) => {
          const claimed = await updateRows(
            m,
            Payment,
            { inFlight: 'void', version: () => 'version + 1' },
            { id },
            { isNull: ['inFlight'], in: { status: VOIDABLE } },
          );
          if (claimed !== 1) throw refusalOf(await m.findOneByOrFail(Payment, { id }), 'void', 0);
        },
      },
      gateway,
      connection,
      (attempt, { outcome, latencyMs }) =>
        this.outcomes.void(payment.id, attempt, outcome, {
          latencyMs,
          raise: true,
          context,
          answer: true,
          requestKey: context.requestKey,
        }),
    );
  }
}
