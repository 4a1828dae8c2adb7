import { randomBytes, randomInt } from 'node:crypto';
import {
  currencyExponent,
  fromDecimalString,
  MoneyError,
  PAYPAL_CURRENCIES,
  PAYPAL_WHOLE_UNIT_CURRENCIES,
  toDecimalString,
} from '@payrail/plugin-sdk';
import { issueError } from './paypal-errors';

export interface Amount {
  /** ISO 4217 minor units. */
  minor: number;
  currency: string;
}

export function renderMoney(amount: Amount): { currency_code: string; value: string } {
  let value = toDecimalString(amount.minor, amount.currency);
  if (PAYPAL_WHOLE_UNIT_CURRENCIES.includes(amount.currency)) value = value.replace(/\.0+$/, '');
  return { currency_code: amount.currency, value };
}

/** Parses PayPal's `{currency_code, value}`, answering PayPal's issue for whatever is wrong. */
export function parseMoney(input: unknown, field: string, allowZero = false): Amount {
  if (!input || typeof input !== 'object') throw issueError('MISSING_REQUIRED_PARAMETER', { field });
  const { currency_code: currency, value } = input as { currency_code?: unknown; value?: unknown };
  if (typeof currency !== 'string' || !currency)
    throw issueError('MISSING_REQUIRED_PARAMETER', { field: `${field}/currency_code` });
  if (typeof value !== 'string' || !value)
    throw issueError('MISSING_REQUIRED_PARAMETER', { field: `${field}/value` });
  if (!(PAYPAL_CURRENCIES as readonly string[]).includes(currency))
    throw issueError('INVALID_CURRENCY_CODE', { field: `${field}/currency_code`, value: currency });
  if (!/^((-?[0-9]+)|(-?([0-9]+)?[.][0-9]+))$/.test(value) || value.length > 32)
    throw issueError('INVALID_PARAMETER_SYNTAX', { field: `${field}/value`, value });
  if (PAYPAL_WHOLE_UNIT_CURRENCIES.includes(currency) && /\.\d*[1-9]/.test(value))
    throw issueError('DECIMALS_NOT_SUPPORTED', { field: `${field}/value`, value });
  let minor: number;
  try {
    minor = fromDecimalString(value, currency);
  } catch (error) {
    if (error instanceof MoneyError && error.reason === 'too_large')
      throw issueError('MAX_VALUE_EXCEEDED', { field: `${field}/value`, value });
    throw issueError('DECIMAL_PRECISION', { field: `${field}/value`, value });
  }
  if (minor < 0 || (minor === 0 && !allowZero))
    throw issueError('CANNOT_BE_ZERO_OR_NEGATIVE', { field: `${field}/value`, value });
  return { minor, currency };
}

/** PayPal's processing fee: 3.49 % plus a fixed fee per currency. */
export function paypalFee(amount: Amount): number {
  const fixed: Record<string, number> = { USD: 49, EUR: 39, GBP: 29, JPY: 40, AUD: 59, CAD: 59 };
  const exponent = currencyExponent(amount.currency);
  const fixedMinor = fixed[amount.currency] ?? Math.round(0.49 * 10 ** exponent);
  return Math.round((amount.minor * 349) / 10000) + fixedMinor;
}

