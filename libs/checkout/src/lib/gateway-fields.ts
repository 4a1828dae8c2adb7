import { loadScript } from './load-script';
import type { ClientSession } from './session-api';

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

export async function cardFieldsFor(session: ClientSession): Promise<CardFields | null> {
  const config = session.gateway_config;
  switch (session.gateway) {
    case 'stripe': {
      await loadScript(session.sdk.script, session.sdk.integrity);
      const stripe = (window as Loose).Stripe(config['publishableKey']);
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
    default:
      return null;
  }
}

export async function walletButtonFor(session: ClientSession): Promise<WalletButton | null> {
  if (session.gateway !== 'paypal' || !session.methods.includes('paypal')) return null;
  const script = new URL(session.sdk.script);
  script.searchParams.set('client-id', session.gateway_config['clientId'] ?? '');
  script.searchParams.set('currency', session.currency);
  script.searchParams.set('intent', 'authorize');
  script.searchParams.set('components', 'buttons');
  await loadScript(script.toString(), session.sdk.integrity);
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
