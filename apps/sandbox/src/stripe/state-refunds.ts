import { invalidRequest, parameterInvalid, resourceMissing } from './errors';
import { Params } from './form';
import { nowSeconds, stripeId } from './ids';
import { StripeDisputes } from './state-disputes';
import {
  mergeMetadata,
  REFUND_REASONS,
  type ChargeObject,
  type PaymentIntentRecord,
  type RefundObject,
  type RequestContext,
} from './state-types';

/** Charges as read back, and refunds: partial and full, asynchronous test refunds, their balance transactions. */
export class StripeRefunds extends StripeDisputes {
  // ---- charges and refunds ----

  retrieveCharge(id: string): ChargeObject {
    const charge = this.charges.get(id);
    if (!charge) throw resourceMissing('charge', id);
    return this.withRefunds(charge);
  }

  listCharges(): ChargeObject[] {
    return [...this.charges.values()].map((c) => this.withRefunds(c));
  }

  private withRefunds(charge: ChargeObject): ChargeObject {
    const data = [...this.refunds.values()]
      .filter((r) => r.charge === charge.id)
      .sort((a, b) => this.sequence(b.id) - this.sequence(a.id));
    return { ...charge, refunds: { ...charge.refunds, data } };
  }

  createRefund(params: Params, ctx: RequestContext): RefundObject {
    params.only('payment_intent', 'charge', 'amount', 'reason', 'metadata', 'instructions_email');
    const piId = params.string('payment_intent');
    const chargeId = params.string('charge');
    if (!piId && !chargeId) {
      throw invalidRequest(
        'One of the following params should be provided for this request: charge or payment_intent.',
        {
          code: 'parameter_missing',
        },
      );
    }
    if (piId && chargeId) {
      throw invalidRequest('You may only specify one of these parameters: charge, payment_intent.', {
        param: 'charge',
      });
    }
    const reason = params.oneOf('reason', REFUND_REASONS);
    const requested = params.integer('amount');
    let charge: ChargeObject | undefined;
    let pi: PaymentIntentRecord | undefined;
    if (piId) {
      pi = this.paymentIntents.get(piId);
      if (!pi) throw resourceMissing('payment_intent', piId, 'payment_intent');
      charge = this.charges.get(pi.object.latest_charge ?? '');
      if (!charge || pi.object.status !== 'succeeded') {
        throw invalidRequest(
          pi.object.status === 'requires_capture'
            ? `This PaymentIntent (${piId}) has not been captured; cancel it to release the authorization instead of refunding it.`
            : `This PaymentIntent (${piId}) does not have a successful charge to refund.`,
          { param: 'payment_intent' },
        );
      }
    } else {
      charge = this.charges.get(chargeId ?? '');
      if (!charge) throw resourceMissing('charge', chargeId ?? '', 'charge');
      pi = charge.payment_intent ? this.paymentIntents.get(charge.payment_intent) : undefined;
      if (!charge.captured || charge.status !== 'succeeded') {
        throw invalidRequest(`Charge ${charge.id} has not been captured and cannot be refunded.`, {
          param: 'charge',
        });
      }
    }
    const remaining = charge.amount_captured - charge.amount_refunded;
    if (remaining <= 0) {
      throw invalidRequest(`Charge ${charge.id} has already been refunded.`, {
        code: 'charge_already_refunded',
        saved: true,
      });
    }
    const amount = requested ?? remaining;
    if (amount < 1)
      throw parameterInvalid('amount', 'Refund amount must be greater than 0.', 'parameter_invalid_integer');
    if (amount > remaining) {
      throw invalidRequest(
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining}).`,
        { code: 'amount_too_large', param: 'amount' },
      );
    }
    const behaviour =
      pi?.card?.behaviour ?? this.paymentMethods.get(String(charge.payment_method))?.card.behaviour;
    const pending = behaviour?.refund === 'pending';
    const refund = this.track({
      id: stripeId('re'),
      object: 'refund',
      amount,
      balance_transaction: null,
      charge: charge.id,
      created: nowSeconds(),
      currency: charge.currency,
      destination_details: {
        card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' },
        type: 'card',
      },
      metadata: params.metadata() ?? {},
      payment_intent: charge.payment_intent,
      reason: reason ?? null,
      receipt_number: null,
      source_transfer_reversal: null,
      status: pending ? 'pending' : 'succeeded',
      transfer_reversal: null,
    }) as RefundObject;
    this.refunds.set(refund.id, refund);
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded >= charge.amount_captured;
    const txn = this.balanceTransaction({
      amount: -amount,
      fee: 0,
      currency: charge.currency,
      type: 'refund',
      reporting_category: 'refund',
      source: refund.id,
      description: 'REFUND FOR CHARGE',
      availableNow: true,
    });
    refund.balance_transaction = txn.id;
    this.emit('refund.created', refund, ctx);
    this.emit('charge.refunded', this.withRefunds(charge), ctx);
    if (behaviour?.refund) this.later(() => this.settleRefund(refund.id, ctx));
    return refund;
  }

  /** Moves a test card's asynchronous refund to its final state (`pm_card_pendingRefund`, `pm_card_refundFail`). */
  settleRefund(id: string, ctx: RequestContext): void {
    const refund = this.refunds.get(id);
    const charge = refund && this.charges.get(refund.charge);
    if (!refund || !charge) return;
    const behaviour = this.paymentMethods.get(String(charge.payment_method))?.card.behaviour;
    if (refund.status === 'pending') {
      refund.status = 'succeeded';
      this.emit('refund.updated', refund, ctx);
      this.emit('charge.refund.updated', refund, ctx);
    } else if (refund.status === 'succeeded' && behaviour?.refund === 'fails') {
      refund.status = 'failed';
      refund.failure_reason = 'expired_or_canceled_card';
      charge.amount_refunded -= refund.amount;
      charge.refunded = false;
      const txn = this.balanceTransaction({
        amount: refund.amount,
        fee: 0,
        currency: refund.currency,
        type: 'refund_failure',
        reporting_category: 'refund_failure',
        source: refund.id,
        description: 'REFUND FAILURE',
        availableNow: true,
      });
      refund.failure_balance_transaction = txn.id;
      this.emit('refund.failed', refund, ctx);
      this.emit('refund.updated', refund, ctx);
      this.emit('charge.refund.updated', refund, ctx);
    }
  }

  /** Settles every asynchronous test refund now instead of after the delay. */
  settleRefunds(ctx: RequestContext): number {
    let settled = 0;
    for (const refund of this.refunds.values()) {
      const before = refund.status;
      this.settleRefund(refund.id, ctx);
      if (refund.status !== before) settled++;
    }
    return settled;
  }

  retrieveRefund(id: string): RefundObject {
    const refund = this.refunds.get(id);
    if (!refund) throw resourceMissing('refund', id);
    return refund;
  }

  updateRefund(id: string, params: Params): RefundObject {
    params.only('metadata');
    const refund = this.retrieveRefund(id);
    refund['metadata'] = mergeMetadata(
      (refund['metadata'] as Record<string, string>) ?? {},
      params.metadata(),
    );
    return refund;
  }

  listRefunds(): RefundObject[] {
    return [...this.refunds.values()];
  }
}
