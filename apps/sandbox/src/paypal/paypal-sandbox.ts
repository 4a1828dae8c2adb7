import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import {
  DESCRIPTION_OVERRIDES,
  issueError,
  oauthError,
  PAYPAL_ISSUES,
  PayPalHttpError,
  statusError,
  type PayPalIssue,
} from './paypal-errors';
import { accessToken, paypalId, PayPalStore, renderMoney, type OrderRecord } from './paypal-store';
import { PayPalWebhookSigner, type DeliveryRecord } from './paypal-webhooks';
import {
  PAYPAL_SANDBOX_DEFAULTS,
  must,
  type Context,
  type PayPalSandbox,
  type PayPalSandboxOptions,
  type RecordedExchange,
  type Reply,
  type Route,
} from './sandbox-types';
import { ExchangeRecorder, matchRoute, ReplayStore, sendBrowserFile, Unavailability } from '../kit';
import { paypalApprovalFrame, paypalButtonsFrame, paypalJs } from './browser-sdk';
import type { PayPalWorld, RememberedReply } from './world';
import { paypalRenderers } from './render';
import { paypalEvents } from './events';
import { paypalPayments } from './payments-api';
import { paypalSettlements } from './settlements-api';
import { paypalWebhooksApi } from './webhooks-api';
import { multipartInput, paypalDisputes } from './disputes-api';
import { vaultAndDisputeRoutes } from './routes-vault-disputes';
import { paypalVault } from './vault-api';

export {
  PAYPAL_SANDBOX_DEFAULTS,
  type PayPalSandbox,
  type PayPalSandboxOptions,
  type RecordedExchange,
} from './sandbox-types';

