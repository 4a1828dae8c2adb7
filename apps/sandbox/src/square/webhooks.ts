import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { delivered, postWebhook } from '../kit';
import { invalid, missing, notFound } from './errors';

/** Event types this sandbox emits; Square accepts subscriptions to these and the payout ones. */
export const SUPPORTED_EVENT_TYPES = [
  'payment.created',
  'payment.updated',
  'refund.created',
  'refund.updated',
  'payout.sent',
  'payout.paid',
  'payout.failed',
  'dispute.created',
  'dispute.state.updated',
  'dispute.evidence.added',
] as const;

export interface WebhookSubscription {
  id: string;
  name?: string;
  enabled: boolean;
  event_types: string[];
  notification_url: string;
  api_version: string;
  signature_key: string;
  created_at: string;
  updated_at: string;
}

export interface WebhookDelivery {
  subscriptionId: string;
  eventId: string;
  type: string;
  url: string;
  attempts: number;
  /** HTTP status of the last attempt, or the network error's message. */
  lastResult?: number | string;
  delivered: boolean;
}

/** Square's signature: base64 HMAC-SHA256, keyed with the signature key, over notification URL + raw body. */
export function signSquareWebhook(notificationUrl: string, body: string, signatureKey: string): string {
  return createHmac('sha256', signatureKey)
    .update(notificationUrl + body)
    .digest('base64');
}

const RETRY_DELAYS_MS = [0, 200, 1000];

/** Holds subscriptions and delivers events to them, asynchronously and never failing the API call. */
export class WebhookHub {
  readonly subscriptions = new Map<string, WebhookSubscription>();
  readonly deliveries: WebhookDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(
    private readonly merchantId: string,
    private readonly squareVersion: string,
  ) {}

  create(body: Record<string, unknown>): WebhookSubscription {
    const input = body['subscription'] as Record<string, unknown> | undefined;
    if (!input || typeof input !== 'object') throw missing('subscription');
    const url = input['notification_url'];
    if (typeof url !== 'string' || !url) throw missing('subscription.notification_url');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalid(
        'INVALID_VALUE',
        `notification_url '${url}' is not a URL`,
        'subscription.notification_url',
      );
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      throw invalid(
        'INVALID_VALUE',
        'notification_url must be an http(s) URL',
        'subscription.notification_url',
      );
    const types = this.eventTypes(input['event_types'], 'subscription.event_types');
    const name = input['name'];
    if (name !== undefined && (typeof name !== 'string' || name.length > 64))
      throw invalid('VALUE_TOO_LONG', 'name must be a string of at most 64 characters', 'subscription.name');
    const now = new Date().toISOString();
    const subscription: WebhookSubscription = {
      id: `wbhk_${randomBytes(16).toString('hex')}`,
      ...(typeof name === 'string' ? { name } : {}),
      enabled: input['enabled'] !== false,
      event_types: types,
      notification_url: url,
      api_version: typeof input['api_version'] === 'string' ? input['api_version'] : this.squareVersion,
      signature_key: randomBytes(16).toString('base64url'),
      created_at: now,
      updated_at: now,
    };
    this.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  get(id: string): WebhookSubscription {
    const found = this.subscriptions.get(id);
    if (!found) throw notFound('webhook subscription', id);
    return found;
  }

  update(id: string, body: Record<string, unknown>): WebhookSubscription {
    const found = this.get(id);
    const input = (body['subscription'] ?? {}) as Record<string, unknown>;
    if (typeof input['name'] === 'string') found.name = input['name'];
    if (typeof input['enabled'] === 'boolean') found.enabled = input['enabled'];
    if (input['event_types'] !== undefined)
      found.event_types = this.eventTypes(input['event_types'], 'subscription.event_types');
    if (typeof input['notification_url'] === 'string') found.notification_url = input['notification_url'];
    found.updated_at = new Date().toISOString();
    return found;
  }

  delete(id: string): void {
    this.get(id);
    this.subscriptions.delete(id);
  }

  /** Queues `type` about `object` for every enabled subscription that wants it. */
  emit(type: string, objectType: 'payment' | 'refund' | 'payout' | 'dispute', object: { id: string }): void {
    if (this.closed) return;
    const eventId = randomUUID();
    const body = JSON.stringify({
      merchant_id: this.merchantId,
      type,
      event_id: eventId,
      created_at: new Date().toISOString(),
      data: { type: objectType, id: object.id, object: { [objectType]: structuredClone(object) } },
    });
    for (const subscription of this.subscriptions.values()) {
      if (!subscription.enabled || !subscription.event_types.includes(type)) continue;
      const delivery: WebhookDelivery = {
        subscriptionId: subscription.id,
        eventId,
        type,
        url: subscription.notification_url,
        attempts: 0,
        delivered: false,
      };
      this.deliveries.push(delivery);
      this.schedule(delivery, subscription, body, 0);
    }
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inFlight) controller.abort();
  }

  private schedule(
    delivery: WebhookDelivery,
    subscription: WebhookSubscription,
    body: string,
    attempt: number,
  ) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(delivery, subscription, body, attempt);
    }, RETRY_DELAYS_MS[attempt]);
    this.timers.add(timer);
  }

  private async attempt(
    delivery: WebhookDelivery,
    subscription: WebhookSubscription,
    body: string,
    attempt: number,
  ): Promise<void> {
    if (this.closed) return;
    delivery.attempts += 1;
    const controller = new AbortController();
    this.inFlight.add(controller);
    const result = await postWebhook(
      subscription.notification_url,
      {
        'content-type': 'application/json',
        'user-agent': 'Square Connect v2',
        'square-environment': 'Sandbox',
        'square-version': subscription.api_version,
        'x-square-hmacsha256-signature': signSquareWebhook(
          subscription.notification_url,
          body,
          subscription.signature_key,
        ),
        ...(attempt > 0
          ? { 'square-retry-number': String(attempt), 'square-retry-reason': String(delivery.lastResult) }
          : {}),
      },
      body,
      { timeoutMs: 5000, signal: controller.signal },
    );
    this.inFlight.delete(controller);
    delivery.lastResult = result.status ?? result.error;
    delivery.delivered = delivered(result);
    if (!delivery.delivered && attempt + 1 < RETRY_DELAYS_MS.length && !this.closed)
      this.schedule(delivery, subscription, body, attempt + 1);
  }

  private eventTypes(value: unknown, field: string): string[] {
    if (!Array.isArray(value) || value.length === 0) throw missing(field);
    for (const type of value) {
      if (typeof type !== 'string' || !(SUPPORTED_EVENT_TYPES as readonly string[]).includes(type))
        throw invalid('INVALID_VALUE', `'${String(type)}' is not a supported event type`, field);
    }
    return [...new Set(value as string[])];
  }
}
