import { loadScript } from './load-script';
import type { ClientSession, SessionApi } from './session-api';

/** A gateway's own card fields, mounted in the component: they give a token, never a card number. */
export interface CardFields {
  mount(container: HTMLElement): Promise<void>;
  tokenize(): Promise<{ token: string } | { error: string }>;
  focus(): void;
  destroy(): void;
}

/** PayPal's button: the buyer approves in PayPal's own window, which gives an order id. */
export interface WalletButton {
  render(
    container: HTMLElement,
    onToken: (token: string) => void,
    onError: (message: string) => void,
  ): Promise<void>;
}

type Loose = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- the gateways' globals are untyped here

const FIELD_ERROR = 'Please check your card details.';

export interface FieldOptions {
  /** Stripe: `card` (the Card Element, `createPaymentMethod`) or `payment` (the Payment Element, `confirmPayment`). */
  stripeElement?: string | null;
}

export async function cardFieldsFor(
  session: ClientSession,
  api: SessionApi,
  options: FieldOptions = {},
): Promise<CardFields | null> {
  const config = session.gateway_config;
  switch (session.gateway) {
    case 'stripe': {
      await loadScript(session.sdk.script, session.sdk.integrity);
      const stripe = (window as Loose).Stripe(config['publishableKey']);
      if (options.stripeElement === 'payment') return stripePaymentElement(stripe, session, api);
      const card = stripe.elements().create('card');
      return {
        mount: (container) =>
          new Promise((resolve) => {
            card.on('ready', () => resolve());
            card.mount(container);
          }),
        tokenize: async () => {
          const result = await stripe.createPaymentMethod({ type: 'card', card });
          return result.error
            ? { error: result.error.message ?? FIELD_ERROR }
            : { token: result.paymentMethod.id };
        },
        focus: () => card.focus(),
        destroy: () => card.destroy(),
      };
    }
    case 'square': {
      await loadScript(session.sdk.script, session.sdk.integrity);
      const payments = (window as Loose).Square.payments(config['applicationId'], config['locationId']);
      const card = await payments.card();
      return {
        mount: (container) => card.attach(container),
        tokenize: async () => {
          const result = await card.tokenize();
          if (result.status === 'OK') return { token: result.token };
          return { error: result.errors?.[0]?.message ?? FIELD_ERROR };
        },
        focus: () => void card.focus?.(),
        destroy: () => void card.destroy(),
      };
    }
    case 'paypal':
      return session.methods.includes('card') ? paypalCardFields(session, api) : null;
    default:
      return null;
  }
}

/**
 * Stripe's Payment Element with `confirmPayment`: Payrail makes a PaymentIntent per try (the
 * session's amount, manual capture) and hands over its client secret; Stripe.js confirms it,
 * 3-D Secure included, in the page; the session is then confirmed with the PaymentIntent's id,
 * which Payrail records (and captures) as the payment. A decline at Stripe is confirmed too, so
 * it is the session's failed try and the customer reads Payrail's words for it.
 */
function stripePaymentElement(stripe: Loose, session: ClientSession, api: SessionApi): CardFields {
  const elements = stripe.elements({
    mode: 'payment',
    amount: session.amount,
    currency: session.currency.toLowerCase(),
    captureMethod: 'manual',
    paymentMethodTypes: ['card'],
  });
  const element = elements.create('payment');
  return {
    mount: (container) =>
      new Promise((resolve) => {
        element.on('ready', () => resolve());
        element.mount(container);
      }),
    tokenize: async () => {
      const checked = await elements.submit();
      if (checked.error) return { error: checked.error.message ?? FIELD_ERROR };
      let order: { id: string; client_secret?: string };
      try {
        order = await api.gatewayOrder();
      } catch (error) {
        return { error: (error as Error).message };
      }
      const result = await stripe.confirmPayment({
        elements,
        clientSecret: order.client_secret,
        confirmParams: { return_url: api.returnUrl() },
        redirect: 'if_required',
      });
      if (!result.error) return { token: result.paymentIntent.id };
      // Refused by the bank: still this payment's try, whose message Payrail gives.
      if (result.error.payment_intent?.id === order.id) return { token: order.id };
      return { error: result.error.message ?? FIELD_ERROR };
    },
    focus: () => element.focus(),
    destroy: () => element.destroy(),
  };
}

