import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { issueError, PAYPAL_ISSUES, PayPalHttpError, statusError } from './paypal-errors';
import { paypalId, PayPalStore } from './paypal-store';
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
import { paypalJs } from './browser-sdk';
import type { PayPalWorld, RememberedReply } from './world';
import { paypalRenderers } from './render';
import { paypalEvents } from './events';
import { paypalPayments } from './payments-api';
import { paypalSettlements } from './settlements-api';
import { paypalWebhooksApi } from './webhooks-api';
import { multipartInput, paypalDisputes } from './disputes-api';
import { multipartFiles, rememberBytes } from './evidence-documents';
import { vaultAndDisputeRoutes } from './routes-vault-disputes';
import { paymentAndWebhookRoutes } from './routes-payments';
import { paypalOAuth } from './oauth';
import { paypalControls } from './controls';
import { officialDescriptions, paypalReplay } from './request-replay';
import { paypalVault } from './vault-api';
import { paypalCardFields } from './card-fields';

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
  const cardFields = paypalCardFields(world, render, events, vault);
  const { eventFor } = events;
  const { mockIssue } = payments;

  const oauth = paypalOAuth(world);
  const replay = paypalReplay(world, render);
  const routes: Route[] = [
    ...vaultAndDisputeRoutes(vault, disputes),
    ...cardFields.routes,
    ...paymentAndWebhookRoutes(world, render, payments, settlements, webhooksApi),
  ];
  const controls = paypalControls(
    world,
    { render, events, payments, disputes, settlements, unavailable, cardFields },
    () => sandbox,
  );

  // ---- HTTP plumbing ---------------------------------------------------------------------

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return rememberBytes(req, Buffer.concat(chunks)).toString('utf8');
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
          oauth.issueToken({
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
        send(res, controls.control(method, path, parseJson(), url.searchParams), method, path);
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
        send(res, controls.checkoutPage(method, url.searchParams), method, path);
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
      const clientId = route.public ? '' : oauth.authenticate(req);
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
        ...(multipart ? { files: multipartFiles(req, contentType) } : {}),
        rawBody,
        clientId,
        params,
      };
      const key = replay.replayKey(route, ctx);
      const replayed = key ? replay.replay(route, ctx, key) : undefined;
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
          replay.remember(route, key, { status: error.status, body: error.body }, true);
        throw error;
      }
      if (key) {
        replay.remember(
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
      controls.approveOrder(orderId, buyer);
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
