/** What `GET /v1/payment_sessions/{id}/client` answers: the session's public side only. */
export interface ClientSession {
  id: string;
  status: 'open' | 'processing' | 'requires_action' | 'complete' | 'expired';
  amount: number;
  amount_decimal: string;
  currency: string;
  gateway: string;
  livemode: boolean;
  return_url: string | null;
  methods: string[];
  gateway_config: Record<string, string>;
  sdk: { script: string; integrity?: string };
  payment: { id: string; status: string; next_action: { type: string; url?: string } | null } | null;
  last_error: { code: string; message: string } | null;
}

export type SessionState = Omit<ClientSession, 'methods' | 'gateway_config' | 'sdk'>;

export class SessionApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The calls a page may make with a client secret. */
export class SessionApi {
  constructor(
    private readonly base: string,
    private readonly sessionId: string,
    private readonly clientSecret: string,
  ) {}

  client(): Promise<ClientSession> {
    const query = new URLSearchParams({ client_secret: this.clientSecret });
    return this.call<ClientSession>('GET', `client?${query}`);
  }

  confirm(token?: string): Promise<SessionState> {
    return this.call<SessionState>('POST', 'confirm', {
      client_secret: this.clientSecret,
      ...(token ? { token } : {}),
    });
  }

  /**
   * An order at the session's gateway for its SDK to confirm: a PayPal order for the card fields,
   * a Stripe PaymentIntent (with its client secret) for `confirmPayment`.
   */
  gatewayOrder(): Promise<{ id: string; client_secret?: string }> {
    return this.call<{ id: string; client_secret?: string }>('POST', 'gateway_order', {
      client_secret: this.clientSecret,
    });
  }

  /** Payrail's page a gateway's challenge returns to (it only tells the page the customer is back). */
  returnUrl(): string {
    return `${this.base}/pay/${encodeURIComponent(this.sessionId)}/return`;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}/v1/payment_sessions/${encodeURIComponent(this.sessionId)}/${path}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
        credentials: 'omit',
      });
    } catch {
      throw new SessionApiError(
        0,
        'network_error',
        'We could not reach the payment service. Check your connection and try again.',
      );
    }
    const json = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    if (!res.ok)
      throw new SessionApiError(
        res.status,
        json.error?.code ?? 'error',
        customerFacing(res.status, json.error?.code),
      );
    return json as T;
  }
}

/** Refusals in the customer's words; the API's own message is for the merchant's developers. */
function customerFacing(status: number, code?: string): string {
  if (code === 'session_expired')
    return 'This payment page has expired. Please go back to the shop and start again.';
  if (status === 401 || status === 404)
    return 'This payment link is not valid. Please go back to the shop and start again.';
  if (status === 403) return 'This page is not allowed to take payments for this shop.';
  if (status === 429 || status >= 500) return 'The payment service is busy. Please try again in a moment.';
  return 'The payment could not be started. Please try again.';
}