/** PayPal's script, with the components the session offers: one URL, so it loads once for both. */
function paypalScript(session: ClientSession): string {
  const script = new URL(session.sdk.script);
  script.searchParams.set('client-id', session.gateway_config['clientId'] ?? '');
  script.searchParams.set('currency', session.currency);
  script.searchParams.set('intent', 'authorize');
  const components = ['buttons', ...(session.methods.includes('card') ? ['card-fields'] : [])];
  script.searchParams.set('components', components.join(','));
  return script.toString();
}

/** What PayPal's card fields say is wrong, in the customer's words. */
const PAYPAL_FIELD_ERRORS: Record<string, string> = {
  INVALID_NUMBER: 'Your card number is incomplete or invalid.',
  INVALID_EXPIRY: "Your card's expiry date is incomplete or in the past.",
  INVALID_CVV: "Your card's security code is incomplete.",
  INVALID_NAME: 'Please check the name on the card.',
  CARD_EXPIRED: 'Your card has expired. Please use another card.',
};

/**
 * PayPal's card fields (name, number, expiry, security code, each in PayPal's frame). Their
 * `createOrder` asks Payrail for an order with the session's amount; `submit()` attaches the
 * card to it at PayPal, and the approved order's id is the token the session is confirmed with.
 */
async function paypalCardFields(session: ClientSession, api: SessionApi): Promise<CardFields | null> {
  await loadScript(paypalScript(session), session.sdk.integrity);
  const paypal = (window as Loose).paypal;
  if (typeof paypal?.CardFields !== 'function') return null;
  let approved: string | null = null;
  let orderError: string | null = null;
  const fields = paypal.CardFields({
    createOrder: () =>
      api.gatewayOrder().then(
        (order) => order.id,
        (error: Error) => {
          orderError = error.message;
          throw error;
        },
      ),
    onApprove: (data: { orderID: string }) => {
      approved = data.orderID;
    },
    onError: () => undefined, // submit() rejects with the same error, handled there
  });
  if (!fields.isEligible()) return null;
  const parts = [fields.NameField(), fields.NumberField(), fields.ExpiryField(), fields.CVVField()];
  return {
    mount: async (container) => {
      const hosts = parts.map(() => {
        const host = document.createElement('div');
        host.className = 'payrail-card-field';
        container.appendChild(host);
        return host;
      });
      await Promise.all(parts.map((part, i) => part.render(hosts[i])));
    },
    tokenize: async () => {
      approved = orderError = null;
      try {
        await fields.submit();
      } catch (error) {
        const details: string[] = (error as { details?: string[] }).details ?? [];
        const known = details.map((code) => PAYPAL_FIELD_ERRORS[code]).find(Boolean);
        return { error: orderError ?? known ?? FIELD_ERROR };
      }
      return approved ? { token: approved } : { error: FIELD_ERROR };
    },
    focus: () => parts[1].focus(),
    destroy: () => parts.forEach((part) => void part.close()),
  };
}

export async function walletButtonFor(session: ClientSession): Promise<WalletButton | null> {
  if (session.gateway !== 'paypal' || !session.methods.includes('paypal')) return null;
  await loadScript(paypalScript(session), session.sdk.integrity);
  const paypal = (window as Loose).paypal;
  return {
    render: (container, onToken, onError) =>
      paypal
        .Buttons({
          createOrder: (_data: unknown, actions: Loose) =>
            actions.order.create({
              intent: 'AUTHORIZE',
              purchase_units: [
                { amount: { currency_code: session.currency, value: session.amount_decimal } },
              ],
            }),
          onApprove: (data: { orderID: string }) => onToken(data.orderID),
          onCancel: () => onError('The PayPal payment was cancelled. You can try again.'),
          onError: () => onError('PayPal could not start the payment. Please try again.'),
        })
        .render(container),
  };
}
