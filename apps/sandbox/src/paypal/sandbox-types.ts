// The PayPal sandbox's options, request shapes and the constants its handlers share.
import { type IncomingMessage } from 'node:http';
import type { MultipartPart } from '../kit';
import { cardBrand as sdkCardBrand, type CardBrand } from '@payrail/plugin-sdk';
import { issueError } from './paypal-errors';
import { PayPalStore } from './paypal-store';
import { type DeliveryRecord, type SignedDelivery } from './paypal-webhooks';

/** A record the sandbox itself stored and must find again; its absence is a sandbox bug. */
export function must<K, V>(map: Map<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`sandbox state lost ${String(key)}`);
  return value;
}

export const PAYPAL_SANDBOX_DEFAULTS = Object.freeze({
  port: 12112,
  host: '127.0.0.1',
  clientId: 'payrail-sandbox-test-client-id',
  clientSecret: 'payrail-sandbox-test-client-secret',
  /** Seconds an access token lives, as PayPal's usual `expires_in`. */
  tokenTtlSeconds: 32400,
});

export interface PayPalSandboxOptions {
  port?: number;
  host?: string;
  /** Keep every API exchange in `exchanges` (for checking responses against the OpenAPI specs). */
  record?: boolean;
  tokenTtlSeconds?: number;
  /** Extra REST apps (client id and secret) besides the default one. */
  clients?: { clientId: string; clientSecret: string }[];
  /** Waits between webhook delivery attempts; the first attempt is immediate. Default [1000, 5000]. */
  webhookRetryDelaysMs?: number[];
}

export interface RecordedExchange {
  method: string;
  path: string;
  status: number;
  contentType?: string;
  body: unknown;
}

export interface PayPalSandbox {
  url: string;
  port: number;
  /** Where the webhook signing certificate is served. */
  certUrl: string;
  readonly exchanges: RecordedExchange[];
  readonly deliveries: DeliveryRecord[];
  readonly store: PayPalStore;
  close(): Promise<void>;
  reset(): void;
  addClient(clientId: string, clientSecret: string): void;
  /** Delays every API call of `clientId` (or of every client) by `ms` before it is handled. */
  setLatency(ms: number, clientId?: string): void;
  /** Makes every issued access token invalid, as if they had expired at PayPal. */
  expireTokens(): void;
  /** The buyer approves a PayPal-wallet order. */
  approveOrder(orderId: string, buyer?: { email?: string }): void;
  /** The buyer disputes a completed capture (`CUSTOMER.DISPUTE.CREATED`); returns the dispute id. */
  openDispute(captureId: string, reason?: string, inquiry?: boolean): string;
  /** PayPal decides the dispute: WON for the seller, LOST for the buyer (`CUSTOMER.DISPUTE.RESOLVED`). */
  resolveDispute(disputeId: string, outcome: 'WON' | 'LOST'): void;
  /** A delivery signed as PayPal signs it, about an order, authorization, capture or refund. */
  signedDelivery(input: {
    resourceId: string;
    webhookId: string;
    eventType?: string;
    at?: Date;
  }): SignedDelivery;
  /** Resolves once no webhook delivery is in flight. */
  idle(): Promise<void>;
}

export interface Context {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  rawBody: string;
  /** The file parts of a multipart body (provide-evidence documents). */
  files?: MultipartPart[];
  clientId: string;
  params: string[];
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: Context) => Reply;

export interface Route {
  method: string;
  pattern: RegExp;
  operation: string;
  /** Calls that take `PayPal-Request-Id` and replay. */
  idempotent?: 'replay-200' | 'replay-same';
  /** Takes `multipart/form-data` whose `input` part is the JSON body (the disputes API). */
  multipart?: boolean;
  public?: boolean;
  handler: Handler;
}

/** Card-holder name triggers from PayPal's card-testing page: processor response code each gives. */
export const CARD_TRIGGERS: Record<string, { code: string; cvv?: string; atCapture?: boolean }> = {
  'CCREJECT-REFUSED': { code: '0500' },
  'CCREJECT-SF': { code: '9500' },
  'CCREJECT-EC': { code: '5400' },
  'CCREJECT-IRC': { code: '5180' },
  // Insufficient funds surfaces when money moves: the authorization holds, the capture is declined.
  'CCREJECT-IF': { code: '5120', atCapture: true },
  'CCREJECT-LS': { code: '9520' },
  'CCREJECT-IA': { code: '1330' },
  'CCREJECT-BANK_ERROR': { code: '5100' },
  'CCREJECT-CVV_F': { code: '00N7', cvv: 'N' },
};

export const EVENT_TYPES: Record<string, string> = {
  'CHECKOUT.ORDER.APPROVED': 'An order has been approved by buyer.',
  'CHECKOUT.ORDER.COMPLETED': 'Checkout Order Completed',
  'PAYMENT.AUTHORIZATION.CREATED':
    'A payment authorization is created, approved, executed, or a future payment authorization is created.',
  'PAYMENT.AUTHORIZATION.VOIDED': 'A payment authorization is voided.',
  'PAYMENT.CAPTURE.COMPLETED': 'A payment capture completes.',
  'PAYMENT.CAPTURE.DECLINED': 'A payment capture is declined.',
  'PAYMENT.CAPTURE.DENIED': 'A payment capture is denied.',
  'PAYMENT.CAPTURE.PENDING': 'The state of a payment capture changes to pending.',
  'PAYMENT.CAPTURE.REFUNDED': 'A merchant refunds a payment capture.',
  'PAYMENT.CAPTURE.REVERSED': 'PayPal reverses a payment capture.',
  'CUSTOMER.DISPUTE.CREATED': 'A dispute is created.',
  'CUSTOMER.DISPUTE.UPDATED': 'A dispute is updated.',
  'CUSTOMER.DISPUTE.RESOLVED': 'A dispute is resolved.',
  'VAULT.PAYMENT-TOKEN.CREATED': 'A payment token is created to save a payment method.',
  'VAULT.PAYMENT-TOKEN.DELETED': 'A payment token is deleted.',
};

export const MAX_CAPTURES = 10;
export const MAX_WEBHOOKS = 10;

/** PayPal's names for the brands; the others it reports as UNKNOWN. */
export const PAYPAL_BRANDS: Readonly<Partial<Record<CardBrand, string>>> = {
  visa: 'VISA',
  mastercard: 'MASTERCARD',
  amex: 'AMEX',
  discover: 'DISCOVER',
  jcb: 'JCB',
};

export const cardBrand = (digits: string): string => PAYPAL_BRANDS[sdkCardBrand(digits)] ?? 'UNKNOWN';

export function optionalString(
  body: Record<string, unknown>,
  key: string,
  field: string,
  max = 127,
): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw issueError('INVALID_PARAMETER_SYNTAX', { field: `${field}/${key}` });
  if (value.length > max) throw issueError('INVALID_STRING_LENGTH', { field: `${field}/${key}`, value });
  return value;
}
