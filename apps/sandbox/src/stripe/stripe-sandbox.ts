import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { stripeCardFrame, stripeJs } from './browser-sdk';
import type { AddressInfo } from 'node:net';
import { invalidRequest, StripeApiError } from './errors';
import { parseForm, Params, type FormObject } from './form';
import { readFileUpload, type FileUpload } from './files';
import { stripeId } from './ids';
import { StripeState, type RequestContext, type StripeObject } from './state';
import {
  canonicalJson,
  ExchangeRecorder,
  matchRoute,
  ReplayStore,
  requestFingerprint,
  sendBrowserFile,
  Unavailability,
} from '../kit';
import {
  includesTotalCount,
  listPage,
  PERMISSION_NAMES,
  STRIPE_RESOURCES,
  withSubListCounts,
  type RestrictedKeyPermissions,
  type Route,
} from './routing';
import { paymentRoutes } from './routes-payments';
import { searchRoutes, vaultRoutes } from './routes-vault';
import { settlementControl } from './settlement-controls';
import type { StripeSettlements } from './state-settlement';
import { WebhookDispatcher, type WebhookDeliveryAttempt } from './webhook-delivery';
import {
  apiKey,
  headerValue,
  maskKey,
  expandPaths,
  faultError,
  sleep,
  challengePage,
} from './request-helpers';

/** Default credentials the sandbox accepts out of the box: obviously test values. */
export const STRIPE_SANDBOX_DEFAULTS = Object.freeze({
  port: 12111,
  secretKey: 'sk_test_PayrailSandbox000000000000000000000000',
  publishableKey: 'pk_test_PayrailSandbox000000000000000000000000',
  accountId: 'acct_1PayrailSandbox0',
  accountName: 'Payrail Sandbox',
  /** Restricted keys known from the start: one that can only read, one that can take payments but not refund. */
  restrictedKeys: Object.freeze({
    rk_test_PayrailSandboxReadOnly0000000000000000: Object.freeze({
      account: 'read',
      balance: 'read',
      charges: 'read',
      events: 'read',
      payment_intents: 'read',
      payment_methods: 'read',
      refunds: 'read',
      webhook_endpoints: 'read',
    }),
    rk_test_PayrailSandboxNoRefunds000000000000000: Object.freeze({
      account: 'read',
      balance: 'read',
      charges: 'read',
      events: 'read',
      payment_intents: 'write',
      payment_methods: 'write',
      refunds: 'read',
      tokens: 'write',
      webhook_endpoints: 'write',
    }),
  }) as Readonly<Record<string, RestrictedKeyPermissions>>,
});

export interface StripeSandboxOptions {
  /** Default 12111; 0 picks a free port (tests). */
  port?: number;
  host?: string;
  /** Extra restricted keys (`rk_test_…`) and what each may do. */
  restrictedKeys?: Record<string, RestrictedKeyPermissions>;
  /** Keep every API request and response so tests can check them against the OpenAPI spec. */
  record?: boolean;
  /** Delays between webhook delivery attempts; the default retries three times. */
  webhookRetryDelaysMs?: number[];
  webhookTimeoutMs?: number;
  /** How long a pending or failing test refund takes to reach its final state (default 1000 ms). */
  asyncRefundDelayMs?: number;
  /** How long after capture a dispute test card's dispute opens, and after test evidence it closes (default 500 ms). */
  disputeDelayMs?: number;
}

export interface RecordedExchange {
  method: string;
  /** The request path as sent. */
  path: string;
  /** The OpenAPI path template it matched (`/v1/payment_intents/{intent}`). */
  route?: string;
  status: number;
  body: unknown;
}

export {
  STRIPE_RESOURCES,
  type PermissionLevel,
  type RestrictedKeyPermissions,
  type StripeResource,
} from './routing';

interface KeyInfo {
  kind: 'secret' | 'restricted';
  permissions?: RestrictedKeyPermissions;
  latencyMs?: number;
}

/** A publishable key calling what Stripe lets one call: treated as the account's own key for that call. */
const PUBLISHABLE: KeyInfo = { kind: 'secret' };

interface IdempotentEntry {
  fingerprint: string;
  done: boolean;
  status?: number;
  body?: string;
  headers?: Record<string, string>;
}

