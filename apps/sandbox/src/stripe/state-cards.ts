import { createHash } from 'node:crypto';
import { luhnValid } from '@payrail/plugin-sdk';
import { behaviourOf, TEST_PAYMENT_METHODS, testTokenNumber } from './cards';
import { invalidRequest, parameterInvalid, parameterMissing, resourceMissing } from './errors';
import { Params } from './form';
import { nowSeconds, stripeId } from './ids';
import { cardError, type CardRecord, type PaymentMethodRecord, type StripeObject } from './state-types';
import { StripeSettlements } from './state-settlement';

/** The Card object spells brands as card networks do, unlike PaymentMethods. */
const CARD_OBJECT_BRANDS: Readonly<Record<string, string>> = {
  visa: 'Visa',
  mastercard: 'MasterCard',
  amex: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
};

/** Card details, tokens and PaymentMethods, as Stripe checks and stores them. */
export class StripeCards extends StripeSettlements {
  // ---- cards, tokens and payment methods ----

  /** Checks raw card details as Stripe does when a token or PaymentMethod is created. */
  protected readCard(card: Params): CardRecord {
    card.only('number', 'exp_month', 'exp_year', 'cvc', 'token', 'name');
    const number = card.requiredString('number').replace(/[\s-]/g, '');
    if (!/^\d{12,19}$/.test(number)) {
      throw cardError(
        { code: 'invalid_number', message: 'Your card number is not a valid credit card number.' },
        'number',
      );
    }
    if (!luhnValid(number)) {
      throw cardError({ code: 'incorrect_number', message: 'Your card number is incorrect.' }, 'number');
    }
    const expMonth = card.requiredInteger('exp_month');
    let expYear = card.requiredInteger('exp_year');
    if (expYear < 100) expYear += 2000;
    if (expMonth < 1 || expMonth > 12) {
      throw cardError(
        { code: 'invalid_expiry_month', message: "Your card's expiration month is invalid." },
        'exp_month',
      );
    }
    const today = new Date();
    const thisYear = today.getUTCFullYear();
    if (expYear < thisYear || expYear > thisYear + 50) {
      throw cardError(
        { code: 'invalid_expiry_year', message: "Your card's expiration year is invalid." },
        'exp_year',
      );
    }
    if (expYear === thisYear && expMonth < today.getUTCMonth() + 1) {
      throw cardError(
        { code: 'invalid_expiry_month', message: "Your card's expiration month is invalid." },
        'exp_month',
      );
    }
    const cvc = card.string('cvc');
    const behaviour = behaviourOf(number);
    if (cvc !== undefined && !(behaviour.brand === 'amex' ? /^\d{4}$/ : /^\d{3}$/).test(cvc)) {
      throw cardError({ code: 'invalid_cvc', message: "Your card's security code is invalid." }, 'cvc');
    }
    return { number, behaviour, cvcProvided: cvc !== undefined, expMonth, expYear };
  }

  protected testCard(number: string): CardRecord {
    const year = new Date().getUTCFullYear() + 1;
    return { number, behaviour: behaviourOf(number), cvcProvided: true, expMonth: 12, expYear: year };
  }

  protected cardSummary(card: CardRecord): Record<string, unknown> {
    return {
      brand: card.behaviour.brand,
      checks: {
        address_line1_check: null,
        address_postal_code_check: card.behaviour.postalCodeCheck ?? null,
        cvc_check: card.cvcProvided ? (card.behaviour.cvcCheck ?? 'pass') : null,
      },
      country: card.behaviour.country,
      display_brand: card.behaviour.brand,
      exp_month: card.expMonth,
      exp_year: card.expYear,
      fingerprint: createHash('sha256').update(card.number).digest('base64url').slice(0, 16),
      funding: card.behaviour.funding,
      generated_from: null,
      last4: card.number.slice(-4),
      networks: { available: [card.behaviour.brand], preferred: null },
      regulated_status: null,
      three_d_secure_usage: { supported: card.behaviour.threeDSecure !== 'not_supported' },
      wallet: null,
    };
  }