const ID_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
/** PayPal-style 17-character ids. */
export function paypalId(length = 17): string {
  let id = '';
  for (let i = 0; i < length; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

export function accessToken(): string {
  return `A21AA${randomBytes(48).toString('base64url')}`;
}

export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export type OrderStatus = 'CREATED' | 'SAVED' | 'APPROVED' | 'VOIDED' | 'COMPLETED' | 'PAYER_ACTION_REQUIRED';
export type AuthorizationStatus =
  'CREATED' | 'CAPTURED' | 'DENIED' | 'PARTIALLY_CAPTURED' | 'VOIDED' | 'PENDING';
export type CaptureStatus =
  'COMPLETED' | 'DECLINED' | 'PARTIALLY_REFUNDED' | 'PENDING' | 'REFUNDED' | 'FAILED';
export type RefundStatus = 'CANCELLED' | 'FAILED' | 'PENDING' | 'COMPLETED';

export interface ProcessorResponse {
  avs_code: string;
  cvv_code: string;
  response_code: string;
}

export interface CardSource {
  kind: 'card';
  name?: string;
  lastDigits: string;
  brand: string;
  expiry: string;
}

export interface WalletSource {
  kind: 'paypal';
  returnUrl?: string;
  cancelUrl?: string;
  email?: string;
  accountId?: string;
}

export interface OrderRecord {
  id: string;
  clientId: string;
  intent: 'CAPTURE' | 'AUTHORIZE';
  status: OrderStatus;
  unit: {
    reference_id: string;
    amount: Amount;
    custom_id?: string;
    invoice_id?: string;
    description?: string;
    soft_descriptor?: string;
  };
  source?: CardSource | WalletSource;
  authorizationIds: string[];
  captureIds: string[];
  createTime: Date;
  updateTime: Date;
}

export interface AuthorizationRecord {
  id: string;
  clientId: string;
  orderId: string;
  status: AuthorizationStatus;
  amount: Amount;
  captured: number;
  customId?: string;
  invoiceId?: string;
  captureIds: string[];
  processorResponse?: ProcessorResponse;
  /** A capture of this authorization is declined with this processor code (the `CCREJECT-IF` trigger). */
  declineCaptureWith?: string;
  parentId?: string;
  createTime: Date;
  updateTime: Date;
  expirationTime: Date;
}

export interface CaptureRecord {
  id: string;
  clientId: string;
  orderId: string;
  authorizationId?: string;
  status: CaptureStatus;
  amount: Amount;
  fee: number;
  finalCapture: boolean;
  invoiceId?: string;
  customId?: string;
  noteToPayer?: string;
  refunded: number;
  refundIds: string[];
  processorResponse?: ProcessorResponse;
  createTime: Date;
  updateTime: Date;
}

export interface RefundRecord {
  id: string;
  clientId: string;
  captureId: string;
  status: RefundStatus;
  amount: Amount;
  /** The part of the capture's fee PayPal gives back. */
  feeReturned: number;
  customId?: string;
  invoiceId?: string;
  noteToPayer?: string;
  createTime: Date;
  updateTime: Date;
}

/** One row of Transaction Search. */
export interface TransactionRecord {
  clientId: string;
  id: string;
  referenceId?: string;
  eventCode: string;
  status: 'S' | 'D' | 'P' | 'V';
  /** Signed minor units: negative for money leaving the merchant. */
  amount: number;
  fee: number;
  currency: string;
  invoiceId?: string;
  customField?: string;
  balanceAffecting: boolean;
  time: Date;
  /** A settlement control hid the row from Transaction Search: for good, or until released. */
  hidden?: 'missing' | 'late';
}

export interface WebhookRecord {
  id: string;
  clientId: string;
  url: string;
  eventTypes: string[];
}

export interface VaultTokenRecord {
  id: string;
  clientId: string;
  customerId: string;
  card: CardSource;
  kind: 'setup' | 'payment';
  status: 'APPROVED' | 'VAULTED';
  createTime: Date;
}

export type DisputeStatus = 'OPEN' | 'WAITING_FOR_SELLER_RESPONSE' | 'UNDER_REVIEW' | 'RESOLVED';

export interface DisputeRecord {
  id: string;
  clientId: string;
  captureId: string;
  reason: string;
  status: DisputeStatus;
  stage: 'INQUIRY' | 'CHARGEBACK';
  amount: Amount;
  outcome?: 'RESOLVED_BUYER_FAVOUR' | 'RESOLVED_SELLER_FAVOUR' | 'ACCEPTED';
  evidences: { evidence_type: string; notes?: string; documents?: { name: string }[]; date: Date }[];
  sellerResponseDue: Date;
  createTime: Date;
  updateTime: Date;
}

export class PayPalStore {
  readonly orders = new Map<string, OrderRecord>();
  readonly authorizations = new Map<string, AuthorizationRecord>();
  readonly captures = new Map<string, CaptureRecord>();
  readonly refunds = new Map<string, RefundRecord>();
  readonly transactions: TransactionRecord[] = [];
  readonly webhooks = new Map<string, WebhookRecord>();
  readonly vaultTokens = new Map<string, VaultTokenRecord>();
  readonly disputes = new Map<string, DisputeRecord>();

  clear(): void {
    this.vaultTokens.clear();
    this.disputes.clear();
    this.orders.clear();
    this.authorizations.clear();
    this.captures.clear();
    this.refunds.clear();
    this.transactions.length = 0;
    this.webhooks.clear();
  }

  /** Finds an object of this account, or answers PayPal's 404. */
  find<T extends { clientId: string }>(map: Map<string, T>, id: string, clientId: string, field: string): T {
    const found = map.get(id);
    if (!found || found.clientId !== clientId)
      throw issueError('INVALID_RESOURCE_ID', { field, value: id, location: 'path' });
    return found;
  }
}
