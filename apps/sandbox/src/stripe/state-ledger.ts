import { parameterInvalid, parameterMissing, resourceMissing } from './errors';
import { Params } from './form';
import { nowSeconds, stripeId } from './ids';
import {
  STRIPE_API_VERSION,
  type BalanceTransactionObject,
  type CardRecord,
  type ChargeObject,
  type EventListener,
  type EventObject,
  type PaymentIntentRecord,
  type PaymentMethodRecord,
  type RefundObject,
  type RequestContext,
  type StripeObject,
  type StripeStateOptions,
  type WebhookEndpointObject,
} from './state-types';

/**
 * The account's records and what every resource shares: creation order, lookup by id, events
 * and their webhook endpoints, balance transactions, and deferred work.
 */
export class StripeLedger {
  protected seq = 0;
  protected readonly order = new Map<string, number>();
  readonly tokens = new Map<string, StripeObject & { used: boolean; card: CardRecord }>();
  readonly paymentMethods = new Map<string, PaymentMethodRecord>();
  readonly paymentIntents = new Map<string, PaymentIntentRecord>();
  readonly charges = new Map<string, ChargeObject>();
  readonly refunds = new Map<string, RefundObject>();
  readonly balanceTransactions = new Map<string, BalanceTransactionObject>();
  readonly events = new Map<string, EventObject>();
  readonly webhookEndpoints = new Map<string, WebhookEndpointObject>();
  protected readonly timers = new Set<NodeJS.Timeout>();
  protected readonly listeners: EventListener[] = [];

  constructor(protected readonly options: StripeStateOptions) {}

