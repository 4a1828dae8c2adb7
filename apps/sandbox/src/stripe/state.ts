import { AUTHENTICATES_EVERY_PAYMENT, DECLINES, SET_UP_FOR_OFF_SESSION, type CardDecline } from './cards';
import { MAXIMUM_AMOUNT, minimumAmount, processingFee, SUPPORTED_CURRENCIES } from './currencies';
import { invalidRequest, parameterInvalid, resourceMissing, StripeApiError } from './errors';
import { Params } from './form';
import { nowSeconds, stripeId } from './ids';
import {
  CANCELLATION_REASONS,
  mergeMetadata,
  PI_CANCELABLE,
  unexpectedState,
  type CardRecord,
  type ChargeObject,
  type PaymentIntentObject,
  type PaymentIntentRecord,
  type PaymentMethodRecord,
  type RequestContext,
} from './state-types';
import { StripeRefunds } from './state-refunds';

export { STRIPE_API_VERSION } from './state-types';
export type { RequestContext, StripeObject, StripeStateOptions, WebhookEndpointObject } from './state-types';

/**
 * The sandbox's in-memory Stripe account: payment methods, payment intents, charges,
 * refunds, balance transactions, events and webhook endpoints, with Stripe's state rules.
 * Payment intents, charges and refunds live here; cards and the shared ledger below it.
 */
export class StripeState extends StripeRefunds {
  // ---- payment intents ----

