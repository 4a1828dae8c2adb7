// PaymentIntents the customer's browser confirms with Stripe.js `confirmPayment` (the Payment
// Element): Payrail makes one per try with the session's amount, the browser confirms it with its
// client secret (3-D Secure inside Stripe.js), and `authorize` then records it as the payment.
import {
  BROWSER_ORDER_REFERENCE,
  fail,
  GatewayError,
  succeed,
  type AuthorizeRequest,
  type BrowserOrder,
  type BrowserOrderRequest,
  type GatewayPaymentSnapshot,
  type Outcome,
} from '@payrail/plugin-sdk';
import type Stripe from 'stripe';
import { toSnapshot } from './stripe.transformers';

/** A PaymentIntent id as `authorize` takes it for a browser-confirmed payment. */
export const BROWSER_INTENT = /^pi_[A-Za-z0-9]+$/;

/** Manual capture, as every Payrail authorization on Stripe: Payrail captures once it recorded it. */
export function browserIntentParams(request: BrowserOrderRequest): Stripe.PaymentIntentCreateParams {
  return {
    amount: request.amount.amount,
    currency: request.amount.currency.toLowerCase(),
    capture_method: 'manual',
    allowed_payment_method_types: ['card'],
    metadata: { [BROWSER_ORDER_REFERENCE]: request.reference },
    ...(request.description ? { description: request.description } : {}),
  } as Stripe.PaymentIntentCreateParams;
}

export function browserOrderOf(pi: Stripe.PaymentIntent): Outcome<BrowserOrder> {
  if (!pi.client_secret)
    return fail(
      new GatewayError('processing_error', {
        detail: 'Stripe answered a PaymentIntent without a client secret',
      }),
    );
  return succeed({ reference: pi.id, clientSecret: pi.client_secret });
}

/**
 * The PaymentIntent the browser confirmed, as the payment's snapshot: only one made for this
 * payment session (its metadata), for this amount, and confirmed (a decline there is this
 * payment's failure, in the taxonomy, so the customer's message comes from Payrail).
 */
export function adoptBrowserIntent(
  pi: Stripe.PaymentIntent,
  request: AuthorizeRequest,
): Outcome<GatewayPaymentSnapshot> {
  const expected = request.metadata?.[BROWSER_ORDER_REFERENCE];
  if (!expected || pi.metadata?.[BROWSER_ORDER_REFERENCE] !== expected)
    return fail(
      new GatewayError('invalid_request', {
        param: 'token',
        detail: `PaymentIntent ${pi.id} was not made for this payment session`,
      }),
    );
  if (pi.amount !== request.amount.amount || pi.currency !== request.amount.currency.toLowerCase())
    return fail(
      new GatewayError('invalid_request', {
        param: 'amount',
        detail: `PaymentIntent ${pi.id} is for ${pi.amount} ${pi.currency}, not the payment's amount`,
      }),
    );
  if (pi.status === 'requires_payment_method' && !pi.last_payment_error)
    return fail(
      new GatewayError('invalid_request', {
        param: 'token',
        detail: `PaymentIntent ${pi.id} has not been confirmed in the browser yet`,
      }),
    );
  const snapshot = toSnapshot(pi);
  if (snapshot.status === 'failed')
    return fail(
      new GatewayError(snapshot.failure?.code ?? 'card_declined', {
        detail: snapshot.failure?.message,
        gatewayCode: snapshot.failure?.gatewayCode,
        reference: pi.id,
      }),
    );
  return succeed(snapshot);
}
