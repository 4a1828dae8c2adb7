import {
  fail,
  GatewayError,
  redactText,
  succeed,
  type GatewayWebhookEvent,
  type Outcome,
  type WebhookEventType,
  type WebhookRequest,
} from '@payrail/plugin-sdk';
import type Stripe from 'stripe';
import { STRIPE_DISPUTE_EVENTS, toGatewayDispute } from './stripe.disputes';
import { toSnapshot } from './stripe.transformers';

export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';
/** Stripe's default: a signature older than five minutes is refused. */
export const STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * The events Payrail registers for: every payment intent, charge and refund change it acts on.
 * Every payment is a PaymentIntent, whose own events carry its whole state; `charge.captured`
 * and `charge.failed` would announce the same change again without it, a second delivery (and,
 * for a payment still in flight, a call back to Stripe) for nothing. They are still understood
 * when an endpoint registered for them delivers one.
 */
export const STRIPE_WEBHOOK_EVENTS = [
  'payment_intent.requires_action',
  'payment_intent.amount_capturable_updated',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'charge.refunded',
  'refund.created',
  'refund.updated',
  'refund.failed',
  // A card saved while 3-D Secure was pending is ready once its SetupIntent succeeds.
  'setup_intent.succeeded',
  ...STRIPE_DISPUTE_EVENTS,
] as const satisfies readonly Stripe.WebhookEndpointCreateParams.EnabledEvent[];

function eventType(event: Stripe.Event): WebhookEventType {
  const object = event.data.object as { status?: string };
  switch (event.type) {
    case 'payment_intent.requires_action':
      return 'payment.requires_action';
    case 'payment_intent.amount_capturable_updated':
      return 'payment.authorized';
    case 'payment_intent.succeeded':
    case 'charge.captured':
      return 'payment.captured';
    case 'payment_intent.canceled':
      return 'payment.voided';
    case 'payment_intent.payment_failed':
    case 'charge.failed':
      return 'payment.failed';
    case 'charge.refunded':
      return 'refund.succeeded';
    case 'refund.created':
    case 'refund.updated':
      return object.status === 'succeeded'
        ? 'refund.succeeded'
        : object.status === 'failed'
          ? 'refund.failed'
          : 'other';
    case 'refund.failed':
      return 'refund.failed';
    default:
      return 'other';
  }
}

/** The PaymentIntent an event is about, whichever object it carries. */
function paymentReference(event: Stripe.Event): string | undefined {
  const object = event.data.object as {
    object?: string;
    id?: string;
    payment_intent?: string | { id: string } | null;
  };
  if (object.object === 'payment_intent') return object.id;
  const pi = object.payment_intent;
  return typeof pi === 'string' ? pi : (pi?.id ?? undefined);
}

/** A SetupIntent that succeeded: its PaymentMethod is saved and ready off-session. */
function savedMethod(event: Stripe.Event): GatewayWebhookEvent['savedMethod'] {
  if (event.type !== 'setup_intent.succeeded') return undefined;
  const si = event.data.object as Stripe.SetupIntent;
  const pm = typeof si.payment_method === 'string' ? si.payment_method : si.payment_method?.id;
  if (!pm) return undefined;
  const customer = typeof si.customer === 'string' ? si.customer : si.customer?.id;
  return { methodReference: pm, ...(customer ? { customerReference: customer } : {}), status: 'ready' };
}

export function toWebhookEvents(event: Stripe.Event): GatewayWebhookEvent[] {
  const object = event.data.object as { object?: string };
  const saved = savedMethod(event);
  return [
    {
      id: event.id,
      type: eventType(event),
      gatewayType: event.type,
      reference: paymentReference(event),
      occurredAt: new Date(event.created * 1000),
      // A payment intent event carries the whole intent; refunds are only known to `sync`.
      snapshot:
        object.object === 'payment_intent'
          ? toSnapshot(event.data.object as Stripe.PaymentIntent)
          : undefined,
      ...(object.object === 'dispute'
        ? { dispute: toGatewayDispute(event.data.object as Stripe.Dispute) }
        : {}),
      ...(saved ? { savedMethod: saved } : {}),
    },
  ];
}

/** Checks `Stripe-Signature` over the raw body with the SDK's own verifier, then reads the event. */
export function verifyStripeWebhook(
  stripe: Stripe,
  request: WebhookRequest,
  secret: string | undefined,
  toleranceSeconds = STRIPE_WEBHOOK_TOLERANCE_SECONDS,
): Outcome<GatewayWebhookEvent[]> {
  if (!secret) {
    return fail(
      new GatewayError('invalid_request', {
        param: 'webhookSecret',
        detail: 'the connection has no webhookSecret: register a webhook endpoint first',
      }),
    );
  }
  const header = request.headers[STRIPE_SIGNATURE_HEADER];
  if (!header) {
    return fail(
      new GatewayError('invalid_request', {
        param: STRIPE_SIGNATURE_HEADER,
        detail: 'the delivery has no Stripe-Signature header',
      }),
    );
  }
  let event: Stripe.Event;
  try {
    event = stripe.webhooks.constructEvent(request.rawBody, header, secret, toleranceSeconds);
  } catch (error) {
    return fail(
      new GatewayError('invalid_request', {
        param: STRIPE_SIGNATURE_HEADER,
        gatewayCode: 'signature_verification_failed',
        detail: `Stripe-Signature check failed: ${redactText(error instanceof Error ? error.message : String(error))}`,
      }),
    );
  }
  return succeed(toWebhookEvents(event));
}