  createPaymentIntent(params: Params, ctx: RequestContext): PaymentIntentObject {
    params.only(
      'amount',
      'currency',
      'payment_method',
      'payment_method_data',
      'payment_method_types',
      'allowed_payment_method_types',
      'automatic_payment_methods',
      'confirm',
      'capture_method',
      'confirmation_method',
      'metadata',
      'description',
      'receipt_email',
      'return_url',
      'off_session',
      'error_on_requires_action',
      'statement_descriptor',
      'statement_descriptor_suffix',
      'customer',
    );
    const amount = params.requiredInteger('amount');
    const currency = params.requiredString('currency').toLowerCase();
    if (!SUPPORTED_CURRENCIES.has(currency)) {
      throw parameterInvalid(
        'currency',
        `Invalid currency: ${currency}. Stripe currently supports these currencies: ${[...SUPPORTED_CURRENCIES].join(', ')}`,
        'invalid_currency',
      );
    }
    if (amount < minimumAmount(currency)) {
      throw invalidRequest(`Amount must be at least ${minimumAmount(currency)} ${currency} minor units.`, {
        code: 'amount_too_small',
        param: 'amount',
      });
    }
    if (amount > MAXIMUM_AMOUNT) {
      throw invalidRequest(`Amount must be no more than ${MAXIMUM_AMOUNT} ${currency} minor units.`, {
        code: 'amount_too_large',
        param: 'amount',
      });
    }
    const captureMethod =
      params.oneOf('capture_method', ['automatic', 'automatic_async', 'manual']) ?? 'automatic_async';
    const descriptor = params.string('statement_descriptor');
    if (descriptor !== undefined) {
      throw invalidRequest(
        'The `statement_descriptor` parameter is not supported for the `card` payment method type. Use `statement_descriptor_suffix` instead.',
        { param: 'statement_descriptor' },
      );
    }
    const suffix = params.string('statement_descriptor_suffix');
    if (suffix !== undefined && (suffix.length > 22 || /[<>\\'"*]/.test(suffix))) {
      throw parameterInvalid(
        'statement_descriptor_suffix',
        'The statement descriptor suffix must be at most 22 characters and contain none of < > \\ \' " *.',
      );
    }
    // `allowed_payment_method_types` is the current API's name for the older `payment_method_types`.
    const allowed = params.strings('allowed_payment_method_types');
    const types = allowed ?? params.strings('payment_method_types') ?? ['card'];
    for (const type of types) {
      if (type !== 'card')
        throw parameterInvalid(
          'payment_method_types',
          `The sandbox only supports the card payment method type, not '${type}'.`,
        );
    }
    const pm = this.paymentMethodParam(params);
    const customer = params.string('customer') ?? null;
    if (pm) this.checkOwner(pm, customer, 'payment_method');
    else if (customer) this.customer(customer);
    const id = stripeId('pi');
    const object = this.track({
      id,
      object: 'payment_intent',
      amount,
      amount_capturable: 0,
      amount_details: { tip: {} },
      amount_received: 0,
      application: null,
      application_fee_amount: null,
      automatic_payment_methods: params.has('automatic_payment_methods')
        ? { allow_redirects: 'always', enabled: true }
        : null,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: captureMethod,
      client_secret: `${id}_secret_${stripeId('x', 25).slice(2)}`,
      confirmation_method: params.oneOf('confirmation_method', ['automatic', 'manual']) ?? 'automatic',
      created: nowSeconds(),
      currency,
      customer,
      description: params.string('description') ?? null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: params.metadata() ?? {},
      next_action: null,
      on_behalf_of: null,
      payment_method: pm?.object.id ?? null,
      payment_method_configuration_details: null,
      payment_method_options: {
        card: {
          installments: null,
          mandate_options: null,
          network: null,
          request_three_d_secure: 'automatic',
        },
      },
      payment_method_types: types,
      allowed_payment_method_types: allowed ?? null,
      processing: null,
      receipt_email: params.string('receipt_email') ?? null,
      review: null,
      setup_future_usage: null,
      shipping: null,
      source: null,
      statement_descriptor: null,
      statement_descriptor_suffix: suffix ?? null,
      status: pm ? 'requires_confirmation' : 'requires_payment_method',
      transfer_data: null,
      transfer_group: null,
    }) as PaymentIntentObject;
    const record: PaymentIntentRecord = {
      object,
      card: pm?.card,
      offSession: params.boolean('off_session') ?? false,
      errorOnRequiresAction: params.boolean('error_on_requires_action') ?? false,
      returnUrl: params.string('return_url'),
    };
    this.paymentIntents.set(id, record);
    this.emit('payment_intent.created', object, ctx);
    if (params.boolean('confirm')) this.confirmRecord(record, ctx);
    return object;
  }

  private paymentMethodParam(params: Params): PaymentMethodRecord | undefined {
    const id = params.string('payment_method');
    const data = params.object('payment_method_data');
    if (id && data) {
      throw invalidRequest(
        'You may only specify one of these parameters: payment_method, payment_method_data.',
        {
          param: 'payment_method_data',
        },
      );
    }
    if (id) return this.usablePaymentMethod(id, 'payment_method');
    if (data) {
      const object = this.createPaymentMethod(data, 'payment_method_data[');
      return this.paymentMethods.get(object.id);
    }
    return undefined;
  }

  private paymentIntent(id: string, param = 'intent'): PaymentIntentRecord {
    const record = this.paymentIntents.get(id);
    if (!record) throw resourceMissing('payment_intent', id, param);
    return record;
  }

  retrievePaymentIntent(id: string): PaymentIntentObject {
    return this.paymentIntent(id).object;
  }

  listPaymentIntents(): PaymentIntentObject[] {
    return [...this.paymentIntents.values()].map((r) => r.object);
  }

  /** Amount, currency, description and payment method change only before confirmation; metadata always. */
  updatePaymentIntent(id: string, params: Params): PaymentIntentObject {
    params.only(
      'amount',
      'currency',
      'description',
      'metadata',
      'payment_method',
      'receipt_email',
      'customer',
    );
    const record = this.paymentIntent(id);
    const pi = record.object;
    const unconfirmed = ['requires_payment_method', 'requires_confirmation', 'requires_action'];
    for (const field of ['amount', 'currency', 'description', 'payment_method', 'customer']) {
      if (params.has(field) && !unconfirmed.includes(pi.status)) {
        throw invalidRequest(
          `This PaymentIntent's ${field} could not be updated because it has a status of ${pi.status}. You may only update the ${field} of a PaymentIntent with one of the following statuses: ${unconfirmed.join(', ')}.`,
          { code: 'payment_intent_unexpected_state', param: field, payment_intent: pi },
        );
      }
    }
    const amount = params.integer('amount');
    if (amount !== undefined) {
      if (amount < minimumAmount(pi.currency) || amount > MAXIMUM_AMOUNT)
        throw parameterInvalid(
          'amount',
          `Amount must be between ${minimumAmount(pi.currency)} and ${MAXIMUM_AMOUNT}.`,
          'parameter_invalid_integer',
        );
      pi.amount = amount;
    }
    const currency = params.string('currency')?.toLowerCase();
    if (currency !== undefined) {
      if (!SUPPORTED_CURRENCIES.has(currency))
        throw parameterInvalid('currency', `Invalid currency: ${currency}.`, 'invalid_currency');
      pi.currency = currency;
    }
    if (params.has('description')) pi['description'] = params.string('description') || null;
    if (params.has('receipt_email')) pi['receipt_email'] = params.string('receipt_email') || null;
    if (params.has('customer')) {
      const customer = params.string('customer') || null;
      if (customer) this.customer(customer);
      pi['customer'] = customer;
    }
    const pm = this.paymentMethodParam(params);
    if (pm) {
      this.checkOwner(pm, pi['customer'] as string | null, 'payment_method');
      record.card = pm.card;
      pi.payment_method = pm.object.id;
      pi.status = 'requires_confirmation';
    }
    pi.metadata = mergeMetadata(pi.metadata, params.metadata());
    return pi;
  }

  confirmPaymentIntent(id: string, params: Params, ctx: RequestContext): PaymentIntentObject {
    params.only(
      'client_secret', // what Stripe.js sends with a publishable key (checked before the route runs)
      'payment_method',
      'payment_method_data',
      'return_url',
      'off_session',
      'error_on_requires_action',
      'receipt_email',
    );
    const record = this.paymentIntent(id);
    const status = record.object.status;
    if (!['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(status)) {
      throw unexpectedState(record.object, 'confirm', [
        'requires_payment_method',
        'requires_confirmation',
        'requires_action',
      ]);
    }
    const pm = this.paymentMethodParam(params);
    if (pm) {
      this.checkOwner(pm, record.object['customer'] as string | null, 'payment_method');
      record.card = pm.card;
      record.object.payment_method = pm.object.id;
    }
    if (params.has('return_url')) record.returnUrl = params.string('return_url');
    if (params.has('off_session')) record.offSession = params.boolean('off_session') ?? false;
    if (params.has('error_on_requires_action'))
      record.errorOnRequiresAction = params.boolean('error_on_requires_action') ?? false;
    if (!record.card) {
      throw invalidRequest(
        "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with this payment method, pass `payment_method`.",
        {
          code: 'payment_intent_unexpected_state',
          param: 'payment_method',
          payment_intent: record.object,
          saved: true,
        },
      );
    }
    this.confirmRecord(record, ctx);
    return record.object;
  }

  private confirmRecord(record: PaymentIntentRecord, ctx: RequestContext): void {
    const card = record.card;
    if (!card) {
      throw invalidRequest("You cannot confirm this PaymentIntent because it's missing a payment method.", {
        code: 'payment_intent_unexpected_state',
        param: 'payment_method',
        payment_intent: record.object,
        saved: true,
      });
    }
    const pi = record.object;
    pi.last_payment_error = null;
    const setUp =
      SET_UP_FOR_OFF_SESSION.has(card.number) ||
      (card.setUp && !AUTHENTICATES_EVERY_PAYMENT.has(card.number));
    const needsChallenge = card.behaviour.threeDSecure === 'required' && !(record.offSession && setUp);
    if (needsChallenge && (record.offSession || record.errorOnRequiresAction)) {
      this.decline(record, DECLINES.authenticationRequired, ctx);
    }
    if (needsChallenge) {
      pi.status = 'requires_action';
      const url = `${ctx.origin}/_sandbox/3ds/${pi.id}`;
      pi.next_action = record.returnUrl
        ? { type: 'redirect_to_url', redirect_to_url: { return_url: record.returnUrl, url } }
        : {
            type: 'use_stripe_sdk',
            use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: url, source: stripeId('src') },
          };
      this.emit('payment_intent.requires_action', pi, ctx);
      return;
    }
    this.charge(
      record,
      card.behaviour.decline && (!card.behaviour.declineNeedsCvc || card.cvcProvided)
        ? card.behaviour.decline
        : undefined,
      ctx,
    );
  }

  /** The result of the sandbox's 3-D Secure page: completes or fails the challenge. */
  authenticate(id: string, succeeded: boolean, ctx: RequestContext): PaymentIntentObject {
    const record = this.paymentIntent(id);
    const pi = record.object;
    if (pi.status !== 'requires_action') {
      throw invalidRequest(
        `PaymentIntent ${id} has status ${pi.status}; only one in requires_action can be authenticated.`,
        {
          code: 'payment_intent_unexpected_state',
        },
      );
    }
    pi.next_action = null;
    if (!succeeded) {
      pi.status = 'requires_payment_method';
      pi.last_payment_error = {
        code: 'payment_intent_authentication_failure',
        doc_url: 'https://stripe.com/docs/error-codes/payment-intent-authentication-failure',
        message:
          'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
        payment_method: this.paymentMethods.get(pi.payment_method ?? '')?.object ?? null,
        type: 'invalid_request_error',
      };
      pi.payment_method = null;
      record.card = undefined;
      this.emit('payment_intent.payment_failed', pi, ctx);
      return pi;
    }
    try {
      this.charge(record, record.card?.behaviour.declineAfterAuthentication, ctx, true);
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
    }
    return pi;
  }

  private decline(
    record: PaymentIntentRecord,
    decline: CardDecline,
    ctx: RequestContext,
    authenticated = false,
  ): never {
    const pi = record.object;
    const charge = this.createCharge(record, decline, authenticated);
    const pm = this.paymentMethods.get(pi.payment_method ?? '')?.object ?? null;
    pi.status = 'requires_payment_method';
    pi.latest_charge = charge.id;
    pi.last_payment_error = {
      charge: charge.id,
      code: decline.code,
      ...(decline.decline_code ? { decline_code: decline.decline_code } : {}),
      doc_url: `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`,
      message: decline.message,
      payment_method: pm,
      type: 'card_error',
    };
    pi.payment_method = null;
    record.card = undefined;
    this.emit('charge.failed', charge, ctx);
    this.emit('payment_intent.payment_failed', pi, ctx);
    throw new StripeApiError(
      402,
      {
        type: 'card_error',
        code: decline.code,
        ...(decline.decline_code ? { decline_code: decline.decline_code } : {}),
        message: decline.message,
        charge: charge.id,
        payment_intent: pi,
        payment_method: pm ?? undefined,
      },
      { saved: true, shouldRetry: false },
    );
  }

  private charge(
    record: PaymentIntentRecord,
    decline: CardDecline | undefined,
    ctx: RequestContext,
    authenticated = false,
  ): void {
    if (decline) this.decline(record, decline, ctx, authenticated);
    const pi = record.object;
    const charge = this.createCharge(record, undefined, authenticated);
    pi.latest_charge = charge.id;
    pi.next_action = null;
    if (pi.capture_method === 'manual') {
      pi.status = 'requires_capture';
      pi.amount_capturable = pi.amount;
      this.emit('charge.succeeded', charge, ctx);
      this.emit('payment_intent.amount_capturable_updated', pi, ctx);
    } else {
      this.captureCharge(charge, pi.amount, record.card);
      pi.status = 'succeeded';
      pi.amount_received = pi.amount;
      this.emit('charge.succeeded', charge, ctx);
      this.emit('payment_intent.succeeded', pi, ctx);
      if (record.card) this.disputeLater(charge, record.card.behaviour, ctx);
    }
  }

  private createCharge(
    record: PaymentIntentRecord,
    decline: CardDecline | undefined,
    authenticated: boolean,
  ): ChargeObject {
    const pi = record.object;
    const card = record.card;
    if (!card) throw new Error('a charge needs a card');
    const summary = this.cardSummary(card);
    const blocked = decline?.decline_code === 'fraudulent';
    const id = stripeId('ch');
    const charge = this.track({
      id,
      object: 'charge',
      amount: pi.amount,
      amount_captured: 0,
      amount_refunded: 0,
      application: null,
      application_fee: null,
      application_fee_amount: null,
      balance_transaction: null,
      billing_details: this.paymentMethods.get(pi.payment_method ?? '')?.object['billing_details'] ?? null,
      calculated_statement_descriptor:
        `PAYRAIL* ${String(pi['statement_descriptor_suffix'] ?? 'SANDBOX')}`.slice(0, 22),
      captured: false,
      created: nowSeconds(),
      currency: pi.currency,
      customer: pi['customer'] ?? null,
      description: pi['description'] ?? null,
      disputed: false,
      failure_balance_transaction: null,
      failure_code: decline?.code ?? null,
      failure_message: decline?.message ?? null,
      fraud_details: {},
      livemode: false,
      metadata: { ...pi.metadata },
      on_behalf_of: null,
      outcome: decline
        ? {
            network_status: blocked ? 'not_sent_to_network' : 'declined_by_network',
            reason: blocked ? 'highest_risk_level' : (decline.decline_code ?? decline.code),
            risk_level: blocked ? 'highest' : 'normal',
            risk_score: blocked ? 95 : 20,
            seller_message: blocked
              ? 'Stripe blocked this payment as too risky.'
              : 'The bank did not return any further details with this decline.',
            type: blocked ? 'blocked' : 'issuer_declined',
          }
        : {
            network_status: 'approved_by_network',
            reason: null,
            risk_level: 'normal',
            risk_score: 20,
            seller_message: 'Payment complete.',
            type: 'authorized',
          },
      paid: !decline,
      payment_intent: pi.id,
      payment_method: pi.payment_method,
      payment_method_details: {
        card: {
          amount_authorized: decline ? null : pi.amount,
          brand: summary['brand'],
          checks: summary['checks'],
          country: summary['country'],
          exp_month: summary['exp_month'],
          exp_year: summary['exp_year'],
          fingerprint: summary['fingerprint'],
          funding: summary['funding'],
          installments: null,
          last4: summary['last4'],
          mandate: null,
          network: summary['brand'],
          three_d_secure: authenticated
            ? { authentication_flow: 'challenge', result: 'authenticated', version: '2.2.0' }
            : null,
          wallet: null,
        },
        type: 'card',
      },
      receipt_email: pi['receipt_email'] ?? null,
      receipt_number: null,
      receipt_url: null,
      refunded: false,
      refunds: {
        object: 'list',
        data: [],
        has_more: false,
        url: `/v1/charges/${id}/refunds`,
      },
      review: null,
      shipping: null,
      source_transfer: null,
      statement_descriptor: null,
      statement_descriptor_suffix: pi['statement_descriptor_suffix'] ?? null,
      status: decline ? 'failed' : 'succeeded',
      transfer_data: null,
      transfer_group: null,
    }) as ChargeObject;
    this.charges.set(id, charge);
    return charge;
  }

  /** Moves money: marks the charge captured and books its balance transaction with the fee. */
  private captureCharge(charge: ChargeObject, amount: number, card?: CardRecord): void {
    charge.captured = true;
    charge.amount_captured = amount;
    const fee = processingFee(amount, charge.currency);
    const txn = this.balanceTransaction({
      amount,
      fee,
      currency: charge.currency,
      type: 'charge',
      reporting_category: 'charge',
      source: charge.id,
      description: (charge['description'] as string | null) ?? null,
      availableNow: card?.behaviour.bypassPending ?? false,
    });
    charge.balance_transaction = txn.id;
  }

  capturePaymentIntent(id: string, params: Params, ctx: RequestContext): PaymentIntentObject {
    params.only(
      'amount_to_capture',
      'metadata',
      'final_capture',
      'statement_descriptor_suffix',
      'application_fee_amount',
    );
    const record = this.paymentIntent(id);
    const pi = record.object;
    if (pi.status !== 'requires_capture') {
      throw unexpectedState(pi, 'capture', ['requires_capture']);
    }
    const amount = params.integer('amount_to_capture') ?? pi.amount_capturable;
    if (amount < 1)
      throw parameterInvalid(
        'amount_to_capture',
        'amount_to_capture must be greater than 0.',
        'parameter_invalid_integer',
      );
    if (amount > pi.amount_capturable) {
      throw invalidRequest(
        `The amount to capture (${amount}) is greater than the amount capturable on this PaymentIntent (${pi.amount_capturable}).`,
        { code: 'amount_too_large', param: 'amount_to_capture' },
      );
    }
    const metadata = params.metadata();
    if (metadata) pi.metadata = { ...pi.metadata, ...metadata };
    const charge = this.charges.get(pi.latest_charge ?? '');
    if (!charge) throw new Error(`payment intent ${id} has no charge to capture`);
    this.captureCharge(charge, amount, record.card);
    pi.amount_received = amount;
    pi.amount_capturable = 0;
    pi.status = 'succeeded';
    this.emit('charge.captured', charge, ctx);
    this.emit('payment_intent.succeeded', pi, ctx);
    if (record.card) this.disputeLater(charge, record.card.behaviour, ctx);
    return pi;
  }

  cancelPaymentIntent(id: string, params: Params, ctx: RequestContext): PaymentIntentObject {
    params.only('cancellation_reason');
    const reason = params.oneOf('cancellation_reason', CANCELLATION_REASONS);
    const record = this.paymentIntent(id);
    const pi = record.object;
    if (!PI_CANCELABLE.includes(pi.status)) {
      throw unexpectedState(pi, 'cancel', PI_CANCELABLE);
    }
    const charge = this.charges.get(pi.latest_charge ?? '');
    if (charge && pi.status === 'requires_capture') {
      // Releasing an authorization: the uncaptured charge shows as refunded, no money moves.
      charge.refunded = true;
      charge.amount_refunded = charge.amount;
    }
    pi.status = 'canceled';
    pi.amount_capturable = 0;
    pi.canceled_at = nowSeconds();
    pi.cancellation_reason = reason ?? 'requested_by_customer';
    pi.next_action = null;
    this.emit('payment_intent.canceled', pi, ctx);
    return pi;
  }
}
