import { randomUUID } from 'node:crypto';
import {
  fail,
  GatewayError,
  luhnValid,
  succeed,
  type CardDetails,
  type Outcome,
  type TokenizeRequest,
  type TokenizeResult,
} from '@payrail/plugin-sdk';

export const HANDLE_PREFIX = 'ppcard_';

export interface CardHandle {
  card: CardDetails;
  expiresAt: number;
  /** The idempotency key of the authorization that used it: a handle serves one payment. */
  usedBy?: string;
}

/** Cards held in this process's memory under opaque handles, each for a short time and one payment. */
export class PayPalCardHandles {
  private readonly handles = new Map<string, CardHandle>();

  constructor(private readonly ttlMs: number) {}

  get(token: string): CardHandle | undefined {
    return this.handles.get(token);
  }

  /**
   * PayPal takes the raw card in the order itself, so tokenizing keeps the card in this process's
   * memory under an opaque handle for a short time; the handle serves one payment.
   */
  tokenize(request: TokenizeRequest): Outcome<TokenizeResult> {
    this.sweep();
    const digits = request.card.number.replace(/[\s-]/g, '');
    if (!/^\d{13,19}$/.test(digits) || !luhnValid(digits))
      return fail(
        new GatewayError('invalid_card_number', {
          param: 'card.number',
          detail: 'the card number is not 13-19 digits passing the Luhn check',
        }),
      );
    const { expMonth, expYear } = request.card;
    if (!Number.isInteger(expMonth) || expMonth < 1 || expMonth > 12 || !Number.isInteger(expYear))
      return fail(
        new GatewayError('invalid_request', {
          param: 'card.expMonth',
          detail: 'expMonth must be 1-12 and expYear a full year',
        }),
      );
    if (new Date(Date.UTC(expYear, expMonth, 1)) <= new Date())
      return fail(new GatewayError('expired_card', { param: 'card.expYear' }));
    if (request.card.cvc !== undefined && !/^\d{3,4}$/.test(request.card.cvc))
      return fail(
        new GatewayError('incorrect_cvc', {
          param: 'card.cvc',
          detail: 'the security code must be 3 or 4 digits',
        }),
      );
    const token = `${HANDLE_PREFIX}${randomUUID()}`;
    this.handles.set(token, {
      card: { ...request.card, number: digits },
      expiresAt: Date.now() + this.ttlMs,
    });
    const brand = /^4/.test(digits)
      ? 'visa'
      : /^(5[1-5]|2[2-7])/.test(digits)
        ? 'mastercard'
        : /^3[47]/.test(digits)
          ? 'amex'
          : undefined;
    return succeed({
      token,
      card: { ...(brand ? { brand } : {}), last4: digits.slice(-4), expMonth, expYear },
    });
  }

  private sweep(): void {
    const now = Date.now();
    for (const [token, handle] of this.handles) if (handle.expiresAt < now) this.handles.delete(token);
  }
}
