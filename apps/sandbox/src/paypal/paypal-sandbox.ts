import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { cardBrand as sdkCardBrand, luhnValid, type CardBrand } from '@payrail/plugin-sdk';
import {
  DESCRIPTION_OVERRIDES,
  issueError,
  MOCKABLE_ISSUES,
  oauthError,
  PAYPAL_ISSUES,
  PayPalHttpError,
  statusError,
  type PayPalIssue,
} from './paypal-errors';
import {
  accessToken,
  isoSeconds,
  parseMoney,
  paypalFee,
  paypalId,
  PayPalStore,
  renderMoney,
  type Amount,
  type AuthorizationRecord,
  type CaptureRecord,
  type OrderRecord,
  type ProcessorResponse,
  type RefundRecord,
  type TransactionRecord,
} from './paypal-store';
import {
  PayPalWebhookSigner,
  postDelivery,
  type DeliveryRecord,
  type SignedDelivery,
  type WebhookEnvelope,
} from './paypal-webhooks';

/** A record the sandbox itself stored and must find again; its absence is a sandbox bug. */
function must<K, V>(map: Map<K, V>, key: K): V {
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

interface Context {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  rawBody: string;
  clientId: string;
  params: string[];
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (ctx: Context) => Reply;

interface Route {
  method: string;
  pattern: RegExp;
  operation: string;
  /** Calls that take `PayPal-Request-Id` and replay. */
  idempotent?: 'replay-200' | 'replay-same';
  public?: boolean;
  handler: Handler;
}

/** Card-holder name triggers from PayPal's card-testing page: processor response code each gives. */
const CARD_TRIGGERS: Record<string, { code: string; cvv?: string; atCapture?: boolean }> = {
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

const EVENT_TYPES: Record<string, string> = {
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
};

const MAX_CAPTURES = 10;
const MAX_WEBHOOKS = 10;

/** PayPal's names for the brands; the others it reports as UNKNOWN. */
const PAYPAL_BRANDS: Readonly<Partial<Record<CardBrand, string>>> = {
  visa: 'VISA',
  mastercard: 'MASTERCARD',
  amex: 'AMEX',
  discover: 'DISCOVER',
  jcb: 'JCB',
};

const cardBrand = (digits: string): string => PAYPAL_BRANDS[sdkCardBrand(digits)] ?? 'UNKNOWN';

function optionalString(
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

export async function startPayPalSandbox(options: PayPalSandboxOptions = {}): Promise<PayPalSandbox> {
  const store = new PayPalStore();
  const signer = new PayPalWebhookSigner();
  const clients = new Map<string, string>([
    [PAYPAL_SANDBOX_DEFAULTS.clientId, PAYPAL_SANDBOX_DEFAULTS.clientSecret],
  ]);
  for (const extra of options.clients ?? []) clients.set(extra.clientId, extra.clientSecret);
  const tokens = new Map<string, { clientId: string; expiresAt: number }>();
  const latency = new Map<string, number>();
  const replies = new Map<
    string,
    {
      kind: 'order' | 'authorization' | 'capture' | 'refund' | 'error';
      id: string;
      status: number;
      body?: unknown;
    }
  >();
  const exchanges: RecordedExchange[] = [];
  const deliveries: DeliveryRecord[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  const ttl = options.tokenTtlSeconds ?? PAYPAL_SANDBOX_DEFAULTS.tokenTtlSeconds;
  const retryDelays = options.webhookRetryDelaysMs ?? [1000, 5000];
  let baseUrl = '';
  let closed = false;

  const certUrl = () => `${baseUrl}/v1/notifications/certs/${signer.certId}`;
  const href = (path: string, rel: string, method = 'GET') => ({ href: `${baseUrl}${path}`, rel, method });
  const merchantIds = new Map<string, string>();
  const merchantId = (clientId: string) => {
    if (!merchantIds.has(clientId)) merchantIds.set(clientId, paypalId(13));
    return must(merchantIds, clientId);
  };

  // ---- rendering -------------------------------------------------------------------------

  function renderAuthorization(auth: AuthorizationRecord, withRelated: boolean) {
    return {
      id: auth.id,
      status: auth.status,
      ...(auth.status === 'PENDING' ? { status_details: { reason: 'PENDING_REVIEW' } } : {}),
      amount: renderMoney(auth.amount),
      ...(auth.invoiceId ? { invoice_id: auth.invoiceId } : {}),
      ...(auth.customId ? { custom_id: auth.customId } : {}),
      seller_protection: { status: 'NOT_ELIGIBLE' },
      ...(auth.processorResponse && !withRelated ? { processor_response: auth.processorResponse } : {}),
      expiration_time: isoSeconds(auth.expirationTime),
      ...(withRelated ? { supplementary_data: { related_ids: { order_id: auth.orderId } } } : {}),
      links: [
        href(`/v2/payments/authorizations/${auth.id}`, 'self'),
        href(`/v2/payments/authorizations/${auth.id}/capture`, 'capture', 'POST'),
        href(`/v2/payments/authorizations/${auth.id}/void`, 'void', 'POST'),
        href(`/v2/payments/authorizations/${auth.id}/reauthorize`, 'reauthorize', 'POST'),
        href(`/v2/checkout/orders/${auth.orderId}`, 'up'),
      ],
      create_time: isoSeconds(auth.createTime),
      update_time: isoSeconds(auth.updateTime),
    };
  }

  function renderCapture(capture: CaptureRecord, withRelated: boolean) {
    const gross = capture.amount;
    return {
      id: capture.id,
      status: capture.status,
      amount: renderMoney(gross),
      final_capture: capture.finalCapture,
      ...(capture.invoiceId ? { invoice_id: capture.invoiceId } : {}),
      ...(capture.customId ? { custom_id: capture.customId } : {}),
      seller_protection: { status: 'NOT_ELIGIBLE' },
      ...(capture.status === 'DECLINED'
        ? {}
        : {
            seller_receivable_breakdown: {
              gross_amount: renderMoney(gross),
              paypal_fee: renderMoney({ minor: capture.fee, currency: gross.currency }),
              net_amount: renderMoney({ minor: gross.minor - capture.fee, currency: gross.currency }),
            },
          }),
      ...(capture.processorResponse ? { processor_response: capture.processorResponse } : {}),
      disbursement_mode: 'INSTANT',
      ...(withRelated
        ? {
            supplementary_data: {
              related_ids: {
                order_id: capture.orderId,
                ...(capture.authorizationId ? { authorization_id: capture.authorizationId } : {}),
              },
            },
          }
        : {}),
      links: [
        href(`/v2/payments/captures/${capture.id}`, 'self'),
        href(`/v2/payments/captures/${capture.id}/refund`, 'refund', 'POST'),
        capture.authorizationId
          ? href(`/v2/payments/authorizations/${capture.authorizationId}`, 'up')
          : href(`/v2/checkout/orders/${capture.orderId}`, 'up'),
      ],
      create_time: isoSeconds(capture.createTime),
      update_time: isoSeconds(capture.updateTime),
    };
  }

  function renderRefund(refund: RefundRecord) {
    const capture = store.captures.get(refund.captureId);
    const currency = refund.amount.currency;
    return {
      id: refund.id,
      status: refund.status,
      amount: renderMoney(refund.amount),
      ...(refund.invoiceId ? { invoice_id: refund.invoiceId } : {}),
      ...(refund.customId ? { custom_id: refund.customId } : {}),
      ...(refund.noteToPayer ? { note_to_payer: refund.noteToPayer } : {}),
      seller_payable_breakdown: {
        gross_amount: renderMoney(refund.amount),
        paypal_fee: renderMoney({ minor: refund.feeReturned, currency }),
        net_amount: renderMoney({ minor: refund.amount.minor - refund.feeReturned, currency }),
        total_refunded_amount: renderMoney({ minor: capture?.refunded ?? refund.amount.minor, currency }),
      },
      links: [
        href(`/v2/payments/refunds/${refund.id}`, 'self'),
        href(`/v2/payments/captures/${refund.captureId}`, 'up'),
      ],
      create_time: isoSeconds(refund.createTime),
      update_time: isoSeconds(refund.updateTime),
    };
  }

  function renderOrder(order: OrderRecord) {
    const authorizations = order.authorizationIds.map((id) =>
      renderAuthorization(must(store.authorizations, id), false),
    );
    const captures = order.captureIds.map((id) => renderCapture(must(store.captures, id), false));
    const refunds = order.captureIds.flatMap((id) =>
      must(store.captures, id).refundIds.map((r) => renderRefund(must(store.refunds, r))),
    );
    const payments = {
      ...(authorizations.length ? { authorizations } : {}),
      ...(captures.length ? { captures } : {}),
      ...(refunds.length ? { refunds } : {}),
    };
    const source = order.source;
    const links = [href(`/v2/checkout/orders/${order.id}`, 'self')];
    if (order.status === 'CREATED')
      links.push({ href: `${baseUrl}/checkoutnow?token=${order.id}`, rel: 'approve', method: 'GET' });
    if (order.status === 'PAYER_ACTION_REQUIRED')
      links.push({ href: `${baseUrl}/checkoutnow?token=${order.id}`, rel: 'payer-action', method: 'GET' });
    if (order.status !== 'COMPLETED') links.push(href(`/v2/checkout/orders/${order.id}`, 'update', 'PATCH'));
    if (order.status === 'APPROVED')
      links.push(
        href(
          `/v2/checkout/orders/${order.id}/${order.intent === 'AUTHORIZE' ? 'authorize' : 'capture'}`,
          order.intent === 'AUTHORIZE' ? 'authorize' : 'capture',
          'POST',
        ),
      );
    return {
      id: order.id,
      intent: order.intent,
      status: order.status,
      ...(source?.kind === 'card'
        ? {
            payment_source: {
              card: {
                ...(source.name ? { name: source.name } : {}),
                last_digits: source.lastDigits,
                expiry: source.expiry,
                brand: source.brand,
                available_networks: [source.brand],
                type: 'CREDIT',
              },
            },
          }
        : {}),
      ...(source?.kind === 'paypal' && source.email
        ? {
            payment_source: {
              paypal: {
                email_address: source.email,
                account_id: source.accountId,
                account_status: 'VERIFIED',
                name: { given_name: 'Sandbox', surname: 'Buyer' },
              },
            },
            payer: {
              name: { given_name: 'Sandbox', surname: 'Buyer' },
              email_address: source.email,
              payer_id: source.accountId,
            },
          }
        : {}),
      purchase_units: [
        {
          reference_id: order.unit.reference_id,
          amount: renderMoney(order.unit.amount),
          payee: { email_address: 'merchant@payrail.test', merchant_id: merchantId(order.clientId) },
          ...(order.unit.description ? { description: order.unit.description } : {}),
          ...(order.unit.custom_id ? { custom_id: order.unit.custom_id } : {}),
          ...(order.unit.invoice_id ? { invoice_id: order.unit.invoice_id } : {}),
          ...(order.unit.soft_descriptor ? { soft_descriptor: order.unit.soft_descriptor } : {}),
          ...(Object.keys(payments).length ? { payments } : {}),
        },
      ],
      create_time: isoSeconds(order.createTime),
      update_time: isoSeconds(order.updateTime),
      links,
    };
  }

  const minimal = (full: { id: string; status: string; links: unknown[] }) => ({
    id: full.id,
    status: full.status,
    links: full.links,
  });
  const wantsFull = (ctx: Context) => /return=representation/i.test(String(ctx.headers['prefer'] ?? ''));

  // ---- webhooks --------------------------------------------------------------------------

  function envelope(
    eventType: string,
    resourceType: string,
    resource: Record<string, unknown>,
    at = new Date(),
  ): WebhookEnvelope {
    const id = `WH-${paypalId()}-${paypalId()}`;
    return {
      id,
      event_version: '1.0',
      create_time: at.toISOString(),
      resource_type: resourceType,
      resource_version: '2.0',
      event_type: eventType,
      summary: EVENT_TYPES[eventType] ?? eventType,
      resource,
      links: [
        href(`/v1/notifications/webhooks-events/${id}`, 'self'),
        href(`/v1/notifications/webhooks-events/${id}/resend`, 'resend', 'POST'),
      ],
    };
  }

  function eventFor(resourceId: string, eventType?: string, at?: Date): WebhookEnvelope {
    const order = store.orders.get(resourceId);
    if (order)
      return envelope(eventType ?? 'CHECKOUT.ORDER.APPROVED', 'checkout-order', renderOrder(order), at);
    const auth = store.authorizations.get(resourceId);
    if (auth) {
      if (eventType?.startsWith('PAYMENT.CAPTURE.') && auth.captureIds.length)
        return eventFor(auth.captureIds[auth.captureIds.length - 1], eventType, at);
      const type =
        eventType ??
        (auth.status === 'VOIDED' ? 'PAYMENT.AUTHORIZATION.VOIDED' : 'PAYMENT.AUTHORIZATION.CREATED');
      return envelope(type, 'authorization', renderAuthorization(auth, true), at);
    }
    const capture = store.captures.get(resourceId);
    if (capture) {
      const type =
        eventType ??
        (capture.status === 'DECLINED' ? 'PAYMENT.CAPTURE.DECLINED' : 'PAYMENT.CAPTURE.COMPLETED');
      return envelope(type, 'capture', renderCapture(capture, true), at);
    }
    const refund = store.refunds.get(resourceId);
    if (refund) return envelope(eventType ?? 'PAYMENT.CAPTURE.REFUNDED', 'refund', renderRefund(refund), at);
    throw new Error(`no order, authorization, capture or refund '${resourceId}' in the PayPal sandbox`);
  }

  function track(promise: Promise<void>): void {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
  }

  /** Delivers an event to every webhook of the account that listens for it, after the API call answers. */
  function emit(clientId: string, event: WebhookEnvelope): void {
    const body = JSON.stringify(event);
    for (const webhook of store.webhooks.values()) {
      if (webhook.clientId !== clientId) continue;
      if (!webhook.eventTypes.includes('*') && !webhook.eventTypes.includes(event.event_type)) continue;
      const attempt = (n: number): void => {
        if (closed) return;
        const delivery = signer.sign(body, webhook.id, certUrl());
        track(
          postDelivery(webhook.url, delivery).then((result) => {
            deliveries.push({
              webhookId: webhook.id,
              url: webhook.url,
              eventId: event.id,
              eventType: event.event_type,
              attempt: n,
              ...result,
            });
            const ok = result.status !== undefined && result.status >= 200 && result.status < 300;
            if (!ok && n <= retryDelays.length && !closed) {
              const timer = setTimeout(
                () => {
                  timers.delete(timer);
                  attempt(n + 1);
                },
                retryDelays[n - 1],
              );
              timers.add(timer);
            }
          }),
        );
      };
      const timer = setTimeout(() => {
        timers.delete(timer);
        attempt(1);
      }, 0);
      timers.add(timer);
    }
  }

  // ---- payments --------------------------------------------------------------------------

  function record(txn: Omit<TransactionRecord, 'time'>): void {
    store.transactions.push({ ...txn, time: new Date() });
  }

  function mockIssue(ctx: Context, operation: string): void {
    const header = ctx.headers['paypal-mock-response'];
    if (!header) return;
    let code: unknown;
    try {
      code = (JSON.parse(String(header)) as { mock_application_codes?: unknown }).mock_application_codes;
    } catch {
      throw issueError('INVALID_PARAMETER_SYNTAX', {
        field: 'PayPal-Mock-Response',
        location: 'header',
        value: String(header),
      });
    }
    const allowed = MOCKABLE_ISSUES[operation] ?? [];
    if (typeof code !== 'string' || !allowed.includes(code as PayPalIssue)) {
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: 'PayPal-Mock-Response',
        location: 'header',
        value: String(code),
      });
    }
    throw issueError(code as PayPalIssue);
  }

  function createOrder(ctx: Context): Reply {
    const body = ctx.body;
    if (body['intent'] !== 'AUTHORIZE' && body['intent'] !== 'CAPTURE')
      throw issueError(
        body['intent'] === undefined ? 'MISSING_REQUIRED_PARAMETER' : 'INVALID_PARAMETER_VALUE',
        { field: '/intent', value: body['intent'] === undefined ? undefined : String(body['intent']) },
      );
    const units = body['purchase_units'];
    if (!Array.isArray(units) || units.length === 0)
      throw issueError('MISSING_REQUIRED_PARAMETER', { field: '/purchase_units' });
    if (units.length > 1) throw issueError('INVALID_PARAMETER_VALUE', { field: '/purchase_units' });
    const unit = units[0] as Record<string, unknown>;
    const amount = parseMoney(unit['amount'], "/purchase_units/@reference_id=='default'/amount");
    const now = new Date();
    const order: OrderRecord = {
      id: paypalId(),
      clientId: ctx.clientId,
      intent: body['intent'],
      status: 'CREATED',
      unit: {
        reference_id: optionalString(unit, 'reference_id', '/purchase_units/0', 256) ?? 'default',
        amount,
        custom_id: optionalString(unit, 'custom_id', '/purchase_units/0', 255),
        invoice_id: optionalString(unit, 'invoice_id', '/purchase_units/0', 127),
        description: optionalString(unit, 'description', '/purchase_units/0', 127),
        soft_descriptor: optionalString(unit, 'soft_descriptor', '/purchase_units/0', 22),
      },
      authorizationIds: [],
      captureIds: [],
      createTime: now,
      updateTime: now,
    };
    const source = body['payment_source'] as Record<string, Record<string, unknown>> | undefined;
    if (source && typeof source === 'object') {
      const kinds = Object.keys(source);
      if (kinds.length !== 1) throw issueError('INVALID_PARAMETER_VALUE', { field: '/payment_source' });
      if (!ctx.headers['paypal-request-id'])
        throw issueError('MISSING_REQUIRED_PARAMETER', { field: 'PayPal-Request-Id', location: 'header' });
      if (source['card']) {
        const card = source['card'];
        const number = typeof card['number'] === 'string' ? card['number'] : '';
        if (!number) throw issueError('MISSING_REQUIRED_PARAMETER', { field: '/payment_source/card/number' });
        if (!/^[0-9]{13,19}$/.test(number))
          throw issueError('INVALID_STRING_LENGTH', { field: '/payment_source/card/number' });
        if (!luhnValid(number))
          throw issueError('INVALID_PARAMETER_VALUE', { field: '/payment_source/card/number' });
        const expiry = typeof card['expiry'] === 'string' ? card['expiry'] : '';
        if (!expiry) throw issueError('MISSING_REQUIRED_PARAMETER', { field: '/payment_source/card/expiry' });
        const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(expiry);
        if (!match) throw issueError('INVALID_PARAMETER_SYNTAX', { field: '/payment_source/card/expiry' });
        if (new Date(Date.UTC(Number(match[1]), Number(match[2]), 1)) <= now)
          throw issueError('CARD_EXPIRED', { field: '/payment_source/card/expiry' });
        const cvc = card['security_code'];
        const brand = cardBrand(number);
        if (
          cvc !== undefined &&
          (typeof cvc !== 'string' || !(brand === 'AMEX' ? /^\d{4}$/ : /^\d{3}$/).test(cvc))
        )
          throw issueError('INVALID_SECURITY_CODE_LENGTH', { field: '/payment_source/card/security_code' });
        const name = typeof card['name'] === 'string' ? card['name'] : undefined;
        order.source = { kind: 'card', name, lastDigits: number.slice(-4), brand, expiry };
        order.status = 'APPROVED';
      } else if (source['paypal']) {
        const context = (source['paypal']['experience_context'] ?? {}) as Record<string, unknown>;
        order.source = {
          kind: 'paypal',
          returnUrl: typeof context['return_url'] === 'string' ? context['return_url'] : undefined,
          cancelUrl: typeof context['cancel_url'] === 'string' ? context['cancel_url'] : undefined,
        };
        order.status = 'PAYER_ACTION_REQUIRED';
      } else {
        throw issueError('INVALID_PARAMETER_VALUE', { field: '/payment_source', value: kinds[0] });
      }
    }
    store.orders.set(order.id, order);
    const full = renderOrder(order);
    return { status: 201, body: wantsFull(ctx) ? full : minimal(full) };
  }

  function authorizeOrder(ctx: Context): Reply {
    const order = store.find(store.orders, ctx.params[0], ctx.clientId, 'order_id');
    if (order.intent !== 'AUTHORIZE') throw issueError('ACTION_DOES_NOT_MATCH_INTENT');
    if (order.authorizationIds.length) throw issueError('ORDER_ALREADY_AUTHORIZED');
    if (order.status !== 'APPROVED') throw issueError('ORDER_NOT_APPROVED');
    const now = new Date();
    const trigger =
      order.source?.kind === 'card' && order.source.name
        ? CARD_TRIGGERS[order.source.name.trim().toUpperCase()]
        : undefined;
    const declined = trigger && !trigger.atCapture;
    const auth: AuthorizationRecord = {
      id: paypalId(),
      clientId: ctx.clientId,
      orderId: order.id,
      status: declined ? 'DENIED' : 'CREATED',
      amount: order.unit.amount,
      captured: 0,
      customId: order.unit.custom_id,
      invoiceId: order.unit.invoice_id,
      captureIds: [],
      processorResponse:
        order.source?.kind === 'card'
          ? {
              avs_code: trigger ? 'G' : 'Y',
              cvv_code: trigger?.cvv ?? (trigger ? 'P' : 'M'),
              response_code: declined ? trigger.code : '0000',
            }
          : undefined,
      declineCaptureWith: trigger?.atCapture ? trigger.code : undefined,
      createTime: now,
      updateTime: now,
      expirationTime: new Date(now.getTime() + 29 * 86400_000),
    };
    store.authorizations.set(auth.id, auth);
    order.authorizationIds.push(auth.id);
    order.status = 'COMPLETED';
    order.updateTime = now;
    record({
      clientId: ctx.clientId,
      id: auth.id,
      eventCode: 'T1300',
      status: declined ? 'D' : 'S',
      amount: auth.amount.minor,
      fee: 0,
      currency: auth.amount.currency,
      invoiceId: auth.invoiceId,
      customField: auth.customId,
      balanceAffecting: false,
    });
    if (!declined) emit(ctx.clientId, eventFor(auth.id, 'PAYMENT.AUTHORIZATION.CREATED'));
    const full = renderOrder(order);
    return { status: 201, body: wantsFull(ctx) ? full : minimal(full) };
  }

  /** Moves money: one capture of `auth` (or of an intent-CAPTURE order when `auth` is absent). */
  function makeCapture(
    ctx: Context,
    order: OrderRecord,
    auth: AuthorizationRecord | undefined,
    amount: Amount,
    final: boolean,
    extras: { invoiceId?: string; noteToPayer?: string },
  ): CaptureRecord {
    const now = new Date();
    const trigger =
      order.source?.kind === 'card' && order.source.name
        ? CARD_TRIGGERS[order.source.name.trim().toUpperCase()]
        : undefined;
    const declineCode = auth ? auth.declineCaptureWith : trigger?.code;
    const processorResponse: ProcessorResponse | undefined =
      order.source?.kind === 'card'
        ? {
            avs_code: declineCode ? 'G' : 'Y',
            cvv_code: trigger?.cvv ?? (declineCode ? 'P' : 'M'),
            response_code: declineCode ?? '0000',
          }
        : undefined;
    const capture: CaptureRecord = {
      id: paypalId(),
      clientId: ctx.clientId,
      orderId: order.id,
      authorizationId: auth?.id,
      status: declineCode ? 'DECLINED' : 'COMPLETED',
      amount,
      fee: declineCode ? 0 : paypalFee(amount),
      finalCapture: final,
      invoiceId: extras.invoiceId,
      customId: auth?.customId ?? order.unit.custom_id,
      noteToPayer: extras.noteToPayer,
      refunded: 0,
      refundIds: [],
      processorResponse,
      createTime: now,
      updateTime: now,
    };
    store.captures.set(capture.id, capture);
    order.captureIds.push(capture.id);
    order.updateTime = now;
    if (auth) {
      auth.captureIds.push(capture.id);
      auth.updateTime = now;
      if (!declineCode) {
        auth.captured += amount.minor;
        auth.status = final || auth.captured >= auth.amount.minor ? 'CAPTURED' : 'PARTIALLY_CAPTURED';
      }
    }
    record({
      clientId: ctx.clientId,
      id: capture.id,
      referenceId: auth?.id,
      eventCode: 'T0006',
      status: declineCode ? 'D' : 'S',
      amount: amount.minor,
      fee: -capture.fee,
      currency: amount.currency,
      invoiceId: capture.invoiceId,
      customField: capture.customId,
      balanceAffecting: !declineCode,
    });
    emit(ctx.clientId, eventFor(capture.id));
    return capture;
  }

  function captureOrder(ctx: Context): Reply {
    const order = store.find(store.orders, ctx.params[0], ctx.clientId, 'order_id');
    if (order.intent !== 'CAPTURE') throw issueError('ACTION_DOES_NOT_MATCH_INTENT');
    if (order.captureIds.length) throw issueError('ORDER_ALREADY_CAPTURED');
    if (order.status !== 'APPROVED') throw issueError('ORDER_NOT_APPROVED');
    makeCapture(ctx, order, undefined, order.unit.amount, true, { invoiceId: order.unit.invoice_id });
    order.status = 'COMPLETED';
    const full = renderOrder(order);
    return { status: 201, body: wantsFull(ctx) ? full : minimal(full) };
  }

  function captureAuthorization(ctx: Context): Reply {
    const auth = store.find(store.authorizations, ctx.params[0], ctx.clientId, 'authorization_id');
    const order = must(store.orders, auth.orderId);
    switch (auth.status) {
      case 'VOIDED':
        throw issueError('AUTHORIZATION_VOIDED');
      case 'CAPTURED':
        throw issueError('AUTHORIZATION_ALREADY_CAPTURED');
      case 'DENIED':
        throw issueError('AUTHORIZATION_DENIED');
      case 'CREATED':
      case 'PARTIALLY_CAPTURED':
      case 'PENDING':
        break;
    }
    if (auth.expirationTime.getTime() <= Date.now()) throw issueError('AUTHORIZATION_EXPIRED');
    const remaining = auth.amount.minor - auth.captured;
    const amount =
      ctx.body['amount'] === undefined
        ? { minor: remaining, currency: auth.amount.currency }
        : parseMoney(ctx.body['amount'], '/amount');
    if (amount.currency !== auth.amount.currency)
      throw issueError('CURRENCY_MISMATCH', { field: '/amount/currency_code', value: amount.currency });
    if (amount.minor > remaining)
      throw issueError('MAX_CAPTURE_AMOUNT_EXCEEDED', {
        field: '/amount/value',
        value: renderMoney(amount).value,
      });
    if (auth.captureIds.length >= MAX_CAPTURES) throw issueError('MAX_CAPTURE_COUNT_EXCEEDED');
    const finalCapture = ctx.body['final_capture'];
    if (finalCapture !== undefined && typeof finalCapture !== 'boolean')
      throw issueError('INVALID_PARAMETER_SYNTAX', { field: '/final_capture' });
    const invoiceId = optionalString(ctx.body, 'invoice_id', '', 127);
    if (
      invoiceId &&
      [...store.captures.values()].some((c) => c.clientId === ctx.clientId && c.invoiceId === invoiceId)
    )
      throw issueError('DUPLICATE_INVOICE_ID', { field: '/invoice_id', value: invoiceId });
    const capture = makeCapture(ctx, order, auth, amount, finalCapture === true, {
      invoiceId,
      noteToPayer: optionalString(ctx.body, 'note_to_payer', '', 255),
    });
    const full = renderCapture(capture, true);
    return { status: 201, body: wantsFull(ctx) ? full : minimal(full) };
  }

  function reauthorize(ctx: Context): Reply {
    const auth = store.find(store.authorizations, ctx.params[0], ctx.clientId, 'authorization_id');
    if (auth.parentId) throw issueError('REAUTHORIZATION_NOT_SUPPORTED');
    if (auth.status === 'VOIDED') throw issueError('AUTHORIZATION_VOIDED');
    if (auth.status === 'CAPTURED' || auth.status === 'PARTIALLY_CAPTURED')
      throw issueError('AUTHORIZATION_ALREADY_CAPTURED');
    if (auth.status === 'DENIED') throw issueError('TRANSACTION_REFUSED');
    const amount = ctx.body['amount'] === undefined ? auth.amount : parseMoney(ctx.body['amount'], '/amount');
    if (amount.currency !== auth.amount.currency)
      throw issueError('CURRENCY_MISMATCH', { field: '/amount/currency_code' });
    const now = new Date();
    const next: AuthorizationRecord = {
      ...auth,
      id: paypalId(),
      amount,
      captured: 0,
      captureIds: [],
      parentId: auth.id,
      status: 'CREATED',
      createTime: now,
      updateTime: now,
      expirationTime: new Date(now.getTime() + 29 * 86400_000),
    };
    store.authorizations.set(next.id, next);
    must(store.orders, auth.orderId).authorizationIds.push(next.id);
    emit(ctx.clientId, eventFor(next.id, 'PAYMENT.AUTHORIZATION.CREATED'));
    const full = renderAuthorization(next, true);
    return { status: 201, body: wantsFull(ctx) ? full : minimal(full) };
  }

  function voidAuthorization(ctx: Context): Reply {
    const auth = store.find(store.authorizations, ctx.params[0], ctx.clientId, 'authorization_id');
    switch (auth.status) {
      case 'VOIDED':
        throw issueError('PREVIOUSLY_VOIDED');
      case 'CAPTURED':
      case 'PARTIALLY_CAPTURED':
        throw issueError('PREVIOUSLY_CAPTURED');
      case 'DENIED':
        throw issueError('CANNOT_BE_VOIDED');
      case 'CREATED':
      case 'PENDING':
        break;
    }
    auth.status = 'VOIDED';
    auth.updateTime = new Date();
    emit(ctx.clientId, eventFor(auth.id, 'PAYMENT.AUTHORIZATION.VOIDED'));
    return wantsFull(ctx) ? { status: 200, body: renderAuthorization(auth, true) } : { status: 204 };
  }

  function refundCapture(ctx: Context): Reply {
    const capture = store.find(store.captures, ctx.params[0], ctx.clientId, 'capture_id');
    switch (capture.status) {
      case 'REFUNDED':
        throw issueError('CAPTURE_FULLY_REFUNDED');
      case 'DECLINED':
      case 'FAILED':
      case 'PENDING':
        throw issueError('REFUND_NOT_ALLOWED', { field: 'capture_id', value: capture.id, location: 'path' });
      case 'COMPLETED':
      case 'PARTIALLY_REFUNDED':
        break;
    }
    const remaining = capture.amount.minor - capture.refunded;
    const amount =
      ctx.body['amount'] === undefined
        ? { minor: remaining, currency: capture.amount.currency }
        : parseMoney(ctx.body['amount'], '/amount');
    if (amount.currency !== capture.amount.currency)
      throw issueError('REFUND_CAPTURE_CURRENCY_MISMATCH', { field: '/amount/currency_code' });
    if (amount.minor > remaining)
      throw issueError('REFUND_AMOUNT_EXCEEDED', {
        field: '/amount/value',
        value: renderMoney(amount).value,
      });
    const now = new Date();
    const percentFee = capture.fee - paypalFee({ minor: 0, currency: capture.amount.currency });
    const refund: RefundRecord = {
      id: paypalId(),
      clientId: ctx.clientId,
      captureId: capture.id,
      status: 'COMPLETED',
      amount,
      feeReturned: Math.round((percentFee * amount.minor) / capture.amount.minor),
      customId: optionalString(ctx.body, 'custom_id', '', 127),
      invoiceId: optionalString(ctx.body, 'invoice_id', '', 127),
      noteToPayer: optionalString(ctx.body, 'note_to_payer', '', 255),
      createTime: now,
      updateTime: now,
    };
    store.refunds.set(refund.id, refund);
    capture.refundIds.push(refund.id);
    capture.refunded += amount.minor;
    capture.status = capture.refunded >= capture.amount.minor ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    capture.updateTime = now;
    record({
      clientId: ctx.clientId,
      id: refund.id,
      referenceId: capture.id,
      eventCode: 'T1107',
      status: 'S',
      amount: -amount.minor,
      fee: refund.feeReturned,
      currency: amount.currency,
      invoiceId: refund.invoiceId,
      customField: refund.customId,
      balanceAffecting: true,
    });
    emit(ctx.clientId, eventFor(refund.id));
    const full = renderRefund(refund);
    return { status: 201, body: wantsFull(ctx) ? full : minimal(full) };
  }

  // ---- reporting -------------------------------------------------------------------------

  function searchTransactions(ctx: Context): Reply {
    const parseDate = (name: string): Date => {
      const raw = ctx.query.get(name);
      if (!raw)
        throw issueError('MISSING_REQUIRED_PARAMETER', {
          field: name,
          location: 'query',
          description: `${name} is required.`,
        });
      const date = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(raw)
        ? new Date(raw.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
        : new Date(NaN);
      if (Number.isNaN(date.getTime()))
        throw issueError('INVALID_PARAMETER_SYNTAX', {
          field: name,
          value: raw,
          location: 'query',
          description: `${name} must be an RFC 3339 date-time with seconds.`,
        });
      return date;
    };
    const from = parseDate('start_date');
    const to = parseDate('end_date');
    if (to < from)
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: 'end_date',
        location: 'query',
        description: 'end_date must not be before start_date.',
      });
    if (to.getTime() - from.getTime() > 31 * 86400_000)
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: 'end_date',
        location: 'query',
        description: 'Date range is greater than 31 days.',
      });
    const page = Number(ctx.query.get('page') ?? '1');
    const pageSize = Number(ctx.query.get('page_size') ?? '100');
    if (!Number.isInteger(page) || page < 1)
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: 'page',
        location: 'query',
        description: 'page must be an integer of at least 1.',
      });
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500)
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: 'page_size',
        location: 'query',
        description: 'page_size must be an integer from 1 to 500.',
      });
    const balanceOnly = (ctx.query.get('balance_affecting_records_only') ?? 'Y') !== 'N';
    const id = ctx.query.get('transaction_id');
    const currency = ctx.query.get('transaction_currency');
    const rows = store.transactions.filter(
      (t) =>
        t.clientId === ctx.clientId &&
        t.time >= from &&
        t.time <= to &&
        (!balanceOnly || t.balanceAffecting) &&
        (!id || t.id === id) &&
        (!currency || t.currency === currency),
    );
    const totalPages = Math.max(1, Math.ceil(rows.length / pageSize));
    const slice = rows.slice((page - 1) * pageSize, page * pageSize);
    const stamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, '+00:00');
    const details = slice.map((t) => ({
      transaction_info: {
        paypal_account_id: merchantId(t.clientId),
        transaction_id: t.id,
        ...(t.referenceId ? { paypal_reference_id: t.referenceId, paypal_reference_id_type: 'TXN' } : {}),
        transaction_event_code: t.eventCode,
        transaction_initiation_date: stamp(t.time),
        transaction_updated_date: stamp(t.time),
        transaction_amount: renderMoney({ minor: Math.abs(t.amount), currency: t.currency }),
        fee_amount: renderMoney({ minor: Math.abs(t.fee), currency: t.currency }),
        transaction_status: t.status,
        ...(t.invoiceId ? { invoice_id: t.invoiceId } : {}),
        ...(t.customField ? { custom_field: t.customField } : {}),
        protection_eligibility: '02',
      },
    }));
    // Signs are written into the decimal strings: PayPal shows money leaving as negative values.
    slice.forEach((t, i) => {
      if (t.amount < 0)
        details[i].transaction_info.transaction_amount.value =
          `-${details[i].transaction_info.transaction_amount.value}`;
      if (t.fee < 0)
        details[i].transaction_info.fee_amount.value = `-${details[i].transaction_info.fee_amount.value}`;
    });
    const query = (p: number) => {
      const q = new URLSearchParams(ctx.query);
      q.set('page', String(p));
      return `/v1/reporting/transactions?${q.toString()}`;
    };
    return {
      status: 200,
      body: {
        ...(details.length ? { transaction_details: details } : {}),
        account_number: merchantId(ctx.clientId),
        start_date: stamp(from),
        end_date: stamp(to),
        last_refreshed_datetime: stamp(new Date()),
        page,
        total_items: rows.length,
        total_pages: totalPages,
        links: [
          href(query(page), 'self'),
          ...(page < totalPages ? [href(query(page + 1), 'next')] : []),
          href(query(totalPages), 'last'),
        ],
      },
    };
  }

  // ---- webhooks API ----------------------------------------------------------------------

  function renderWebhook(webhook: { id: string; url: string; eventTypes: string[] }) {
    return {
      id: webhook.id,
      url: webhook.url,
      event_types: webhook.eventTypes.map((name) => ({
        name,
        description: EVENT_TYPES[name] ?? 'ALL',
        status: 'ENABLED',
      })),
      links: [
        href(`/v1/notifications/webhooks/${webhook.id}`, 'self'),
        href(`/v1/notifications/webhooks/${webhook.id}`, 'update', 'PATCH'),
        href(`/v1/notifications/webhooks/${webhook.id}`, 'delete', 'DELETE'),
      ],
    };
  }

  function createWebhook(ctx: Context): Reply {
    const url = ctx.body['url'];
    if (typeof url !== 'string' || !url)
      throw issueError('MISSING_REQUIRED_PARAMETER', { field: 'url', description: 'url is required.' });
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw issueError('INVALID_PARAMETER_SYNTAX', {
        field: 'url',
        value: url,
        description: 'url must be an absolute http(s) URL.',
      });
    }
    if (!/^https?:$/.test(parsed.protocol))
      throw issueError('INVALID_PARAMETER_SYNTAX', {
        field: 'url',
        value: url,
        description: 'url must be an absolute http(s) URL.',
      });
    const types = ctx.body['event_types'];
    if (!Array.isArray(types) || !types.length)
      throw issueError('MISSING_REQUIRED_PARAMETER', {
        field: 'event_types',
        description: 'event_types must list at least one event type or "*".',
      });
    const names = types.map((t) => (t && typeof t === 'object' ? (t as { name?: unknown }).name : undefined));
    for (const name of names) {
      if (typeof name !== 'string' || (name !== '*' && !EVENT_TYPES[name]))
        throw new PayPalHttpError(400, {
          name: 'WEBHOOK_EVENT_TYPE_INVALID',
          message: `Event type '${String(name)}' is not supported. Supported: *, ${Object.keys(EVENT_TYPES).join(', ')}.`,
          debug_id: paypalId().toLowerCase(),
        });
    }
    const mine = [...store.webhooks.values()].filter((w) => w.clientId === ctx.clientId);
    if (mine.some((w) => w.url === url))
      throw new PayPalHttpError(400, {
        name: 'WEBHOOK_URL_ALREADY_EXISTS',
        message: 'Webhook URL already exists.',
        debug_id: paypalId().toLowerCase(),
      });
    if (mine.length >= MAX_WEBHOOKS)
      throw new PayPalHttpError(400, {
        name: 'WEBHOOK_NUMBER_LIMIT_EXCEEDED',
        message: `An app can have at most ${MAX_WEBHOOKS} webhooks.`,
        debug_id: paypalId().toLowerCase(),
      });
    const webhook = { id: paypalId(), clientId: ctx.clientId, url, eventTypes: names as string[] };
    store.webhooks.set(webhook.id, webhook);
    return { status: 201, body: renderWebhook(webhook) };
  }

  function verifySignature(ctx: Context): Reply {
    const body = ctx.body;
    for (const field of [
      'auth_algo',
      'cert_url',
      'transmission_id',
      'transmission_sig',
      'transmission_time',
      'webhook_id',
      'webhook_event',
    ]) {
      if (body[field] === undefined || body[field] === '')
        throw issueError('MISSING_REQUIRED_PARAMETER', { field, description: `${field} is required.` });
    }
    const webhook = store.webhooks.get(String(body['webhook_id']));
    const ok =
      !!webhook &&
      webhook.clientId === ctx.clientId &&
      body['auth_algo'] === 'SHA256withRSA' &&
      body['cert_url'] === certUrl() &&
      signer.verify({
        transmissionId: String(body['transmission_id']),
        transmissionTime: String(body['transmission_time']),
        webhookId: String(body['webhook_id']),
        body: JSON.stringify(body['webhook_event']),
        signature: String(body['transmission_sig']),
      });
    return { status: 200, body: { verification_status: ok ? 'SUCCESS' : 'FAILURE' } };
  }

  // ---- routing ---------------------------------------------------------------------------

  const id = '([A-Za-z0-9-]+)';
  const routes: Route[] = [
    {
      method: 'POST',
      pattern: /^\/v2\/checkout\/orders$/,
      operation: 'orders.create',
      idempotent: 'replay-200',
      handler: createOrder,
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v2/checkout/orders/${id}$`),
      operation: 'orders.get',
      handler: (ctx) => ({
        status: 200,
        body: renderOrder(store.find(store.orders, ctx.params[0], ctx.clientId, 'order_id')),
      }),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/v2/checkout/orders/${id}/authorize$`),
      operation: 'orders.authorize',
      idempotent: 'replay-200',
      handler: authorizeOrder,
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/v2/checkout/orders/${id}/capture$`),
      operation: 'orders.capture',
      idempotent: 'replay-200',
      handler: captureOrder,
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v2/payments/authorizations/${id}$`),
      operation: 'authorizations.get',
      handler: (ctx) => ({
        status: 200,
        body: renderAuthorization(
          store.find(store.authorizations, ctx.params[0], ctx.clientId, 'authorization_id'),
          true,
        ),
      }),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/v2/payments/authorizations/${id}/capture$`),
      operation: 'authorizations.capture',
      idempotent: 'replay-same',
      handler: captureAuthorization,
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/v2/payments/authorizations/${id}/reauthorize$`),
      operation: 'authorizations.reauthorize',
      idempotent: 'replay-same',
      handler: reauthorize,
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/v2/payments/authorizations/${id}/void$`),
      operation: 'authorizations.void',
      idempotent: 'replay-same',
      handler: voidAuthorization,
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v2/payments/captures/${id}$`),
      operation: 'captures.get',
      handler: (ctx) => ({
        status: 200,
        body: renderCapture(store.find(store.captures, ctx.params[0], ctx.clientId, 'capture_id'), true),
      }),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/v2/payments/captures/${id}/refund$`),
      operation: 'captures.refund',
      idempotent: 'replay-same',
      handler: refundCapture,
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v2/payments/refunds/${id}$`),
      operation: 'refunds.get',
      handler: (ctx) => ({
        status: 200,
        body: renderRefund(store.find(store.refunds, ctx.params[0], ctx.clientId, 'refund_id')),
      }),
    },
    {
      method: 'GET',
      pattern: /^\/v1\/reporting\/transactions$/,
      operation: 'reporting.transactions',
      handler: searchTransactions,
    },
    {
      method: 'POST',
      pattern: /^\/v1\/notifications\/webhooks$/,
      operation: 'webhooks.create',
      handler: createWebhook,
    },
    {
      method: 'GET',
      pattern: /^\/v1\/notifications\/webhooks$/,
      operation: 'webhooks.list',
      handler: (ctx) => ({
        status: 200,
        body: {
          webhooks: [...store.webhooks.values()]
            .filter((w) => w.clientId === ctx.clientId)
            .map(renderWebhook),
        },
      }),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v1/notifications/webhooks/${id}$`),
      operation: 'webhooks.get',
      handler: (ctx) => ({
        status: 200,
        body: renderWebhook(store.find(store.webhooks, ctx.params[0], ctx.clientId, 'webhook_id')),
      }),
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`^/v1/notifications/webhooks/${id}$`),
      operation: 'webhooks.delete',
      handler: (ctx) => {
        store.find(store.webhooks, ctx.params[0], ctx.clientId, 'webhook_id');
        store.webhooks.delete(ctx.params[0]);
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/notifications\/verify-webhook-signature$/,
      operation: 'webhooks.verify',
      handler: verifySignature,
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v1/notifications/certs/${id}$`),
      operation: 'certs.get',
      public: true,
      handler: (ctx) => {
        if (ctx.params[0] !== signer.certId) throw statusError(404);
        return {
          status: 200,
          body: signer.certificatePem,
          headers: { 'content-type': 'application/x-pem-file' },
        };
      },
    },
  ];

  function issueToken(ctx: Context): Reply {
    const auth = String(ctx.headers['authorization'] ?? '');
    const match = /^Basic\s+(.+)$/i.exec(auth);
    const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const clientId = colon >= 0 ? decoded.slice(0, colon) : '';
    const secret = colon >= 0 ? decoded.slice(colon + 1) : '';
    if (!clientId || clients.get(clientId) !== secret)
      throw oauthError(401, 'invalid_client', 'Client Authentication failed');
    const grant = new URLSearchParams(ctx.rawBody).get('grant_type');
    if (!grant) throw oauthError(400, 'unsupported_grant_type', 'Grant Type is NULL');
    if (grant !== 'client_credentials')
      throw oauthError(400, 'unsupported_grant_type', `Grant Type ${grant} is not supported`);
    const token = accessToken();
    tokens.set(token, { clientId, expiresAt: Date.now() + ttl * 1000 });
    return {
      status: 200,
      body: {
        scope:
          'https://uri.paypal.com/services/payments/payment/authcapture https://uri.paypal.com/services/payments/refund https://uri.paypal.com/services/reporting/search/read https://uri.paypal.com/services/applications/webhooks openid',
        access_token: token,
        token_type: 'Bearer',
        app_id: `APP-${paypalId()}`,
        expires_in: ttl,
        nonce: `${new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')}${paypalId()}`,
      },
    };
  }

  function authenticate(ctx: IncomingMessage): string {
    const match = /^Bearer\s+(\S+)$/i.exec(String(ctx.headers['authorization'] ?? ''));
    const token = match ? tokens.get(match[1]) : undefined;
    if (!token || token.expiresAt <= Date.now()) throw statusError(401);
    return token.clientId;
  }

  // ---- sandbox controls ------------------------------------------------------------------

  function approveOrder(orderId: string, buyer: { email?: string } = {}): OrderRecord {
    const order = store.orders.get(orderId);
    if (!order)
      throw issueError('INVALID_RESOURCE_ID', { field: 'order_id', value: orderId, location: 'path' });
    if (order.status !== 'CREATED' && order.status !== 'PAYER_ACTION_REQUIRED')
      throw issueError('INVALID_PARAMETER_VALUE', {
        field: 'order_id',
        value: orderId,
        description: `Only a CREATED or PAYER_ACTION_REQUIRED order can be approved; this one is ${order.status}.`,
      });
    const wallet = order.source?.kind === 'paypal' ? order.source : { kind: 'paypal' as const };
    order.source = {
      ...wallet,
      email: buyer.email ?? 'buyer@payrail.test',
      accountId: `B${paypalId().slice(0, 12)}`,
    };
    order.status = 'APPROVED';
    order.updateTime = new Date();
    emit(order.clientId, eventFor(order.id, 'CHECKOUT.ORDER.APPROVED'));
    return order;
  }

  function control(
    method: string,
    path: string,
    body: Record<string, unknown>,
    query: URLSearchParams,
  ): Reply {
    const approve = /^\/_sandbox\/orders\/([A-Za-z0-9]+)\/approve$/.exec(path);
    if (method === 'POST' && approve)
      return {
        status: 200,
        body: renderOrder(
          approveOrder(approve[1], { email: typeof body['email'] === 'string' ? body['email'] : undefined }),
        ),
      };
    if (method === 'POST' && path === '/_sandbox/latency') {
      const ms = body['ms'];
      if (typeof ms !== 'number' || ms < 0)
        throw issueError('INVALID_PARAMETER_VALUE', {
          field: 'ms',
          description: 'ms must be a number of milliseconds, 0 or more.',
        });
      sandbox.setLatency(ms, typeof body['client_id'] === 'string' ? body['client_id'] : undefined);
      return { status: 204 };
    }
    if (method === 'POST' && path === '/_sandbox/clients') {
      if (
        typeof body['client_id'] !== 'string' ||
        typeof body['client_secret'] !== 'string' ||
        !body['client_id'] ||
        !body['client_secret']
      )
        throw issueError('MISSING_REQUIRED_PARAMETER', {
          field: 'client_id',
          description: 'client_id and client_secret are required strings.',
        });
      sandbox.addClient(body['client_id'], body['client_secret']);
      return { status: 204 };
    }
    if (method === 'POST' && path === '/_sandbox/tokens/expire') {
      sandbox.expireTokens();
      return { status: 204 };
    }
    if (method === 'POST' && path === '/_sandbox/reset') {
      sandbox.reset();
      return { status: 204 };
    }
    if (method === 'POST' && path === '/_sandbox/webhooks/sign') {
      if (typeof body['resource_id'] !== 'string' || typeof body['webhook_id'] !== 'string')
        throw issueError('MISSING_REQUIRED_PARAMETER', {
          field: 'resource_id',
          description: 'resource_id and webhook_id are required strings.',
        });
      try {
        return {
          status: 200,
          body: sandbox.signedDelivery({
            resourceId: body['resource_id'],
            webhookId: body['webhook_id'],
            eventType: typeof body['event_type'] === 'string' ? body['event_type'] : undefined,
            at:
              typeof body['transmission_time'] === 'string' ? new Date(body['transmission_time']) : undefined,
          }),
        };
      } catch (error) {
        throw issueError('INVALID_RESOURCE_ID', {
          field: 'resource_id',
          value: body['resource_id'],
          description: (error as Error).message,
        });
      }
    }
    if (method === 'GET' && path === '/_sandbox/exchanges') return { status: 200, body: exchanges };
    if (method === 'GET' && path === '/_sandbox/deliveries') return { status: 200, body: deliveries };
    void query;
    throw statusError(404);
  }

  /** The buyer's approval page an `approve` / `payer-action` link leads to. */
  function checkoutPage(method: string, query: URLSearchParams): Reply {
    const token = query.get('token') ?? '';
    const order = store.orders.get(token);
    if (!order)
      return { status: 404, body: 'Unknown order token.', headers: { 'content-type': 'text/plain' } };
    if (method === 'POST') {
      approveOrder(token);
      const back = order.source?.kind === 'paypal' ? order.source.returnUrl : undefined;
      if (back) {
        const target = new URL(back);
        target.searchParams.set('token', order.id);
        target.searchParams.set('PayerID', (order.source as { accountId?: string }).accountId ?? '');
        return { status: 302, headers: { location: target.toString() } };
      }
      return { status: 200, body: `Order ${order.id} approved.`, headers: { 'content-type': 'text/plain' } };
    }
    const page = `<!doctype html><title>PayPal sandbox checkout</title><h1>Pay ${renderMoney(order.unit.amount).value} ${order.unit.amount.currency}</h1><form method="post" action="/checkoutnow?token=${order.id}"><button>Approve as sandbox buyer</button></form>`;
    return { status: 200, body: page, headers: { 'content-type': 'text/html' } };
  }

  // ---- HTTP plumbing ---------------------------------------------------------------------

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  function send(res: ServerResponse, reply: Reply, method: string, path: string): void {
    const text =
      reply.body === undefined
        ? ''
        : typeof reply.body === 'string'
          ? reply.body
          : JSON.stringify(reply.body);
    const headers: Record<string, string | number> = {
      'paypal-debug-id': paypalId().toLowerCase(),
      ...(reply.body !== undefined && typeof reply.body !== 'string'
        ? { 'content-type': 'application/json' }
        : {}),
      ...reply.headers,
      'content-length': Buffer.byteLength(text),
    };
    if (options.record && !path.startsWith('/_sandbox')) {
      exchanges.push({
        method,
        path,
        status: reply.status,
        contentType: String(headers['content-type'] ?? ''),
        body: reply.body,
      });
    }
    if (res.destroyed) return;
    res.writeHead(reply.status, headers);
    res.end(text);
  }

  function replayKey(route: Route, ctx: Context): string | undefined {
    const requestId = ctx.headers['paypal-request-id'];
    if (!route.idempotent || typeof requestId !== 'string' || !requestId) return undefined;
    return `${ctx.clientId}|${route.operation}|${ctx.params.join('/')}|${requestId}`;
  }

  function replay(route: Route, ctx: Context, key: string): Reply | undefined {
    const known = replies.get(key);
    if (!known) return undefined;
    if (known.kind === 'error') return { status: known.status, body: known.body };
    const status = route.idempotent === 'replay-200' ? 200 : known.status;
    const full =
      known.kind === 'order'
        ? renderOrder(must(store.orders, known.id))
        : known.kind === 'authorization'
          ? renderAuthorization(must(store.authorizations, known.id), true)
          : known.kind === 'capture'
            ? renderCapture(must(store.captures, known.id), true)
            : renderRefund(must(store.refunds, known.id));
    if (known.status === 204) return { status: 204 };
    return { status, body: wantsFull(ctx) ? full : minimal(full) };
  }

  function remember(route: Route, key: string, reply: Reply, error: boolean): void {
    if (error) {
      if (reply.status === 422)
        replies.set(key, { kind: 'error', id: '', status: reply.status, body: reply.body });
      return;
    }
    const body = reply.body as { id?: string } | undefined;
    const kind = route.operation.startsWith('orders.')
      ? 'order'
      : route.operation === 'captures.refund'
        ? 'refund'
        : route.operation === 'authorizations.capture'
          ? 'capture'
          : 'authorization';
    const resourceId = body?.id ?? (route.operation === 'authorizations.void' ? undefined : undefined);
    replies.set(key, { kind, id: resourceId ?? '', status: reply.status });
  }

  function officialDescriptions(error: PayPalHttpError, operation: string): void {
    const overrides = DESCRIPTION_OVERRIDES[operation];
    const details = (error.body as { details?: { issue: string; description?: string }[] }).details;
    if (!overrides || !details) return;
    for (const detail of details)
      detail.description = overrides[detail.issue as PayPalIssue] ?? detail.description;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    try {
      const rawBody = await readBody(req);
      const parseJson = (): Record<string, unknown> => {
        if (!rawBody.trim()) return {};
        try {
          const parsed: unknown = JSON.parse(rawBody);
          if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
            throw new Error('not an object');
          return parsed as Record<string, unknown>;
        } catch {
          throw issueError('MALFORMED_REQUEST_JSON', { description: 'The request JSON is not well formed.' });
        }
      };
      if (path === '/v1/oauth2/token' && method === 'POST') {
        send(
          res,
          issueToken({
            method,
            path,
            query: url.searchParams,
            headers: req.headers,
            body: {},
            rawBody,
            clientId: '',
            params: [],
          }),
          method,
          path,
        );
        return;
      }
      if (path.startsWith('/_sandbox/')) {
        send(res, control(method, path, parseJson(), url.searchParams), method, path);
        return;
      }
      if (path === '/checkoutnow') {
        send(res, checkoutPage(method, url.searchParams), method, path);
        return;
      }
      let match: RegExpExecArray | null = null;
      const route = routes.find((r) => r.method === method && (match = r.pattern.exec(path)));
      if (!route || !match) {
        const known = routes.some((r) => r.pattern.test(path));
        send(
          res,
          {
            status: known ? 405 : 404,
            body: known
              ? {
                  name: 'METHOD_NOT_SUPPORTED',
                  message: `${method} is not supported on ${path}.`,
                  debug_id: paypalId().toLowerCase(),
                }
              : statusError(404).body,
          },
          method,
          path,
        );
        return;
      }
      const params = (match as RegExpExecArray).slice(1);
      const clientId = route.public ? '' : authenticate(req);
      const delay = latency.get(clientId) ?? latency.get('*') ?? 0;
      if (delay > 0 && !route.public) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, delay);
          timers.add(timer);
        });
        if (closed) return;
      }
      if (
        method !== 'GET' &&
        method !== 'DELETE' &&
        rawBody.trim() &&
        !/json/i.test(String(req.headers['content-type'] ?? ''))
      )
        throw new PayPalHttpError(415, {
          name: 'UNSUPPORTED_MEDIA_TYPE',
          message: 'The server does not support the request payload’s media type. Send application/json.',
          debug_id: paypalId().toLowerCase(),
        });
      const ctx: Context = {
        method,
        path,
        query: url.searchParams,
        headers: req.headers,
        body: parseJson(),
        rawBody,
        clientId,
        params,
      };
      const key = replayKey(route, ctx);
      const replayed = key ? replay(route, ctx, key) : undefined;
      if (replayed) {
        send(res, replayed, method, path);
        return;
      }
      let reply: Reply;
      try {
        mockIssue(ctx, route.operation);
        reply = route.handler(ctx);
      } catch (error) {
        if (error instanceof PayPalHttpError) officialDescriptions(error, route.operation);
        if (error instanceof PayPalHttpError && key)
          remember(route, key, { status: error.status, body: error.body }, true);
        throw error;
      }
      if (key) {
        remember(
          route,
          key,
          route.operation === 'authorizations.void'
            ? { status: reply.status, body: { id: params[0] } }
            : reply,
          false,
        );
      }
      send(res, reply, method, path);
    } catch (error) {
      if (error instanceof PayPalHttpError) {
        send(res, { status: error.status, body: error.body }, method, path);
        return;
      }
      send(res, statusError(500), method, path);
    }
  }

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(
      options.port ?? PAYPAL_SANDBOX_DEFAULTS.port,
      options.host ?? PAYPAL_SANDBOX_DEFAULTS.host,
      () => resolve(),
    );
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const host = options.host ?? PAYPAL_SANDBOX_DEFAULTS.host;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const sandbox: PayPalSandbox = {
    url: baseUrl,
    port,
    certUrl: certUrl(),
    exchanges,
    deliveries,
    store,
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    reset() {
      store.clear();
      tokens.clear();
      replies.clear();
      latency.clear();
      exchanges.length = 0;
      deliveries.length = 0;
    },
    addClient(clientId, clientSecret) {
      clients.set(clientId, clientSecret);
    },
    setLatency(ms, clientId) {
      if (ms > 0) latency.set(clientId ?? '*', ms);
      else latency.delete(clientId ?? '*');
    },
    expireTokens() {
      tokens.clear();
    },
    approveOrder(orderId, buyer) {
      approveOrder(orderId, buyer);
    },
    signedDelivery({ resourceId, webhookId, eventType, at }) {
      const event = eventFor(resourceId, eventType, at);
      return signer.sign(JSON.stringify(event), webhookId, certUrl(), at);
    },
    async idle() {
      while (inFlight.size || timers.size) {
        await Promise.all([...inFlight]);
        if (timers.size && !inFlight.size) await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
  return sandbox;
}

export { PAYPAL_ISSUES };
