import { randomBytes } from 'node:crypto';
import { invalidRequest, parameterInvalid, resourceMissing, StripeApiError } from './errors';
import { Params } from './form';
import { nowSeconds, stripeId } from './ids';
import { StripeCards } from './state-cards';
import {
  cardError,
  mergeMetadata,
  type CustomerObject,
  type PaymentMethodRecord,
  type RequestContext,
  type SetupIntentObject,
  type SetupIntentRecord,
  type StripeObject,
} from './state-types';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Customers, the PaymentMethods attached to them, and SetupIntents that save a card for later. */
export class StripeCustomers extends StripeCards {
  readonly customers = new Map<string, CustomerObject>();
  readonly deletedCustomers = new Set<string>();
  readonly setupIntents = new Map<string, SetupIntentRecord>();

  override find(id: string): StripeObject | undefined {
    return super.find(id) ?? this.customers.get(id) ?? this.setupIntents.get(id)?.object;
  }

  // ---- customers ----

  private customerFields(params: Params, customer: Partial<CustomerObject>): void {
    for (const field of ['email', 'name', 'phone', 'description'] as const) {
      if (!params.has(field)) continue;
      const value = params.string(field) || null;
      if (field === 'email' && value !== null && (!EMAIL.test(value) || value.length > 512))
        throw parameterInvalid('email', `Invalid email address: ${value}`, 'email_invalid');
      customer[field] = value;
    }
  }

  createCustomer(params: Params, ctx: RequestContext): CustomerObject {
    params.only('email', 'name', 'phone', 'description', 'metadata', 'payment_method', 'invoice_settings');
    const customer = this.track({
      id: stripeId('cus', 14),
      object: 'customer',
      address: null,
      balance: 0,
      created: nowSeconds(),
      currency: null,
      default_source: null,
      delinquent: false,
      description: null,
      discount: null,
      email: null,
      invoice_prefix: randomBytes(4).toString('hex').toUpperCase(),
      invoice_settings: {
        custom_fields: null,
        default_payment_method: null,
        footer: null,
        rendering_options: null,
      },
      livemode: false,
      metadata: params.metadata() ?? {},
      name: null,
      next_invoice_sequence: 1,
      phone: null,
      preferred_locales: [],
      shipping: null,
      tax_exempt: 'none',
      test_clock: null,
    }) as CustomerObject;
    this.customerFields(params, customer);
    const pmId = params.string('payment_method');
    this.customers.set(customer.id, customer);
    if (pmId) this.attachRecord(this.usablePaymentMethod(pmId, 'payment_method'), customer, ctx);
    this.invoiceDefault(params, customer);
    this.emit('customer.created', customer, ctx);
    return customer;
  }

  private invoiceDefault(params: Params, customer: CustomerObject): void {
    const settings = params.object('invoice_settings');
    if (!settings) return;
    settings.only('default_payment_method');
    const pm = settings.string('default_payment_method');
    if (pm && this.paymentMethods.get(pm)?.object['customer'] !== customer.id) {
      throw invalidRequest(`No such PaymentMethod: '${pm}'; it is not attached to customer ${customer.id}.`, {
        param: 'invoice_settings[default_payment_method]',
        code: 'resource_missing',
      });
    }
    customer.invoice_settings.default_payment_method = pm || null;
  }

  /** A live customer; a deleted one answers `{deleted: true}` on retrieve but refuses everything else. */
  protected customer(id: string, param = 'customer'): CustomerObject {
    const customer = this.customers.get(id);
    if (!customer) throw resourceMissing('customer', id, param);
    return customer;
  }

  retrieveCustomer(id: string): StripeObject {
    if (this.deletedCustomers.has(id)) return { id, object: 'customer', deleted: true, created: 0 };
    return this.customer(id);
  }

  updateCustomer(id: string, params: Params, ctx: RequestContext): CustomerObject {
    params.only('email', 'name', 'phone', 'description', 'metadata', 'invoice_settings');
    const customer = this.customer(id);
    this.customerFields(params, customer);
    customer.metadata = mergeMetadata(customer.metadata, params.metadata());
    this.invoiceDefault(params, customer);
    this.emit('customer.updated', customer, ctx);
    return customer;
  }

  /** Deleting a customer detaches its PaymentMethods for good, as Stripe does. */
  deleteCustomer(id: string, ctx: RequestContext): Record<string, unknown> {
    const customer = this.customer(id);
    for (const record of this.paymentMethods.values()) {
      if (record.object['customer'] === id) this.detachRecord(record, ctx);
    }
    this.customers.delete(id);
    this.deletedCustomers.add(id);
    this.emit('customer.deleted', customer, ctx);
    return { id, object: 'customer', deleted: true };
  }

  listCustomers(): CustomerObject[] {
    return [...this.customers.values()];
  }

  // ---- attaching PaymentMethods ----

