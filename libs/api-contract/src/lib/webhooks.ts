/** Wire types of webhooks: merchants' endpoints and deliveries, and the inbound gateway inbox (snake_case). */

export interface WebhookEndpointResource {
  id: string;
  object: 'webhook_endpoint';
  merchant_id: string;
  /** Test endpoints receive test events only; live endpoints live events only. */
  mode: 'test' | 'live';
  url: string;
  event_types: string[];
  description: string | null;
  enabled: boolean;
  /** The last 4 characters of the signing secret. */
  secret_hint: string;
  created_at: string;
}

/** The answer to creating an endpoint: the only time the signing secret is shown. */
export interface CreatedWebhookEndpointResource extends WebhookEndpointResource {
  secret: string;
}

export interface CreateWebhookEndpointRequest {
  url: string;
  event_types: string[];
  description?: string;
  /** Admin API only: the merchant the endpoint is for. */
  merchant_id?: string;
}

export interface UpdateWebhookEndpointRequest {
  url?: string;
  event_types?: string[];
  description?: string;
  enabled?: boolean;
}

/** What merchants receive: `POST` with `Payrail-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`. */
export interface WebhookEventPayload {
  id: string;
  object: 'event';
  type: string;
  created: number;
  merchant_id: string;
  data: { object: unknown; previous_status?: string; reason?: string };
}

export type WebhookDeliveryState = 'pending' | 'sending' | 'succeeded' | 'retrying' | 'dead';

export interface WebhookDeliveryAttemptResource {
  attempt: number;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  response_excerpt: string | null;
  at: string;
}

export interface WebhookDeliveryResource {
  id: string;
  object: 'webhook_delivery';
  merchant_id: string;
  event_id: string;
  event_type: string;
  endpoint_id: string;
  state: WebhookDeliveryState;
  attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
  /** In a single delivery's view: one row per try. */
  attempt_log?: WebhookDeliveryAttemptResource[];
}

export type InboxEventState = 'received' | 'applied' | 'ignored' | 'failed';

export interface InboxEventEffect {
  outcome: 'applied' | 'ignored' | 'no_payment' | 'no_state';
  payment_id: string | null;
  from_status: string | null;
  to_status: string | null;
  message: string;
}

export interface InboxEventResource {
  id: string;
  object: 'inbox_event';
  merchant_id: string;
  connection_id: string;
  gateway: string;
  gateway_event_id: string;
  gateway_event_type: string;
  event_type: string;
  payment_reference: string | null;
  state: InboxEventState;
  effect: InboxEventEffect | null;
  received_at: string;
  processed_at: string | null;
  replays: number;
  last_error: string | null;
  /** In a single event's view: what the gateway sent. */
  raw_body?: string;
  headers?: Record<string, string>;
}

export interface WebhookListResponse<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}
