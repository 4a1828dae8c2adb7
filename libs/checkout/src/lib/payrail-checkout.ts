import { cardFieldsFor, walletButtonFor, type CardFields } from './gateway-fields';
import { SessionApi, SessionApiError, type ClientSession, type SessionState } from './session-api';
import { formatAmount } from './format';
import { installStyles } from './styles';

export interface PayrailSucceededDetail {
  session: string;
  payment: SessionState['payment'];
}

export interface PayrailFailedDetail {
  session: string;
  code: string;
  message: string;
  /** Whether the customer can try again on this page (another card, another attempt). */
  retryable: boolean;
}

const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text = '',
): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
};

/**
 * `<payrail-checkout session="ps_…" client-secret="ps_…_secret_…">`: the session's gateway's own
 * card fields (or PayPal's button), a pay button, and the outcome, announced to screen readers.
 * The card number is typed into the gateway's frame and never reaches this page or Payrail.
 */
export class PayrailCheckout extends HTMLElement {
  static observedAttributes = ['session', 'client-secret'];

  private started = false;
  private busy = false;
  private api: SessionApi | null = null;
  private session: ClientSession | null = null;
  private fields: CardFields | null = null;
  private readonly form = el('form', 'payrail-form');
  private readonly amount = el('p', 'payrail-amount');
  private readonly wallet = el('div', 'payrail-wallet');
  private readonly fieldsHost = el('div', 'payrail-fields');
  private readonly error = el('p', 'payrail-error');
  private readonly button = el('button', 'payrail-pay', 'Pay');
  private readonly status = el('p', 'payrail-status', 'Loading the payment form…');

  connectedCallback(): void {
    this.maybeStart();
  }

  attributeChangedCallback(): void {
    this.maybeStart();
  }

  private maybeStart(): void {
    const id = this.getAttribute('session');
    const secret = this.getAttribute('client-secret');
    if (this.started || !this.isConnected || !id || !secret) return;
    this.started = true;
    installStyles();
    this.render();
    const base = this.getAttribute('api-base') ?? new URL(import.meta.url).origin;
    this.api = new SessionApi(base.replace(/\/$/, ''), id, secret);
    void this.start(id);
  }