export async function startPayPalSandbox(options: PayPalSandboxOptions = {}): Promise<PayPalSandbox> {
  const store = new PayPalStore();
  const signer = new PayPalWebhookSigner();
  const clients = new Map<string, string>([
    [PAYPAL_SANDBOX_DEFAULTS.clientId, PAYPAL_SANDBOX_DEFAULTS.clientSecret],
  ]);
  for (const extra of options.clients ?? []) clients.set(extra.clientId, extra.clientSecret);
  const tokens = new Map<string, { clientId: string; expiresAt: number }>();
  const latency = new Map<string, number>();
  const unavailable = new Unavailability();
  const replies = new ReplayStore<RememberedReply>();
  const recorder = new ExchangeRecorder<RecordedExchange>(Boolean(options.record));
  const exchanges = recorder.list;
  const deliveries: DeliveryRecord[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  const ttl = options.tokenTtlSeconds ?? PAYPAL_SANDBOX_DEFAULTS.tokenTtlSeconds;
  const retryDelays = options.webhookRetryDelaysMs ?? [1000, 5000];

  const merchantIds = new Map<string, string>();
  const merchantId = (clientId: string) => {
    if (!merchantIds.has(clientId)) merchantIds.set(clientId, paypalId(13));
    return must(merchantIds, clientId);
  };
  const world: PayPalWorld = {
    options,
    store,
    signer,
    clients,
    tokens,
    latency,
    replies,
    exchanges,
    deliveries,
    sockets,
    timers,
    inFlight,
    ttl,
    retryDelays,
    merchantIds,
    merchantId,
    baseUrl: '',
    closed: false,
    certUrl: () => `${world.baseUrl}/v1/notifications/certs/${signer.certId}`,
    href: (path, rel, method = 'GET') => ({ href: `${world.baseUrl}${path}`, rel, method }),
  };
  const { certUrl } = world;
  const render = paypalRenderers(world);
  const events = paypalEvents(world, render);
  const vault = paypalVault(world, events);
  const disputes = paypalDisputes(world, events);
  const payments = paypalPayments(world, render, events, vault);
  const settlements = paypalSettlements(world, disputes);
  const webhooksApi = paypalWebhooksApi(world);
  const { renderAuthorization, renderCapture, renderRefund, renderOrder, minimal, wantsFull } = render;
  const { eventFor, emit } = events;
  const {
    mockIssue,
    createOrder,
    authorizeOrder,
    captureOrder,
    captureAuthorization,
    reauthorize,
    voidAuthorization,
    refundCapture,
  } = payments;
  const { searchTransactions } = settlements;
  const { renderWebhook, createWebhook, verifySignature } = webhooksApi;

  // ---- routing ---------------------------------------------------------------------------

  const id = '([A-Za-z0-9-]+)';
  const routes: Route[] = [
    ...vaultAndDisputeRoutes(vault, disputes),
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
    const browser = browserControl(method, path, body, query);
    if (browser) return browser;
    const approve = /^\/_sandbox\/orders\/([A-Za-z0-9]+)\/approve$/.exec(path);
    if (method === 'POST' && approve)
      return {
        status: 200,
        body: renderOrder(
          approveOrder(approve[1], { email: typeof body['email'] === 'string' ? body['email'] : undefined }),
        ),
      };
    if (method === 'POST' && path === '/_sandbox/unavailable') {
      const problem = unavailable.set(body['ratio']);
      if (problem) throw issueError('INVALID_PARAMETER_VALUE', { field: 'ratio', description: problem });
      return { status: 200, body: { ratio: unavailable.current } };
    }
    const disputeControl = disputes.control(method, path, body);
    if (disputeControl) return disputeControl;
    const settlementControl = settlements.control(method, path, body);
    if (settlementControl) return settlementControl;
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

  /** The JS SDK stand-in's frames and the order its button creates (`actions.order.create`). */
  function browserControl(
    method: string,
    path: string,
    body: Record<string, unknown>,
    query: URLSearchParams,
  ): Reply | undefined {
    const html = (page: string): Reply => ({
      status: 200,
      body: page,
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' },
    });
    if (method === 'GET' && path === '/_sandbox/js/buttons.html') return html(paypalButtonsFrame());
    if (method === 'GET' && path === '/_sandbox/js/approve.html') {
      const order = store.orders.get(query.get('token') ?? '');
      if (!order)
        return { status: 404, body: 'Unknown order token.', headers: { 'content-type': 'text/plain' } };
      return html(
        paypalApprovalFrame({
          id: order.id,
          amount: renderMoney(order.unit.amount).value,
          currency: order.unit.amount.currency,
        }),
      );
    }
    if (method === 'POST' && path === '/_sandbox/js/orders') {
      const clientId = typeof body['client_id'] === 'string' ? body['client_id'] : '';
      if (!clients.has(clientId)) throw statusError(401);
      const { client_id: _clientId, ...order } = body;
      void _clientId;
      return createOrder({
        method: 'POST',
        path: '/v2/checkout/orders',
        query: new URLSearchParams(),
        headers: {},
        body: order,
        rawBody: JSON.stringify(order),
        clientId,
        params: [],
      });
    }
    return undefined;
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
    if (!path.startsWith('/_sandbox'))
      recorder.record(() => ({
        method,
        path,
        status: reply.status,
        contentType: String(headers['content-type'] ?? ''),
        body: reply.body,
      }));
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
        replies.remember(key, { kind: 'error', id: '', status: reply.status, body: reply.body });
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
    replies.remember(key, { kind, id: resourceId ?? '', status: reply.status });
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
      if (path === '/sdk/js' && method === 'GET') {
        const clientId = url.searchParams.get('client-id') ?? '';
        if (!clients.has(clientId)) {
          res.writeHead(400, { 'content-type': 'text/plain' });
          res.end(
            `/* PayPal sandbox: client-id '${clientId.replace(/[^A-Za-z0-9_-]/g, '')}' is not a REST app here */`,
          );
          return;
        }
        return sendBrowserFile(res, 'js', paypalJs(`http://${req.headers.host ?? '127.0.0.1'}`, clientId));
      }
      if (path === '/checkoutnow') {
        send(res, checkoutPage(method, url.searchParams), method, path);
        return;
      }
      const found = matchRoute(routes, method, path);
      if (!found.route) {
        const known = found.pathKnown;
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
      const { route, params } = found;
      const clientId = route.public ? '' : authenticate(req);
      if (!route.public && unavailable.next()) throw statusError(503);
      const delay = latency.get(clientId) ?? latency.get('*') ?? 0;
      if (delay > 0 && !route.public) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, delay);
          timers.add(timer);
        });
        if (world.closed) return;
      }
      const contentType = String(req.headers['content-type'] ?? '');
      const multipart = Boolean(route.multipart) && /^multipart\/form-data/i.test(contentType);
      if (
        method !== 'GET' &&
        method !== 'DELETE' &&
        rawBody.trim() &&
        !multipart &&
        !/json/i.test(contentType)
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
        body: multipart ? multipartInput(rawBody, contentType) : parseJson(),
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
  world.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const sandbox: PayPalSandbox = {
    url: world.baseUrl,
    port,
    certUrl: certUrl(),
    exchanges,
    deliveries,
    store,
    async close() {
      world.closed = true;
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
      recorder.clear();
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
    openDispute(captureId, reason, inquiry) {
      return disputes.open({ captureId, reason, inquiry }).id;
    },
    resolveDispute(disputeId, outcome) {
      const dispute = must(store.disputes, disputeId);
      disputes.resolve(disputeId, dispute.clientId, outcome);
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
