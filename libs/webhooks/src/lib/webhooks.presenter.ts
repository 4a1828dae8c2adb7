import type {
  InboxEventEffect,
  InboxEventResource,
  WebhookDeliveryAttemptResource,
  WebhookDeliveryResource,
  WebhookEndpointResource,
} from '@payrail/api-contract';
import type { InboxEvent } from './inbox-event.entity';
import type { WebhookDeliveryAttempt } from './webhook-delivery-attempt.entity';
import type { WebhookDelivery } from './webhook-delivery.entity';
import type { WebhookEndpoint } from './webhook-endpoint.entity';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentEndpoint(e: WebhookEndpoint): WebhookEndpointResource {
  return {
    id: e.id,
    object: 'webhook_endpoint',
    merchant_id: e.merchantId,
    mode: e.mode,
    url: e.url,
    event_types: e.eventTypes,
    description: e.description,
    enabled: e.enabled,
    secret_hint: `…${e.secretHint}`,
    created_at: e.createdAt.toISOString(),
  };
}

export function presentAttempt(a: WebhookDeliveryAttempt): WebhookDeliveryAttemptResource {
  return {
    attempt: a.attempt,
    status_code: a.statusCode,
    latency_ms: a.latencyMs,
    error: a.error,
    response_excerpt: a.responseExcerpt,
    at: a.createdAt.toISOString(),
  };
}

export function presentDelivery(
  d: WebhookDelivery,
  attempts?: WebhookDeliveryAttempt[],
): WebhookDeliveryResource {
  return {
    id: d.id,
    object: 'webhook_delivery',
    merchant_id: d.merchantId,
    event_id: d.eventId,
    event_type: d.eventType,
    endpoint_id: d.endpointId,
    state: d.state,
    attempts: d.attempts,
    next_attempt_at: iso(d.nextAttemptAt),
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    delivered_at: iso(d.deliveredAt),
    created_at: d.createdAt.toISOString(),
    ...(attempts ? { attempt_log: attempts.map(presentAttempt) } : {}),
  };
}

export function presentInboxEvent(e: InboxEvent, detail = false): InboxEventResource {
  return {
    id: e.id,
    object: 'inbox_event',
    merchant_id: e.merchantId,
    connection_id: e.connectionId,
    gateway: e.gateway,
    gateway_event_id: e.gatewayEventId,
    gateway_event_type: e.gatewayEventType,
    event_type: e.eventType,
    payment_reference: e.paymentReference,
    state: e.state,
    effect: e.effect as InboxEventEffect | null,
    received_at: e.receivedAt.toISOString(),
    processed_at: iso(e.processedAt),
    replays: e.replays,
    last_error: e.lastError,
    ...(detail ? { raw_body: e.rawBody, headers: e.headers } : {}),
  };
}
