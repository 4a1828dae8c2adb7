import { paypalId } from './paypal-store';
import { postDelivery, type WebhookEnvelope } from './paypal-webhooks';
import { EVENT_TYPES } from './sandbox-types';
import type { PayPalWorld } from './world';
import type { paypalRenderers } from './render';

/** Webhook events: their envelopes, and delivery to every listening webhook after the call answers. */
export function paypalEvents(w: PayPalWorld, render: ReturnType<typeof paypalRenderers>) {
  const { store, signer, deliveries, timers, inFlight, retryDelays, certUrl, href } = w;
  const { renderAuthorization, renderCapture, renderRefund, renderOrder } = render;

  function envelope(
    eventType: string,
    resourceType: string,
    resource: Record<string, unknown>,
    at = new Date(),
  ): WebhookEnvelope {
    const id = `WH-${paypalId()}-${paypalId()}`;
    return {
      id,
      event_version: '1.0',
      create_time: at.toISOString(),
      resource_type: resourceType,
      resource_version: '2.0',
      event_type: eventType,
      summary: EVENT_TYPES[eventType] ?? eventType,
      resource,
      links: [
        href(`/v1/notifications/webhooks-events/${id}`, 'self'),
        href(`/v1/notifications/webhooks-events/${id}/resend`, 'resend', 'POST'),
      ],
    };
  }

  function eventFor(resourceId: string, eventType?: string, at?: Date): WebhookEnvelope {
    const order = store.orders.get(resourceId);
    if (order)
      return envelope(eventType ?? 'CHECKOUT.ORDER.APPROVED', 'checkout-order', renderOrder(order), at);
    const auth = store.authorizations.get(resourceId);
    if (auth) {
      if (eventType?.startsWith('PAYMENT.CAPTURE.') && auth.captureIds.length)
        return eventFor(auth.captureIds[auth.captureIds.length - 1], eventType, at);
      const type =
        eventType ??
        (auth.status === 'VOIDED' ? 'PAYMENT.AUTHORIZATION.VOIDED' : 'PAYMENT.AUTHORIZATION.CREATED');
      return envelope(type, 'authorization', renderAuthorization(auth, true), at);
    }
    const capture = store.captures.get(resourceId);
    if (capture) {
      const type =
        eventType ??
        (capture.status === 'DECLINED' ? 'PAYMENT.CAPTURE.DECLINED' : 'PAYMENT.CAPTURE.COMPLETED');
      return envelope(type, 'capture', renderCapture(capture, true), at);
    }
    const refund = store.refunds.get(resourceId);
    if (refund) return envelope(eventType ?? 'PAYMENT.CAPTURE.REFUNDED', 'refund', renderRefund(refund), at);
    throw new Error(`no order, authorization, capture or refund '${resourceId}' in the PayPal sandbox`);
  }

  function track(promise: Promise<void>): void {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
  }

  /** Delivers an event to every webhook of the account that listens for it, after the API call answers. */
  function emit(clientId: string, event: WebhookEnvelope): void {
    const body = JSON.stringify(event);
    for (const webhook of store.webhooks.values()) {
      if (webhook.clientId !== clientId) continue;
      if (!webhook.eventTypes.includes('*') && !webhook.eventTypes.includes(event.event_type)) continue;
      const attempt = (n: number): void => {
        if (w.closed) return;
        const delivery = signer.sign(body, webhook.id, certUrl());
        track(
          postDelivery(webhook.url, delivery).then((result) => {
            deliveries.push({
              webhookId: webhook.id,
              url: webhook.url,
              eventId: event.id,
              eventType: event.event_type,
              attempt: n,
              ...result,
            });
            const ok = result.status !== undefined && result.status >= 200 && result.status < 300;
            if (!ok && n <= retryDelays.length && !w.closed) {
              const timer = setTimeout(
                () => {
                  timers.delete(timer);
                  attempt(n + 1);
                },
                retryDelays[n - 1],
              );
              timers.add(timer);
            }
          }),
        );
      };
      const timer = setTimeout(() => {
        timers.delete(timer);
        attempt(1);
      }, 0);
      timers.add(timer);
    }
  }

  return { envelope, eventFor, track, emit };
}