  /** A PaymentMethod that can still be used: Stripe refuses one detached from its customer. */
  protected usablePaymentMethod(id: string, param: string): PaymentMethodRecord {
    const record = this.resolvePaymentMethod(id, param);
    if (record.detached) {
      throw invalidRequest(
        'This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again.',
        { param, status: 400 },
      );
    }
    return record;
  }

  private attachRecord(record: PaymentMethodRecord, customer: CustomerObject, ctx: RequestContext): void {
    const owner = record.object['customer'];
    if (owner === customer.id) return;
    if (owner) {
      throw invalidRequest('The payment method you provided has already been attached to a customer.', {
        param: 'payment_method',
      });
    }
    record.object['customer'] = customer.id;
    this.emit('payment_method.attached', record.object, ctx);
  }

  private detachRecord(record: PaymentMethodRecord, ctx: RequestContext): void {
    record.object['customer'] = null;
    record.detached = true;
    for (const customer of this.customers.values()) {
      if (customer.invoice_settings.default_payment_method === record.object.id)
        customer.invoice_settings.default_payment_method = null;
    }
    this.emit('payment_method.detached', record.object, ctx);
  }

  attachPaymentMethod(id: string, params: Params, ctx: RequestContext): StripeObject {
    params.only('customer');
    const customer = this.customer(params.requiredString('customer'));
    const record = this.usablePaymentMethod(id, 'payment_method');
    this.attachRecord(record, customer, ctx);
    return record.object;
  }

  detachPaymentMethod(id: string, params: Params, ctx: RequestContext): StripeObject {
    params.only();
    const record = this.paymentMethods.get(id);
    if (!record) throw resourceMissing('payment_method', id, 'payment_method');
    if (!record.object['customer']) {
      throw invalidRequest(
        'The payment method you provided is not attached to a customer so detachment is impossible.',
        { param: 'payment_method' },
      );
    }
    this.detachRecord(record, ctx);
    return record.object;
  }

  customerPaymentMethods(customerId: string, type?: string): StripeObject[] {
    this.customer(customerId);
    if (type !== undefined && type !== 'card') return [];
    return [...this.paymentMethods.values()]
      .filter((r) => r.object['customer'] === customerId)
      .map((r) => r.object);
  }

  retrieveCustomerPaymentMethod(customerId: string, id: string): StripeObject {
    const found = this.customerPaymentMethods(customerId).find((pm) => pm.id === id);
    if (!found) throw resourceMissing('payment_method', id, 'payment_method');
    return found;
  }

  /**
   * The customer a payment names and the PaymentMethod it uses must agree: a PaymentMethod
   * attached to one customer is only used with that customer.
   */
  protected checkOwner(record: PaymentMethodRecord, customerId: string | null, param: string): void {
    if (customerId) this.customer(customerId);
    const owner = record.object['customer'] as string | null;
    if (owner && owner !== customerId) {
      throw invalidRequest(
        `The provided PaymentMethod is attached to customer ${owner}; pass that customer with it.`,
        { param, code: 'payment_method_customer_mismatch' },
      );
    }
  }

  // ---- SetupIntents ----

  private setupIntent(id: string): SetupIntentRecord {
    const record = this.setupIntents.get(id);
    if (!record) throw resourceMissing('setup_intent', id, 'intent');
    return record;
  }

  createSetupIntent(params: Params, ctx: RequestContext): SetupIntentObject {
    params.only(
      'customer',
      'payment_method',
      'payment_method_types',
      'confirm',
      'usage',
      'metadata',
      'description',
      'return_url',
    );
    const customerId = params.string('customer') ?? null;
    if (customerId) this.customer(customerId);
    for (const type of params.strings('payment_method_types') ?? ['card']) {
      if (type !== 'card')
        throw parameterInvalid('payment_method_types', `The sandbox only sets up cards, not '${type}'.`);
    }
    const pmId = params.string('payment_method');
    const pm = pmId ? this.usablePaymentMethod(pmId, 'payment_method') : undefined;
    if (pm) this.checkOwner(pm, customerId, 'payment_method');
    const id = stripeId('seti');
    const object = this.track({
      id,
      object: 'setup_intent',
      application: null,
      automatic_payment_methods: null,
      cancellation_reason: null,
      client_secret: `${id}_secret_${stripeId('x', 25).slice(2)}`,
      created: nowSeconds(),
      customer: customerId,
      description: params.string('description') ?? null,
      flow_directions: null,
      last_setup_error: null,
      latest_attempt: null,
      livemode: false,
      mandate: null,
      metadata: params.metadata() ?? {},
      next_action: null,
      on_behalf_of: null,
      payment_method: pm?.object.id ?? null,
      payment_method_options: {
        card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' },
      },
      payment_method_types: ['card'],
      single_use_mandate: null,
      status: pm ? 'requires_confirmation' : 'requires_payment_method',
      usage: params.oneOf('usage', ['off_session', 'on_session']) ?? 'off_session',
    }) as SetupIntentObject;
    const record: SetupIntentRecord = { object, pm, returnUrl: params.string('return_url') };
    this.setupIntents.set(id, record);
    this.emit('setup_intent.created', object, ctx);
    if (params.boolean('confirm')) this.confirmSetupRecord(record, ctx);
    return object;
  }