interface Fault {
  status: number;
  remaining: number;
}

export interface StripeSandbox {
  /** `http://host:port`, without a trailing slash. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Stripe SDK options that point the official client here: `new Stripe(key, sandbox.clientOptions)`. */
  readonly clientOptions: { host: string; port: number; protocol: 'http' };
  readonly state: StripeState;
  /** Requests and responses, when started with `record: true`. */
  readonly exchanges: RecordedExchange[];
  readonly webhookAttempts: readonly WebhookDeliveryAttempt[];
  /** Adds a restricted key with these permissions and returns it. */
  createRestrictedKey(permissions: RestrictedKeyPermissions): string;
  /** Adds a secret key whose answers are delayed (for timeout tests) and returns it. */
  createSlowKey(latencyMs: number): string;
  /** Delays every API answer (0 turns it off). */
  setLatency(ms: number): void;
  /** The next `count` API requests answer `status` (500, 503, 429…) in Stripe's error shape. */
  injectFault(status: number, count?: number): void;
  /** Completes (or fails) the 3-D Secure challenge of a PaymentIntent or SetupIntent in `requires_action`. */
  authenticate(paymentIntentId: string, result?: 'succeed' | 'fail'): StripeObject;
  /** Opens a dispute on a captured charge now, as a dispute test card does after capture. */
  openDispute(chargeId: string, reason?: string, inquiry?: boolean): StripeObject;
  /** Decides an open dispute now, as the issuer would. */
  closeDispute(disputeId: string, outcome: 'won' | 'lost'): StripeObject;
  /** Makes every pending balance transaction available now. */
  settleBalance(): number;
  /** Payouts and the settlement discrepancy controls (README: settlement controls). */
  readonly settlements: StripeSettlements;
  /** Moves asynchronous test refunds (pending / failing cards) to their final state now. */
  settleRefunds(): number;
  /** Stops the server, webhook deliveries and every pending timer. */
  close(): Promise<void>;
}

/**
 * Starts a local server that speaks Stripe's v1 wire protocol for payments, so the official
 * `stripe` SDK runs against it unmodified. State lives in memory and dies with `close()`.
 */