  onEvent(listener: EventListener): void {
    this.listeners.push(listener);
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Creation order: lists are newest first, and several objects share one second. */
  protected track<T extends StripeObject>(object: T): T {
    this.order.set(object.id, ++this.seq);
    return object;
  }

  sequence(id: string): number {
    return this.order.get(id) ?? 0;
  }

  /** Any object by id, for `expand`. */
  find(id: string): StripeObject | undefined {
    return (
      this.paymentIntents.get(id)?.object ??
      this.paymentMethods.get(id)?.object ??
      this.charges.get(id) ??
      this.refunds.get(id) ??
      this.balanceTransactions.get(id) ??
      this.events.get(id) ??
      this.webhookEndpoints.get(id)
    );
  }

  // ---- balance ----

  protected balanceTransaction(input: {
    amount: number;
    fee: number;
    currency: string;
    type: string;
    reporting_category: string;
    source: string;
    description: string | null;
    availableNow: boolean;
  }): BalanceTransactionObject {
    const created = nowSeconds();
    const txn = this.track({
      id: stripeId('txn'),
      object: 'balance_transaction',
      amount: input.amount,
      available_on: input.availableNow ? created : created + 2 * 86400,
      balance_type: 'payments',
      created,
      currency: input.currency,
      description: input.description,
      exchange_rate: null,
      fee: input.fee,
      fee_details: input.fee
        ? [
            {
              amount: input.fee,
              application: null,
              currency: input.currency,
              description: 'Stripe processing fees',
              type: 'stripe_fee',
            },
          ]
        : [],
      net: input.amount - input.fee,
      reporting_category: input.reporting_category,
      source: input.source,
      status: input.availableNow ? 'available' : 'pending',
      type: input.type,
    }) as BalanceTransactionObject;
    this.balanceTransactions.set(txn.id, txn);
    return txn;
  }

  /** Balance transactions with their status as of now (pending ones become available on `available_on`). */
  listBalanceTransactions(): BalanceTransactionObject[] {
    const now = nowSeconds();
    for (const txn of this.balanceTransactions.values()) {
      if (txn.status === 'pending' && txn.available_on <= now) txn.status = 'available';
    }
    return [...this.balanceTransactions.values()];
  }

  retrieveBalanceTransaction(id: string): BalanceTransactionObject {
    const txn = this.listBalanceTransactions().find((t) => t.id === id);
    if (!txn) throw resourceMissing('balance transaction', id);
    return txn;
  }

  /** Makes every pending balance transaction available now (the sandbox's "settle" control). */
  settleBalance(): number {
    let settled = 0;
    for (const txn of this.balanceTransactions.values()) {
      if (txn.status === 'pending') {
        txn.status = 'available';
        txn.available_on = nowSeconds();
        settled++;
      }
    }
    return settled;
  }

  balance(): Record<string, unknown> {
    const sums = new Map<string, { available: number; pending: number }>();
    for (const txn of this.listBalanceTransactions()) {
      const sum = sums.get(txn.currency) ?? { available: 0, pending: 0 };
      sum[txn.status] += txn.net;
      sums.set(txn.currency, sum);
    }
    if (sums.size === 0) sums.set('usd', { available: 0, pending: 0 });
    const rows = (kind: 'available' | 'pending') =>
      [...sums].map(([currency, sum]) => ({
        amount: sum[kind],
        currency,
        source_types: { card: sum[kind] },
      }));
    return { object: 'balance', available: rows('available'), livemode: false, pending: rows('pending') };
  }

  // ---- events and webhook endpoints ----

  protected emit(type: string, object: StripeObject, ctx: RequestContext): void {
    const endpoints = [...this.webhookEndpoints.values()].filter(
      (e) => e.status === 'enabled' && (e.enabled_events.includes('*') || e.enabled_events.includes(type)),
    );
    const event = this.track({
      id: stripeId('evt'),
      object: 'event',
      api_version: STRIPE_API_VERSION,
      created: nowSeconds(),
      data: { object: structuredClone(object) },
      livemode: false,
      pending_webhooks: endpoints.length,
      request: { id: ctx.requestId, idempotency_key: ctx.idempotencyKey ?? null },
      type,
    }) as EventObject;
    this.events.set(event.id, event);
    for (const listener of this.listeners) listener(event, endpoints);
  }

  retrieveEvent(id: string): EventObject {
    const event = this.events.get(id);
    if (!event) throw resourceMissing('event', id);
    return event;
  }

  listEvents(): EventObject[] {
    return [...this.events.values()];
  }

  createWebhookEndpoint(params: Params, secret: string): WebhookEndpointObject {
    params.only('url', 'enabled_events', 'description', 'metadata', 'api_version', 'connect');
    const url = params.requiredString('url');
    if (!/^https?:\/\/[^\s]+$/.test(url))
      throw parameterInvalid(
        'url',
        `Invalid URL: ${url}. URLs must begin with http:// or https://.`,
        'url_invalid',
      );
    const enabled = params.strings('enabled_events');
    if (!enabled || enabled.length === 0) throw parameterMissing('enabled_events');
    for (const type of enabled) {
      if (type !== '*' && !/^[a-z_]+(\.[a-z_]+)+$/.test(type)) {
        throw parameterInvalid('enabled_events', `Invalid enabled_events value: ${type}`);
      }
    }
    const endpoint = this.track({
      id: stripeId('we'),
      object: 'webhook_endpoint',
      api_version: params.string('api_version') ?? null,
      application: null,
      created: nowSeconds(),
      description: params.string('description') ?? null,
      enabled_events: enabled,
      livemode: false,
      metadata: params.metadata() ?? {},
      secret,
      status: 'enabled',
      url,
    }) as WebhookEndpointObject;
    this.webhookEndpoints.set(endpoint.id, endpoint);
    return endpoint;
  }

  retrieveWebhookEndpoint(id: string): WebhookEndpointObject {
    const endpoint = this.webhookEndpoints.get(id);
    if (!endpoint) throw resourceMissing('webhook_endpoint', id, 'webhook_endpoint');
    return endpoint;
  }

  updateWebhookEndpoint(id: string, params: Params): WebhookEndpointObject {
    params.only('url', 'enabled_events', 'description', 'metadata', 'disabled');
    const endpoint = this.retrieveWebhookEndpoint(id);
    const url = params.string('url');
    if (url !== undefined) endpoint.url = url;
    const enabled = params.strings('enabled_events');
    if (enabled) endpoint.enabled_events = enabled;
    const disabled = params.boolean('disabled');
    if (disabled !== undefined) endpoint.status = disabled ? 'disabled' : 'enabled';
    if (params.has('description')) endpoint['description'] = params.string('description') || null;
    const metadata = params.metadata();
    if (metadata) endpoint['metadata'] = { ...(endpoint['metadata'] as object), ...metadata };
    return endpoint;
  }

  deleteWebhookEndpoint(id: string): Record<string, unknown> {
    this.retrieveWebhookEndpoint(id);
    this.webhookEndpoints.delete(id);
    return { id, object: 'webhook_endpoint', deleted: true };
  }

  listWebhookEndpoints(): WebhookEndpointObject[] {
    return [...this.webhookEndpoints.values()];
  }

  protected later(task: () => void, delayMs = this.options.asyncRefundDelayMs): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }
}
