// Customers and saved cards on Stripe: a Customer, PaymentMethods attached to it through a
// SetupIntent (which asks for 3-D Secure when the card needs it), detached to delete.
import type {
  CardDetails,
  SavedMethod,
  SaveMethodRequest,
  VaultCustomer,
  VaultCustomerRequest,
} from '@payrail/plugin-sdk';
import type Stripe from 'stripe';
import { METADATA } from './stripe.transformers';

type Options = (idempotencyKey?: string) => Stripe.RequestOptions;

export async function createStripeCustomer(
  stripe: Stripe,
  request: VaultCustomerRequest,
  options: Options,
): Promise<VaultCustomer> {
  const customer = await stripe.customers.create(
    {
      ...(request.email ? { email: request.email } : {}),
      ...(request.name ? { name: request.name } : {}),
      ...(request.phone ? { phone: request.phone } : {}),
      metadata: { [METADATA.customerId]: request.customerId },
    },
    options(request.idempotencyKey),
  );
  return { reference: customer.id };
}

function cardParams(card: CardDetails): Stripe.PaymentMethodCreateParams.Card {
  return {
    number: card.number.replace(/[\s-]/g, ''),
    exp_month: card.expMonth,
    exp_year: card.expYear,
    ...(card.cvc ? { cvc: card.cvc } : {}),
  };
}

export function savedMethodOf(method: Stripe.PaymentMethod): Omit<SavedMethod, 'status'> {
  return {
    reference: method.id,
    card: {
      brand: method.card?.brand,
      last4: method.card?.last4,
      expMonth: method.card?.exp_month,
      expYear: method.card?.exp_year,
      ...(method.card?.fingerprint ? { fingerprint: method.card.fingerprint } : {}),
    },
  };
}

/** A SetupIntent saves the card for off-session use; a card that needs 3-D Secure answers `requires_action`. */
export async function saveStripeMethod(
  stripe: Stripe,
  request: SaveMethodRequest,
  options: Options,
): Promise<SavedMethod> {
  const { method } = request;
  let paymentMethod: string;
  if ('card' in method) {
    paymentMethod = (
      await stripe.paymentMethods.create(
        { type: 'card', card: cardParams(method.card), billing_details: { name: method.card.name } },
        options(`${request.idempotencyKey}-pm`),
      )
    ).id;
  } else if (method.token.startsWith('tok_')) {
    paymentMethod = (
      await stripe.paymentMethods.create(
        { type: 'card', card: { token: method.token } },
        options(`${request.idempotencyKey}-pm`),
      )
    ).id;
  } else {
    paymentMethod = method.token;
  }
  const setup = await stripe.setupIntents.create(
    {
      customer: request.customerReference,
      payment_method: paymentMethod,
      usage: 'off_session',
      confirm: true,
      ...(request.returnUrl ? { return_url: request.returnUrl } : {}),
      expand: ['payment_method'],
    },
    options(request.idempotencyKey),
  );
  const pm =
    typeof setup.payment_method === 'string' || !setup.payment_method
      ? await stripe.paymentMethods.retrieve(String(setup.payment_method ?? paymentMethod))
      : setup.payment_method;
  const saved = savedMethodOf(pm);
  if (setup.status === 'succeeded') return { ...saved, status: 'ready' };
  const redirect = setup.next_action?.redirect_to_url?.url;
  const sdk = (setup.next_action?.use_stripe_sdk as { stripe_js?: string } | undefined)?.stripe_js;
  return {
    ...saved,
    status: 'requires_action',
    nextAction: { type: 'redirect_to_url', url: redirect ?? sdk },
  };
}

export async function listStripeMethods(stripe: Stripe, customerReference: string): Promise<SavedMethod[]> {
  const page = await stripe.customers.listPaymentMethods(customerReference, { type: 'card', limit: 100 });
  return page.data.map((pm) => ({ ...savedMethodOf(pm), status: 'ready' as const }));
}
