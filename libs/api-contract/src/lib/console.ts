/** Wire types of the console's payment routes under /admin (snake_case, amounts in minor units). */
import type { PaymentEventResource, PaymentResource, RefundResource } from './payments';
import type { KbArticleLinkResource } from './support';

/** A payment as an admin sees it: the merchant's view plus whose it is. */
export interface AdminPaymentResource extends PaymentResource {
  merchant_id: string;
}

/** `GET /admin/payments` query; every filter optional. `from` inclusive, `to` exclusive (ISO 8601). */
export interface AdminPaymentListQuery {
  merchant_id?: string;
  status?: string;
  gateway?: string;
  /** Only test or only live payments; both when absent. */
  mode?: 'test' | 'live';
  from?: string;
  to?: string;
  /** Minor units, inclusive. */
  amount_min?: number;
  amount_max?: number;
  customer_email?: string;
  /** A payment id, a gateway reference or a metadata value (exact match), or part of the description. */
  q?: string;
  /** 1-based page; 25 per page unless `page_size` (1 to 100). */
  page?: number;
  page_size?: number;
}

export interface AdminPaymentPageResource {
  object: 'list';
  data: AdminPaymentResource[];
  page: number;
  page_size: number;
  total: number;
}

/** `GET /admin/payments/{id}`: the payment with its timeline and refunds. */
export interface AdminPaymentDetailResource {
  payment: AdminPaymentResource;
  timeline: PaymentEventResource[];
  refunds: RefundResource[];
  /** For a failed payment: the knowledge-base articles of its gateway code and taxonomy code, the gateway's first. */
  articles: KbArticleLinkResource[];
}

/** `POST /admin/payments/{id}/capture|void|refund`: `amount` absent means the whole remaining amount. */
export interface AdminPaymentActionRequest {
  amount?: number;
  reason?: string;
}

/** `GET /admin/dashboard?mode=test|live`: today (UTC) per gateway, and the latest failures, of one mode. */
export interface DashboardResource {
  /** Test and live payments are never summed together: the dashboard shows one mode at a time. */
  mode: 'test' | 'live';
  since: string;
  gateways: Array<{
    gateway: string;
    /** Per currency: authorized or captured amounts of successful payments today. */
    volume: Array<{ currency: string; amount: number }>;
    attempts: number;
    succeeded: number;
    failed: number;
    /** succeeded / (succeeded + failed), or null when nothing finished today. */
    success_rate: number | null;
  }>;
  recent_failures: Array<{
    payment_id: string;
    gateway: string;
    amount: number;
    currency: string;
    code: string;
    message: string;
    created_at: string;
  }>;
}

/** A card the gateway sandboxes know, for the virtual terminal's picker. */
export interface TerminalTestCard {
  number: string;
  label: string;
  /** What the sandbox does with it: `succeeds`, `declines (card_declined)`… */
  outcome: string;
}

/** `GET /admin/terminal`: test connections the terminal may charge and the cards to try. */
export interface TerminalOptionsResource {
  connections: Array<{
    id: string;
    merchant_id: string;
    gateway: string;
    name: string;
    currencies: string[] | '*';
    /** The cards this connection's gateway sandbox documents. */
    test_cards: TerminalTestCard[];
  }>;
  /** Every card of the offered connections' sandboxes. */
  test_cards: TerminalTestCard[];
}

/** `POST /admin/terminal/payments`: test mode only; the API refuses a live connection. */
export interface TerminalPaymentRequest {
  connection_id: string;
  amount: number;
  currency: string;
  capture_method: 'automatic' | 'manual';
  card: { number: string; exp_month: number; exp_year: number; cvc: string };
  customer_email?: string;
  description?: string;
}