  createToken(params: Params): StripeObject {
    params.only('card');
    const card = params.object('card');
    if (!card) throw parameterMissing('card');
    const record = this.readCard(card);
    const summary = this.cardSummary(record);
    const token = this.track({
      id: stripeId('tok'),
      object: 'token',
      card: record,
      client_ip: '127.0.0.1',
      created: nowSeconds(),
      livemode: false,
      type: 'card',
      used: false,
    });
    this.tokens.set(token.id, token);
    return { ...token, card: this.cardObject(record, summary) };
  }

  /** A token's `card` is the older Card object: capitalised brand names and flat address checks. */
  private cardObject(card: CardRecord, summary: Record<string, unknown>): Record<string, unknown> {
    const checks = summary['checks'] as Record<string, string | null>;
    return {
      id: stripeId('card'),
      object: 'card',
      address_city: null,
      address_country: null,
      address_line1: null,
      address_line1_check: null,
      address_line2: null,
      address_state: null,
      address_zip: null,
      address_zip_check: checks['address_postal_code_check'],
      brand: CARD_OBJECT_BRANDS[card.behaviour.brand] ?? 'Unknown',
      country: summary['country'],
      cvc_check: checks['cvc_check'],
      dynamic_last4: null,
      exp_month: card.expMonth,
      exp_year: card.expYear,
      fingerprint: summary['fingerprint'],
      funding: summary['funding'],
      last4: summary['last4'],
      metadata: {},
      name: null,
      tokenization_method: null,
      wallet: null,
    };
  }

  protected cardFromToken(tokenId: string, param: string): CardRecord {
    const magic = testTokenNumber(tokenId);
    if (magic) return this.testCard(magic);
    const token = this.tokens.get(tokenId);
    if (!token) throw resourceMissing('token', tokenId, param);
    if (token.used) {
      throw invalidRequest(`You cannot use a Stripe token more than once: ${tokenId}.`, {
        code: 'token_already_used',
        param,
      });
    }
    token.used = true;
    return token.card;
  }

  createPaymentMethod(params: Params, prefix = ''): StripeObject {
    params.only('type', 'card', 'billing_details', 'metadata');
    const type = params.requiredString('type');
    if (type !== 'card') {
      throw parameterInvalid(`${prefix}type`, `The sandbox only creates card PaymentMethods, not '${type}'.`);
    }
    const card = params.object('card');
    if (!card) throw parameterMissing(`${prefix}card`);
    const token = card.string('token');
    const record = token ? this.cardFromToken(token, `${prefix}card[token]`) : this.readCard(card);
    const billing = params.object('billing_details');
    billing?.only('name', 'email', 'phone', 'address');
    return this.storePaymentMethod(record, {
      name: billing?.string('name') ?? null,
      email: billing?.string('email') ?? null,
      phone: billing?.string('phone') ?? null,
      metadata: params.metadata() ?? {},
    }).object;
  }

  protected storePaymentMethod(
    card: CardRecord,
    extra: {
      name?: string | null;
      email?: string | null;
      phone?: string | null;
      metadata?: Record<string, string>;
    } = {},
  ): PaymentMethodRecord {
    const object = this.track({
      id: stripeId('pm'),
      object: 'payment_method',
      allow_redisplay: 'unspecified',
      billing_details: {
        address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
        email: extra.email ?? null,
        name: extra.name ?? null,
        phone: extra.phone ?? null,
        tax_id: null,
      },
      card: this.cardSummary(card),
      created: nowSeconds(),
      customer: null,
      livemode: false,
      metadata: extra.metadata ?? {},
      type: 'card',
    });
    const record = { object, card };
    this.paymentMethods.set(object.id, record);
    return record;
  }

  retrievePaymentMethod(id: string): StripeObject {
    const magic = TEST_PAYMENT_METHODS[id];
    if (magic) return this.storePaymentMethod(this.testCard(magic)).object;
    const record = this.paymentMethods.get(id);
    if (!record) throw resourceMissing('payment_method', id);
    return record.object;
  }

  /** A `payment_method` parameter: a stored PaymentMethod, or a `pm_card_*` test id (a fresh PaymentMethod). */
  protected resolvePaymentMethod(id: string, param: string): PaymentMethodRecord {
    const magic = TEST_PAYMENT_METHODS[id];
    if (magic) return this.storePaymentMethod(this.testCard(magic));
    const record = this.paymentMethods.get(id);
    if (!record) throw resourceMissing('PaymentMethod', id, param);
    return record;
  }
}