  private render(): void {
    this.form.noValidate = true;
    this.fieldsHost.setAttribute('role', 'group');
    this.fieldsHost.setAttribute('aria-label', 'Card details');
    this.error.setAttribute('role', 'alert');
    this.error.id = `payrail-error-${Math.random().toString(36).slice(2)}`;
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');
    this.button.type = 'submit';
    this.button.disabled = true;
    this.button.setAttribute('aria-describedby', this.error.id);
    this.form.append(this.amount, this.wallet, this.fieldsHost, this.error, this.button, this.status);
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.payWithCard();
    });
    this.replaceChildren(this.form);
  }

  private async start(id: string): Promise<void> {
    const api = this.api as SessionApi;
    try {
      const session = await api.client();
      this.session = session;
      const price = formatAmount(session.amount_decimal, session.currency, this.lang || navigator.language);
      this.amount.textContent = `Total: ${price}`;
      this.button.textContent = `Pay ${price}`;
      if (session.status === 'complete') return this.succeed(session);
      if (session.status === 'expired')
        return this.fail(
          'session_expired',
          'This payment page has expired. Please go back to the shop and start again.',
          false,
        );
      const button = await walletButtonFor(session);
      if (button)
        await button.render(
          this.wallet,
          (token) => void this.pay(token),
          (message) => this.showError(message),
        );
      this.fields = await cardFieldsFor(session, api, {
        stripeElement: this.getAttribute('stripe-element'),
      });
      if (this.fields) await this.fields.mount(this.fieldsHost);
      else this.fieldsHost.hidden = this.button.hidden = true;
      if (!this.fields && !button)
        throw new SessionApiError(0, 'unsupported', 'This payment method is not available here.');
      this.button.disabled = false;
      this.status.textContent = '';
      if (session.status === 'requires_action' || session.status === 'processing')
        await this.follow(session, 0);
    } catch (error) {
      this.fail(error instanceof SessionApiError ? error.code : 'load_failed', messageOf(error), false);
      void id;
    }
  }

  private async payWithCard(): Promise<void> {
    if (this.busy || !this.fields) return;
    this.setBusy(true);
    this.showError('');
    const result = await this.fields.tokenize().catch(() => ({ error: 'Please check your card details.' }));
    if ('error' in result) {
      this.setBusy(false);
      this.showError(result.error);
      this.fields.focus();
      return;
    }
    await this.pay(result.token);
  }

  private async pay(token: string): Promise<void> {
    this.setBusy(true);
    this.showError('');
    try {
      await this.follow(await (this.api as SessionApi).confirm(token), 0);
    } catch (error) {
      this.setBusy(false);
      this.fail(error instanceof SessionApiError ? error.code : 'confirm_failed', messageOf(error), true);
    }
  }

  /** Where the confirm left the session: done, another card, the bank's challenge, or a moment's wait. */
  private async follow(state: SessionState, round: number): Promise<void> {
    const api = this.api as SessionApi;
    switch (state.status) {
      case 'complete':
        return this.succeed(state);
      case 'expired':
        return this.fail(
          'session_expired',
          'This payment page has expired. Please go back to the shop and start again.',
          false,
        );
      case 'open': {
        this.setBusy(false);
        if (state.last_error) {
          this.fail(state.last_error.code, state.last_error.message, true);
          this.fields?.focus();
        }
        return;
      }
      case 'requires_action': {
        const url = state.payment?.next_action?.url;
        if (!url || round > 3) {
          this.setBusy(false);
          return this.fail(
            'authentication_required',
            'Your bank could not confirm this payment. Please try again.',
            true,
          );
        }
        this.status.textContent = 'Your bank needs you to confirm this payment.';
        await this.challenge(url);
        return this.follow(await api.confirm(), round + 1);
      }
      case 'processing': {
        if (round > 30) {
          this.setBusy(false);
          this.status.textContent =
            'Your payment is still being processed. You will get a confirmation shortly.';
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
        return this.follow(await api.confirm(), round + 1);
      }
    }
  }

  /** The bank's 3-D Secure page in a dialog; it ends when the gateway sends the customer back (to /pay/{id}/return). */
  private challenge(url: string): Promise<void> {
    const dialog = el('div', 'payrail-challenge');
    dialog.setAttribute('role', 'dialog');
    dialog.setAttribute('aria-modal', 'true');
    dialog.setAttribute('aria-label', 'Confirm the payment with your bank');
    const frame = el('iframe', '');
    frame.title = 'Confirm the payment with your bank';
    frame.src = url;
    const cancel = el('button', '', 'Cancel');
    cancel.type = 'button';
    dialog.append(frame, cancel);
    document.body.appendChild(dialog);
    frame.focus();
    const origin = new URL(import.meta.url).origin;
    return new Promise((resolve) => {
      const done = () => {
        window.removeEventListener('message', onMessage);
        dialog.remove();
        this.button.focus();
        resolve();
      };
      const onMessage = (event: MessageEvent) => {
        const data = event.data as { type?: string; session?: string } | null;
        if (
          event.source === frame.contentWindow &&
          data?.type === 'payrail:return' &&
          data.session === this.session?.id
        ) {
          if (
            event.origin === origin ||
            event.origin === new URL(this.getAttribute('api-base') ?? origin).origin
          )
            done();
        }
      };
      window.addEventListener('message', onMessage);
      cancel.addEventListener('click', done);
    });
  }

  private succeed(state: SessionState): void {
    this.busy = true;
    this.button.hidden = true;
    this.fieldsHost.hidden = true;
    this.wallet.hidden = true;
    this.showError('');
    this.status.textContent = 'Payment complete. Thank you!';
    this.dispatchEvent(
      new CustomEvent<PayrailSucceededDetail>('payrail:succeeded', {
        bubbles: true,
        composed: true,
        detail: { session: state.id, payment: state.payment },
      }),
    );
  }

  private fail(code: string, message: string, retryable: boolean): void {
    this.showError(message);
    this.status.textContent = '';
    if (!retryable) this.button.disabled = true;
    this.dispatchEvent(
      new CustomEvent<PayrailFailedDetail>('payrail:failed', {
        bubbles: true,
        composed: true,
        detail: { session: this.getAttribute('session') ?? '', code, message, retryable },
      }),
    );
  }

  private showError(message: string): void {
    this.error.textContent = message;
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    this.button.disabled = busy;
    this.form.setAttribute('aria-busy', String(busy));
    this.status.textContent = busy ? 'Processing your payment…' : '';
  }
}

function messageOf(error: unknown): string {
  return error instanceof SessionApiError
    ? error.message
    : 'The payment form could not be loaded. Please try again.';
}

export function definePayrailCheckout(): void {
  if (!customElements.get('payrail-checkout')) customElements.define('payrail-checkout', PayrailCheckout);
}