export async function startStripeSandbox(options: StripeSandboxOptions = {}): Promise<StripeSandbox> {
  const defaults = STRIPE_SANDBOX_DEFAULTS;
  const keys = new Map<string, KeyInfo>([[defaults.secretKey, { kind: 'secret' }]]);
  for (const [key, permissions] of Object.entries({
    ...defaults.restrictedKeys,
    ...options.restrictedKeys,
  })) {
    if (!/^rk_test_[A-Za-z0-9]+$/.test(key))
      throw new Error(`restricted key '${key.slice(0, 8)}…' must look like rk_test_…`);
    keys.set(key, { kind: 'restricted', permissions });
  }
  const state = new StripeState({
    accountId: defaults.accountId,
    asyncRefundDelayMs: options.asyncRefundDelayMs ?? 1000,
    disputeDelayMs: options.disputeDelayMs ?? 500,
  });
  const dispatcher = new WebhookDispatcher({
    retryDelaysMs: options.webhookRetryDelaysMs ?? [500, 2000, 5000],
    timeoutMs: options.webhookTimeoutMs ?? 5000,
    onDelivered: (eventId) => {
      const event = state.events.get(eventId);
      if (event && event.pending_webhooks > 0) event.pending_webhooks--;
    },
  });
  state.onEvent((event, endpoints) => {
    const payload = JSON.stringify(event, null, 2);
    for (const endpoint of endpoints) {
      dispatcher.deliver(event, payload, {
        endpointId: endpoint.id,
        url: endpoint.url,
        secret: endpoint.secret ?? '',
      });
    }
  });
  const idempotency = new ReplayStore<IdempotentEntry>();
  const recorder = new ExchangeRecorder<RecordedExchange>(Boolean(options.record));
  const faults: Fault[] = [];
  const unavailable = new Unavailability();
  const pendingTimers = new Map<NodeJS.Timeout, () => void>();
  let latencyMs = 0;
  let origin = '';

  const list = (items: StripeObject[], params: Params, url: string): Record<string, unknown> =>
    listPage(items, params, url, (id) => state.sequence(id));

  const routes: Route[] = [
    ...searchRoutes(state),
    ...vaultRoutes(state, list),
    ...paymentRoutes(state, list, defaults),
  ];

  const expandable = (id: string): StripeObject | undefined =>
    id.startsWith('ch_') && state.charges.has(id) ? state.retrieveCharge(id) : state.find(id);

  async function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    rawBody: string,
    bytes: Buffer = Buffer.from(rawBody),
  ): Promise<void> {
    const requestId = stripeId('req', 14);
    const method = req.method ?? 'GET';
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'request-id': requestId,
      'stripe-version': String(req.headers['stripe-version'] ?? '2026-10-28.endive'),
      'cache-control': 'no-cache, no-store',
      // Stripe's API answers browsers too (publishable-key calls from Stripe.js).
      'access-control-allow-origin': '*',
    };
    const found = matchRoute(routes, method, url.pathname);
    const matched = found.route;
    const send = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
      recorder.record(() => ({
        method,
        path: url.pathname,
        route: matched?.template,
        status,
        body: JSON.parse(text),
      }));
      res.writeHead(status, { ...headers, ...extra });
      res.end(text);
    };
    const sendError = (error: StripeApiError) =>
      send(
        error.status,
        error.body(requestId),
        error.shouldRetry === undefined ? {} : { 'stripe-should-retry': String(error.shouldRetry) },
      );

    const key = apiKey(req);
    if (!key) {
      return sendError(
        invalidRequest(
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
          { status: 401 },
        ),
      );
    }
    const info = keys.get(key) ?? (publishableMay(key, method, url, rawBody) ? PUBLISHABLE : undefined);
    if (!info) {
      const publishable = key.startsWith('pk_');
      return sendError(
        invalidRequest(
          publishable
            ? 'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.'
            : `Invalid API Key provided: ${maskKey(key)}`,
          { status: 401 },
        ),
      );
    }
    const fault = faults[0];
    if (fault) {
      if (--fault.remaining <= 0) faults.shift();
      return sendError(faultError(fault.status));
    }
    if (unavailable.next()) return sendError(faultError(503));
    if (!matched) {
      return sendError(
        invalidRequest(
          `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
          { status: 404 },
        ),
      );
    }
    if (info.kind === 'restricted') {
      const level = info.permissions?.[matched.resource] ?? 'none';
      const allowed = level === 'write' || (level === 'read' && matched.access === 'read');
      if (!allowed) {
        const permission = `rak_${PERMISSION_NAMES[matched.resource]}_${matched.access}`;
        return sendError(
          invalidRequest(
            `The provided key '${maskKey(key)}' does not have the required permissions for this endpoint on account '${defaults.accountId}'. Having the '${permission}' permission would allow this request to continue.`,
            { status: 403 },
          ),
        );
      }
    }
    const pathParams = Object.fromEntries(
      matched.names.map((name, i) => [name, 'params' in found ? (found.params[i] ?? '') : '']),
    );
    let form: FormObject;
    let upload: FileUpload | undefined;
    try {
      const contentType = String(req.headers['content-type'] ?? '');
      if (method === 'POST' && matched.template === '/v1/files') {
        upload = readFileUpload(bytes, contentType);
        form = upload.form;
      } else if (
        method === 'POST' &&
        rawBody &&
        !contentType.startsWith('application/x-www-form-urlencoded')
      ) {
        throw invalidRequest(
          `Invalid request (check that your POST content type is application/x-www-form-urlencoded). If you have any questions, we can help at https://support.stripe.com/.`,
        );
      } else form = parseForm(method === 'POST' ? rawBody : url.search.slice(1));
    } catch (error) {
      if (error instanceof StripeApiError) return sendError(error);
      throw error;
    }

    const idempotencyKey = method === 'POST' ? headerValue(req, 'idempotency-key') : undefined;
    let entry: IdempotentEntry | undefined;
    const scope = `${defaults.accountId}:${idempotencyKey}`;
    if (idempotencyKey !== undefined) {
      if (idempotencyKey.length > 255) {
        return sendError(
          invalidRequest('Idempotency-Key must be at most 255 characters long.', {
            param: 'Idempotency-Key',
          }),
        );
      }
      const fingerprint = requestFingerprint(
        method,
        url.pathname,
        canonicalJson(upload?.file ? { ...form, file: upload.file.data.toString('base64') } : form),
      );
      const known = idempotency.get(scope);
      if (known && !known.done) {
        return sendError(
          new StripeApiError(
            409,
            {
              type: 'invalid_request_error',
              code: 'idempotency_key_in_use',
              message:
                'There is currently another in-progress request using this Stripe API key (or Stripe account) and idempotency key. Please try again later.',
            },
            { shouldRetry: true },
          ),
        );
      }
      if (known) {
        if (known.fingerprint !== fingerprint) {
          return sendError(
            new StripeApiError(
              400,
              {
                type: 'idempotency_error',
                message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
              },
              { shouldRetry: false },
            ),
          );
        }
        return send(known.status ?? 500, known.body ?? '{}', {
          ...known.headers,
          'idempotent-replayed': 'true',
        });
      }
      entry = { fingerprint, done: false };
      idempotency.remember(scope, entry);
    }

    const ctx: RequestContext = { requestId, idempotencyKey, origin, ...(upload ? { upload } : {}) };
    let status = 200;
    let body: unknown;
    let saved = true;
    let extra: Record<string, string> = {};
    try {
      const params = new Params(form);
      const result = matched.handle({ params, path: pathParams, ctx });
      const expand = params.strings('expand') ?? [];
      body = withSubListCounts(
        expandPaths(structuredClone(result), expand, expandable),
        includesTotalCount(params),
      );
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      status = error.status;
      body = error.body(requestId);
      saved = error.saved;
      if (error.shouldRetry !== undefined) extra = { 'stripe-should-retry': String(error.shouldRetry) };
    }
    const delay = latencyMs + (info.latencyMs ?? 0);
    if (delay > 0) await sleep(delay, pendingTimers);
    if (entry) {
      if (saved)
        Object.assign(entry, { done: true, status, body: JSON.stringify(body, null, 2), headers: extra });
      else idempotency.forget(scope);
    }
    if (res.destroyed) return;
    send(status, body, extra);
  }

  function handleControl(req: IncomingMessage, res: ServerResponse, url: URL, rawBody: string): void {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body, null, 2));
    };
    const ctx: RequestContext = { requestId: stripeId('req', 14), origin };
    let input: Record<string, unknown> = {};
    try {
      const type = String(req.headers['content-type'] ?? '');
      if (rawBody)
        input = type.includes('json')
          ? JSON.parse(rawBody)
          : Object.fromEntries(new URLSearchParams(rawBody));
      for (const [k, v] of url.searchParams) input[k] ??= v;
    } catch {
      return json(400, { error: { message: 'control request body must be JSON or form-encoded' } });
    }
    const method = req.method ?? 'GET';
    const path = url.pathname;
    let m: RegExpExecArray | null;
    try {
      if (method === 'GET' && (m = /^\/_sandbox\/3ds\/([^/]+)$/.exec(path))) {
        const id = decodeURIComponent(m[1]);
        const intent = id.startsWith('seti_')
          ? { id, amount: 0, currency: 'usd', kind: 'setup_intents' as const }
          : { ...state.retrievePaymentIntent(id), kind: 'payment_intents' as const };
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(challengePage(intent.id, intent.amount, intent.currency, intent.kind));
        return;
      }
      if (
        method === 'POST' &&
        (m = /^\/_sandbox\/(payment_intents|setup_intents)\/([^/]+)\/authenticate$/.exec(path))
      ) {
        const result = String(input['result'] ?? 'succeed');
        if (result !== 'succeed' && result !== 'fail')
          return json(400, { error: { message: "result must be 'succeed' or 'fail'" } });
        const id = decodeURIComponent(m[2]);
        if (m[1] === 'setup_intents')
          return json(200, state.authenticateSetup(id, result === 'succeed', ctx));
        const returnUrl = state.paymentIntents.get(id)?.returnUrl;
        const pi = state.authenticate(id, result === 'succeed', ctx);
        if (String(req.headers['content-type'] ?? '').includes('form') && returnUrl) {
          const target = new URL(returnUrl);
          target.searchParams.set('payment_intent', pi.id);
          target.searchParams.set('payment_intent_client_secret', String(pi['client_secret']));
          target.searchParams.set('redirect_status', result === 'succeed' ? 'succeeded' : 'failed');
          res.writeHead(303, { location: target.toString() });
          res.end();
          return;
        }
        return json(200, pi);
      }
      if (method === 'POST' && path === '/_sandbox/restricted_keys') {
        const permissions = (input['permissions'] ?? {}) as RestrictedKeyPermissions;
        const bad = Object.entries(permissions).find(
          ([resource, level]) =>
            !(STRIPE_RESOURCES as readonly string[]).includes(resource) ||
            !['none', 'read', 'write'].includes(String(level)),
        );
        if (bad)
          return json(400, {
            error: {
              message: `unknown resource or level '${bad[0]}: ${String(bad[1])}'; resources are ${STRIPE_RESOURCES.join(', ')}, levels none|read|write`,
            },
          });
        return json(200, { key: sandbox.createRestrictedKey(permissions), permissions });
      }
      if (method === 'POST' && path === '/_sandbox/latency') {
        const ms = Number(input['ms']);
        if (!Number.isInteger(ms) || ms < 0)
          return json(400, { error: { message: 'ms must be a non-negative integer' } });
        if (input['key'] !== undefined) {
          const info = keys.get(String(input['key']));
          if (!info) return json(404, { error: { message: 'no such key' } });
          info.latencyMs = ms;
        } else {
          latencyMs = ms;
        }
        return json(200, { latency_ms: ms });
      }
      if (method === 'POST' && path === '/_sandbox/unavailable') {
        const problem = unavailable.set(input['ratio']);
        if (problem) return json(400, { error: { message: problem } });
        return json(200, { ratio: unavailable.current });
      }
      if (method === 'POST' && path === '/_sandbox/faults') {
        const status = Number(input['status']);
        const count = Number(input['count'] ?? 1);
        if (!Number.isInteger(status) || status < 400 || status > 599)
          return json(400, { error: { message: 'status must be an HTTP error status (400-599)' } });
        if (!Number.isInteger(count) || count < 1)
          return json(400, { error: { message: 'count must be a positive integer' } });
        sandbox.injectFault(status, count);
        return json(200, { status, count });
      }
      if (method === 'POST' && path === '/_sandbox/disputes') {
        const reason = String(input['reason'] ?? 'fraudulent');
        return json(
          200,
          state.openDispute(
            String(input['charge'] ?? ''),
            reason,
            input['inquiry'] === true || input['inquiry'] === 'true',
            ctx,
          ),
        );
      }
      if (method === 'POST' && (m = /^\/_sandbox\/disputes\/([^/]+)\/close$/.exec(path))) {
        const outcome = String(input['outcome'] ?? '');
        if (outcome !== 'won' && outcome !== 'lost')
          return json(400, { error: { message: "outcome must be 'won' or 'lost'" } });
        return json(200, state.closeDispute(state.retrieveDispute(decodeURIComponent(m[1])), outcome, ctx));
      }
      if (method === 'POST' && path === '/_sandbox/balance/settle')
        return json(200, { settled: state.settleBalance() });
      if (method === 'POST' && path === '/_sandbox/refunds/settle')
        return json(200, { settled: state.settleRefunds(ctx) });
      const settlement = settlementControl(state, method, path, input, ctx);
      if (settlement) return json(settlement.status, settlement.body);
      if (method === 'GET' && path === '/_sandbox/webhook_deliveries')
        return json(200, { data: dispatcher.attempts });
      return json(404, {
        error: { message: `no sandbox control ${method} ${path}; see apps/sandbox/src/stripe/README.md` },
      });
    } catch (error) {
      if (error instanceof StripeApiError) return json(error.status, error.body(ctx.requestId));
      throw error;
    }
  }

  /** Stripe.js's stand-in and its card frame (GET), and CORS for the calls they make with a publishable key. */
  function serveBrowserSdk(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (req.method === 'OPTIONS' && url.pathname.startsWith('/v1/')) {
      res.writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': 'Authorization, Content-Type, Stripe-Version',
        'access-control-max-age': '600',
      });
      res.end();
      return true;
    }
    if (req.method !== 'GET') return false;
    if (url.pathname === '/js/v3/' || url.pathname === '/js/v3') {
      sendBrowserFile(res, 'js', stripeJs(origin));
      return true;
    }
    if (url.pathname === '/js/v3/elements-inner-card.html') {
      sendBrowserFile(res, 'html', stripeCardFrame());
      return true;
    }
    return false;
  }

  /**
   * What a publishable key may do, as with Stripe: create PaymentMethods and tokens, and read or
   * confirm (Stripe.js's `confirmPayment`) a PaymentIntent whose client secret it holds. Anything
   * else with one is the usual 401.
   */
  function publishableMay(key: string, method: string, url: URL, rawBody: string): boolean {
    if (key !== defaults.publishableKey) return false;
    const secretOf = (id: string) =>
      state.paymentIntents.get(decodeURIComponent(id))?.object['client_secret'];
    const confirm = /^\/v1\/payment_intents\/([^/]+)\/confirm$/.exec(url.pathname);
    if (method === 'POST' && confirm) {
      const secret = secretOf(confirm[1]);
      return !!secret && new URLSearchParams(rawBody).get('client_secret') === secret;
    }
    if (method === 'POST') return url.pathname === '/v1/payment_methods' || url.pathname === '/v1/tokens';
    const intent = /^\/v1\/payment_intents\/([^/]+)$/.exec(url.pathname);
    if (method !== 'GET' || !intent) return false;
    const secret = secretOf(intent[1]);
    return !!secret && url.searchParams.get('client_secret') === secret;
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const rawBody = bytes.toString('utf8');
      const url = new URL(req.url ?? '/', origin || 'http://localhost');
      if (serveBrowserSdk(req, res, url)) return;
      const work = url.pathname.startsWith('/_sandbox/')
        ? Promise.resolve(handleControl(req, res, url, rawBody))
        : handleApi(req, res, url, rawBody, bytes);
      work.catch((error: unknown) => {
        if (res.headersSent) return res.end();
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: {
              type: 'api_error',
              message: `The sandbox failed: ${error instanceof Error ? error.message : String(error)}`,
            },
          }),
        );
      });
    });
  });
  // The SDK keeps its connections alive. Node's agent reuses a socket only when the server's
  // announced keep-alive timeout leaves it at least a second, so a short one means a new TCP
  // connection for every call.
  server.keepAliveTimeout = 30_000;

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? defaults.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const sandbox: StripeSandbox = {
    url: origin,
    host,
    port,
    clientOptions: { host, port, protocol: 'http' },
    state,
    exchanges: recorder.list,
    webhookAttempts: dispatcher.attempts,
    createRestrictedKey(permissions) {
      const key = `rk_test_${randomBytes(18).toString('hex')}`;
      keys.set(key, { kind: 'restricted', permissions: { ...permissions } });
      return key;
    },
    createSlowKey(ms) {
      const key = `sk_test_${randomBytes(18).toString('hex')}`;
      keys.set(key, { kind: 'secret', latencyMs: ms });
      return key;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    injectFault(status, count = 1) {
      faults.push({ status, remaining: count });
    },
    authenticate(id, result = 'succeed') {
      const ctx = { requestId: stripeId('req', 14), origin };
      if (id.startsWith('seti_')) return state.authenticateSetup(id, result === 'succeed', ctx);
      return state.authenticate(id, result === 'succeed', ctx);
    },
    openDispute(chargeId, reason = 'fraudulent', inquiry = false) {
      return state.openDispute(chargeId, reason, inquiry, { requestId: stripeId('req', 14), origin });
    },
    closeDispute(id, outcome) {
      return state.closeDispute(state.retrieveDispute(id), outcome, {
        requestId: stripeId('req', 14),
        origin,
      });
    },
    settleBalance: () => state.settleBalance(),
    settlements: state,
    settleRefunds: () => state.settleRefunds({ requestId: stripeId('req', 14), origin }),
    async close() {
      dispatcher.close();
      state.close();
      for (const [timer, resolve] of pendingTimers) {
        clearTimeout(timer);
        resolve();
      }
      pendingTimers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return sandbox;
}
