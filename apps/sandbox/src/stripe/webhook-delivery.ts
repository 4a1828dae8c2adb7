import { createHmac } from 'node:crypto';
import { delivered, postWebhook } from '../kit';

export interface WebhookDeliveryAttempt {
  eventId: string;
  eventType: string;
  endpointId: string;
  url: string;
  attempt: number;
  /** HTTP status the endpoint answered with; absent when it could not be reached. */
  status?: number;
  error?: string;
  delivered: boolean;
  at: Date;
}

interface Target {
  endpointId: string;
  url: string;
  secret: string;
}

/** Stripe's signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload" keyed by the whsec_ secret>`. */
export function stripeSignatureHeader(
  payload: string,
  secret: string,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

/**
 * Delivers events to webhook endpoints in the background, as Stripe does: a POST of the
 * event JSON with `Stripe-Signature`, retried after each delay in `retryDelaysMs` when the
 * endpoint is down or answers anything but 2xx, then given up. Never blocks an API call.
 */
export class WebhookDispatcher {
  readonly attempts: WebhookDeliveryAttempt[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(
    private readonly options: {
      retryDelaysMs: number[];
      timeoutMs: number;
      onDelivered: (eventId: string) => void;
    },
  ) {}

  deliver(event: { id: string; type: string }, payload: string, target: Target): void {
    this.schedule(event, payload, target, 1, 0);
  }

  private schedule(
    event: { id: string; type: string },
    payload: string,
    target: Target,
    attempt: number,
    delayMs: number,
  ): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(event, payload, target, attempt);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async attempt(
    event: { id: string; type: string },
    payload: string,
    target: Target,
    attempt: number,
  ): Promise<void> {
    if (this.closed) return;
    const controller = new AbortController();
    this.inFlight.add(controller);
    const record: WebhookDeliveryAttempt = {
      eventId: event.id,
      eventType: event.type,
      endpointId: target.endpointId,
      url: target.url,
      attempt,
      delivered: false,
      at: new Date(),
    };
    const result = await postWebhook(
      target.url,
      {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'stripe-signature': stripeSignatureHeader(payload, target.secret),
      },
      payload,
      { timeoutMs: this.options.timeoutMs, signal: controller.signal },
    );
    this.inFlight.delete(controller);
    record.status = result.status;
    if (result.error) record.error = result.error;
    record.delivered = delivered(result);
    if (this.closed) return;
    this.attempts.push(record);
    if (record.delivered) {
      this.options.onDelivered(event.id);
    } else if (attempt <= this.options.retryDelaysMs.length) {
      this.schedule(event, payload, target, attempt + 1, this.options.retryDelaysMs[attempt - 1]);
    }
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }
}