  retrieveSetupIntent(id: string): SetupIntentObject {
    return this.setupIntent(id).object;
  }

  listSetupIntents(): SetupIntentObject[] {
    return [...this.setupIntents.values()].map((r) => r.object);
  }

  confirmSetupIntent(id: string, params: Params, ctx: RequestContext): SetupIntentObject {
    params.only('payment_method', 'return_url');
    const record = this.setupIntent(id);
    const si = record.object;
    if (!['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(si.status)) {
      throw invalidRequest(
        `This SetupIntent could not be confirmed because it has a status of ${si.status}.`,
        { code: 'setup_intent_unexpected_state' },
      );
    }
    const pmId = params.string('payment_method');
    if (pmId) {
      record.pm = this.usablePaymentMethod(pmId, 'payment_method');
      this.checkOwner(record.pm, si.customer, 'payment_method');
      si.payment_method = record.pm.object.id;
    }
    if (params.has('return_url')) record.returnUrl = params.string('return_url');
    this.confirmSetupRecord(record, ctx);
    return si;
  }

  private confirmSetupRecord(record: SetupIntentRecord, ctx: RequestContext): void {
    const si = record.object;
    const pm = record.pm;
    if (!pm) {
      throw invalidRequest("You cannot confirm this SetupIntent because it's missing a payment method.", {
        code: 'setup_intent_unexpected_state',
        param: 'payment_method',
      });
    }
    si.last_setup_error = null;
    const behaviour = pm.card.behaviour;
    if (behaviour.decline) {
      si.status = 'requires_payment_method';
      si.last_setup_error = {
        code: behaviour.decline.code,
        ...(behaviour.decline.decline_code ? { decline_code: behaviour.decline.decline_code } : {}),
        message: behaviour.decline.message,
        payment_method: pm.object,
        type: 'card_error',
      };
      si.payment_method = null;
      record.pm = undefined;
      this.emit('setup_intent.setup_failed', si, ctx);
      throw new StripeApiError(
        402,
        {
          ...cardError(behaviour.decline, 'payment_method').fields,
          decline_code: behaviour.decline.decline_code,
        },
        { saved: true, shouldRetry: false },
      );
    }
    if (behaviour.threeDSecure === 'required') {
      si.status = 'requires_action';
      const url = `${ctx.origin}/_sandbox/3ds/${si.id}`;
      si.next_action = record.returnUrl
        ? { type: 'redirect_to_url', redirect_to_url: { return_url: record.returnUrl, url } }
        : {
            type: 'use_stripe_sdk',
            use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: url, source: stripeId('src') },
          };
      this.emit('setup_intent.requires_action', si, ctx);
      return;
    }
    this.completeSetup(record, ctx);
  }

  private completeSetup(record: SetupIntentRecord, ctx: RequestContext): void {
    const si = record.object;
    const pm = record.pm;
    if (!pm) return;
    pm.card.setUp = true;
    si.status = 'succeeded';
    si.next_action = null;
    if (si.customer) this.attachRecord(pm, this.customer(si.customer), ctx);
    this.emit('setup_intent.succeeded', si, ctx);
  }

  /** The sandbox's 3-D Secure page for a SetupIntent: completes or fails the challenge. */
  authenticateSetup(id: string, succeeded: boolean, ctx: RequestContext): SetupIntentObject {
    const record = this.setupIntent(id);
    const si = record.object;
    if (si.status !== 'requires_action') {
      throw invalidRequest(
        `SetupIntent ${id} has status ${si.status}; only one in requires_action can be authenticated.`,
        { code: 'setup_intent_unexpected_state' },
      );
    }
    if (succeeded) {
      this.completeSetup(record, ctx);
      return si;
    }
    si.status = 'requires_payment_method';
    si.next_action = null;
    si.last_setup_error = {
      code: 'setup_intent_authentication_failure',
      message:
        'The latest attempt to set up the payment method has failed because authentication failed. Provide a new payment method or try again.',
      payment_method: record.pm?.object ?? null,
      type: 'invalid_request_error',
    };
    si.payment_method = null;
    record.pm = undefined;
    this.emit('setup_intent.setup_failed', si, ctx);
    return si;
  }

  cancelSetupIntent(id: string, params: Params, ctx: RequestContext): SetupIntentObject {
    params.only('cancellation_reason');
    const reason = params.oneOf('cancellation_reason', ['abandoned', 'duplicate', 'requested_by_customer']);
    const si = this.setupIntent(id).object;
    if (si.status === 'succeeded' || si.status === 'canceled') {
      throw invalidRequest(
        `This SetupIntent could not be canceled because it has a status of ${si.status}.`,
        { code: 'setup_intent_unexpected_state' },
      );
    }
    si.status = 'canceled';
    si['cancellation_reason'] = reason ?? null;
    si.next_action = null;
    this.emit('setup_intent.canceled', si, ctx);
    return si;
  }
}
