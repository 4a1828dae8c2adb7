import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { insufficientScopes, invalid, notFound, SquareApiError, unauthorized } from './errors';
import { SquareCustomers } from './customers';
import { SquareDisputes } from './disputes';
import { squareEvidenceFiles } from './evidence-files';
import { page, SquareLedger } from './payments';
import { squareSettlementControls } from './settlement-controls';
import { WebhookHub, type WebhookDelivery } from './webhooks';
import {
  ExchangeRecorder,
  multipartBoundary,
  parseMultipart,
  sendBrowserFile,
  Unavailability,
  type MultipartPart,
} from '../kit';
import { squareCardFrame, squareJs } from './browser-sdk';

/** Test credentials the sandbox accepts out of the box; Payrail's default Square connection uses them. */
export const SQUARE_SANDBOX_DEFAULTS = Object.freeze({
  port: 12113,
  accessToken: 'EAAAtest-payrail-sandbox-access-token',
  /** Authenticates, but may only read: writes answer 403 INSUFFICIENT_SCOPES. */
  readOnlyAccessToken: 'EAAAtest-payrail-sandbox-read-only-token',
  locationId: 'LPAYRAILSANDBOX1',
  /** The Web Payments SDK stand-in's application id (`Square.payments(applicationId, locationId)`). */
  applicationId: 'sandbox-sq0idb-PayrailSandbox',
  merchantId: 'MLPAYRAILSANDBOX',
  currency: 'USD',
  squareVersion: '2026-09-16',
});

export interface SquareSandboxOptions {
  port?: number;
  host?: string;
  /** Extra access tokens to accept with full access. */
  accessTokens?: string[];
  /** Keep every API exchange in `exchanges`, for checking responses against the OpenAPI spec. */
  record?: boolean;
  /** How long a refund stays PENDING before it completes (default 100 ms). */
  refundDelayMs?: number;
}

export interface RecordedExchange {
  method: string;
  /** The request path without the query string or a `/_sandbox/latency/{ms}` prefix. */
  path: string;
  status: number;
  requestBody?: unknown;
  responseBody: unknown;
}

export interface SquareSandbox {
  url: string;
  port: number;
  close(): Promise<void>;
  readonly exchanges: RecordedExchange[];
  readonly deliveries: readonly WebhookDelivery[];
  /** Issues a one-time card nonce, as the Web Payments SDK would for the given card fields. */
  issueNonce(entry?: {
    card_number?: string;
    cvv?: string;
    postal_code?: string;
    decline_code?: string;
  }): string;
  /** Pays out everything completed and not yet paid out; returns the payout ids. */
  settle(): string[];
  /** Opens a dispute on a completed payment (`dispute.created`), as a cardholder's bank would; returns its id. */
  openDispute(paymentId: string, reason?: string, inquiry?: boolean): string;
  /** The card network's decision on an open dispute (`dispute.state.updated`). */
  resolveDispute(disputeId: string, outcome: 'WON' | 'LOST'): void;
  /** Delays every API answer by `ms` from now on (0 turns it off). */
  setLatency(ms: number): void;
  /** The next `count` API calls answer with `status` (500, 503, 429…) before doing anything. */
  failNext(count: number, status: number): void;
}

type Json = Record<string, unknown>;
type Route = (ctx: {
  params: string[];
  query: Record<string, string>;
  body: Json;
  /** The parts of a multipart/form-data body (evidence files); absent for JSON. */
  parts?: MultipartPart[];
}) => { status: number; body: Json } | Json;

const READ_ONLY_METHODS = new Set(['GET', 'HEAD']);

export async function startSquareSandbox(options: SquareSandboxOptions = {}): Promise<SquareSandbox> {
  const defaults = SQUARE_SANDBOX_DEFAULTS;
  const fullTokens = new Set([defaults.accessToken, ...(options.accessTokens ?? [])]);
  const hub = new WebhookHub(defaults.merchantId, defaults.squareVersion);
  const ledger = new SquareLedger(
    {
      merchantId: defaults.merchantId,
      locationId: defaults.locationId,
      currency: defaults.currency,
      businessName: 'Payrail Sandbox Merchant',
    },
    hub,
    options.refundDelayMs ?? 100,
  );
  const customers = new SquareCustomers(ledger);
  ledger.knowsCustomer = (id) => customers.customers.has(id);
  const disputes = new SquareDisputes(ledger, hub);
  const evidenceFile = squareEvidenceFiles(disputes);
  const recorder = new ExchangeRecorder<RecordedExchange>(Boolean(options.record));
  let latencyMs = 0;
  let outage = { count: 0, status: 500 };
  const unavailable = new Unavailability();
  const pending = new Set<NodeJS.Timeout>();

  const location = () => ({
    id: defaults.locationId,
    name: 'Payrail Sandbox',
    address: {
      address_line_1: '1455 Market Street',
      locality: 'San Francisco',
      administrative_district_level_1: 'CA',
      postal_code: '94103',
      country: 'US',
    },
    timezone: 'UTC',
    capabilities: ['CREDIT_CARD_PROCESSING', 'AUTOMATIC_TRANSFERS'],
    status: 'ACTIVE',
    created_at: '2024-01-01T00:00:00.000Z',
    merchant_id: defaults.merchantId,
    country: 'US',
    language_code: 'en-US',
    currency: defaults.currency,
    business_name: 'Payrail Sandbox Merchant',
    type: 'PHYSICAL',
    mcc: '7299',
  });

  const routes: Array<[string, RegExp, Route]> = [
    ['GET', /^\/v2\/locations$/, () => ({ locations: [location()] })],
    [
      'GET',
      /^\/v2\/locations\/([^/]+)$/,
      ({ params: [id] }) => {
        if (id !== defaults.locationId && id !== 'main') throw notFound('location', id);
        return { location: location() };
      },
    ],
    ['POST', /^\/v2\/payments$/, ({ body }) => ledger.createPayment(body)],
    ['GET', /^\/v2\/payments$/, ({ query }) => ledger.listPayments(query)],
    ['POST', /^\/v2\/payments\/cancel$/, ({ body }) => ledger.cancelByIdempotencyKey(body)],
    ['GET', /^\/v2\/payments\/([^/]+)$/, ({ params: [id] }) => ({ payment: ledger.getPayment(id) })],
    ['PUT', /^\/v2\/payments\/([^/]+)$/, ({ params: [id], body }) => ledger.updatePayment(id, body)],
    [
      'POST',
      /^\/v2\/payments\/([^/]+)\/complete$/,
      ({ params: [id], body }) => ledger.completePayment(id, body),
    ],
    ['POST', /^\/v2\/payments\/([^/]+)\/cancel$/, ({ params: [id] }) => ledger.cancelPayment(id)],
    ['POST', /^\/v2\/refunds$/, ({ body }) => ledger.createRefund(body)],
    ['GET', /^\/v2\/refunds$/, ({ query }) => ledger.listRefunds(query)],
    ['GET', /^\/v2\/refunds\/([^/]+)$/, ({ params: [id] }) => ({ refund: ledger.getRefund(id) })],
    ['POST', /^\/v2\/cards$/, ({ body }) => ledger.createCard(body)],
    ['GET', /^\/v2\/cards$/, ({ query }) => customers.listCards(query)],
    ['GET', /^\/v2\/cards\/([^/]+)$/, ({ params: [id] }) => ({ card: ledger.getCard(id) })],
    ['POST', /^\/v2\/cards\/([^/]+)\/disable$/, ({ params: [id] }) => customers.disableCard(id)],
    ['GET', /^\/v2\/disputes$/, ({ query }) => disputes.list(query)],
    ['GET', /^\/v2\/disputes\/([^/]+)$/, ({ params: [id] }) => ({ dispute: disputes.get(id) })],
    ['GET', /^\/v2\/disputes\/([^/]+)\/evidence$/, ({ params: [id] }) => disputes.listEvidence(id)],
    [
      'POST',
      /^\/v2\/disputes\/([^/]+)\/evidence-text$/,
      ({ params: [id], body }) => disputes.addEvidenceText(id, body),
    ],
    [
      'POST',
      /^\/v2\/disputes\/([^/]+)\/evidence-files$/,
      ({ params: [id], parts }) => evidenceFile(id, parts),
    ],
    ['POST', /^\/v2\/disputes\/([^/]+)\/submit-evidence$/, ({ params: [id] }) => disputes.submit(id)],
    ['POST', /^\/v2\/disputes\/([^/]+)\/accept$/, ({ params: [id] }) => disputes.accept(id)],
    ['POST', /^\/v2\/customers$/, ({ body }) => customers.create(body)],
    ['GET', /^\/v2\/customers$/, ({ query }) => customers.list(query)],
    ['GET', /^\/v2\/customers\/([^/]+)$/, ({ params: [id] }) => ({ customer: customers.get(id) })],
    ['PUT', /^\/v2\/customers\/([^/]+)$/, ({ params: [id], body }) => customers.update(id, body)],
    ['DELETE', /^\/v2\/customers\/([^/]+)$/, ({ params: [id] }) => customers.delete(id)],
    [
      'GET',
      /^\/v2\/payouts$/,
      ({ query }) => {
        const items = [...ledger.payouts.values()].filter(
          (p) =>
            (!query['location_id'] || p.location_id === query['location_id']) &&
            (!query['status'] || p.status === query['status']),
        );
        return page(items, query, 'payouts');
      },
    ],
    [
      'GET',
      /^\/v2\/payouts\/([^/]+)$/,
      ({ params: [id] }) => {
        const payout = ledger.payouts.get(id);
        if (!payout) throw notFound('payout', id);
        return { payout };
      },
    ],
    [
      'GET',
      /^\/v2\/payouts\/([^/]+)\/payout-entries$/,
      ({ params: [id], query }) => {
        const payout = ledger.payouts.get(id);
        if (!payout) throw notFound('payout', id);
        const entries = (ledger.payoutEntries.get(id) ?? []).map((e) => ({
          ...e,
          created_at: e.effective_at,
        }));
        const result = page(
          entries,
          { ...query, begin_time: undefined, end_time: undefined },
          'payout_entries',
        );
        const list = result['payout_entries'] as Array<Json> | undefined;
        if (list) for (const entry of list) delete entry['created_at'];
        return result;
      },
    ],
    ['POST', /^\/v2\/webhooks\/subscriptions$/, ({ body }) => ({ subscription: hub.create(body) })],
    [
      'GET',
      /^\/v2\/webhooks\/subscriptions$/,
      ({ query }) => {
        const all = [...hub.subscriptions.values()].filter(
          (s) => s.enabled || query['include_disabled'] === 'true',
        );
        return all.length ? { subscriptions: all } : {};
      },
    ],
    [
      'GET',
      /^\/v2\/webhooks\/subscriptions\/([^/]+)$/,
      ({ params: [id] }) => ({ subscription: hub.get(id) }),
    ],
    [
      'PUT',
      /^\/v2\/webhooks\/subscriptions\/([^/]+)$/,
      ({ params: [id], body }) => ({ subscription: hub.update(id, body) }),
    ],
    [
      'DELETE',
      /^\/v2\/webhooks\/subscriptions\/([^/]+)$/,
      ({ params: [id] }) => {
        hub.delete(id);
        return {};
      },
    ],
  ];

  /** Test-only controls; the real Square has none of these. */
  const controls: Array<[string, RegExp, Route]> = [
    ['POST', /^\/_sandbox\/nonces$/, ({ body }) => ledger.issueNonce(body)],
    ['POST', /^\/_sandbox\/payouts$/, () => ({ payouts: ledger.settle() })],
    ['POST', /^\/_sandbox\/disputes$/, ({ body }) => disputes.open(body)],
    ...squareSettlementControls(ledger, disputes),
    [
      'POST',
      /^\/_sandbox\/disputes\/([^/]+)\/resolve$/,
      ({ params: [id], body }) => disputes.resolve(id, body),
    ],
    [
      'POST',
      /^\/_sandbox\/latency$/,
      ({ body }) => {
        const ms = body['ms'];
        if (typeof ms !== 'number' || ms < 0)
          throw invalid('INVALID_VALUE', 'ms must be a number >= 0', 'ms');
        latencyMs = ms;
        return { ms };
      },
    ],
    [
      'POST',
      /^\/_sandbox\/outages$/,
      ({ body }) => {
        const { count, status } = body as { count?: unknown; status?: unknown };
        if (typeof count !== 'number' || count < 0)
          throw invalid('INVALID_VALUE', 'count must be a number >= 0', 'count');
        if (typeof status !== 'number' || status < 400 || status > 599)
          throw invalid('INVALID_VALUE', 'status must be an HTTP error status (400-599)', 'status');
        outage = { count, status };
        return outage;
      },
    ],
    [
      'POST',
      /^\/_sandbox\/unavailable$/,
      ({ body }) => {
        const problem = unavailable.set(body['ratio']);
        if (problem) throw invalid('INVALID_VALUE', problem, 'ratio');
        return { ratio: unavailable.current };
      },
    ],
    ['GET', /^\/_sandbox\/webhooks\/deliveries$/, () => ({ deliveries: hub.deliveries })],
  ];

  function outageError(status: number): SquareApiError {
    switch (status) {
      case 429:
        return new SquareApiError(429, [
          { category: 'RATE_LIMIT_ERROR', code: 'RATE_LIMITED', detail: 'Too many requests.' },
        ]);
      case 503:
        return new SquareApiError(503, [
          { category: 'API_ERROR', code: 'SERVICE_UNAVAILABLE', detail: 'Service unavailable.' },
        ]);
      case 504:
        return new SquareApiError(504, [
          { category: 'API_ERROR', code: 'GATEWAY_TIMEOUT', detail: 'Gateway timeout.' },
        ]);
      default:
        return new SquareApiError(status, [
          {
            category: 'API_ERROR',
            code: status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST',
            detail: 'Injected failure.',
          },
        ]);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    if (req.method === 'GET' && url.pathname === '/v1/square.js') {
      const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
      return sendBrowserFile(res, 'js', squareJs(origin, defaults));
    }
    if (req.method === 'GET' && url.pathname === '/v1/card-frame.html')
      return sendBrowserFile(res, 'html', squareCardFrame());
    let path = url.pathname;
    let delay = latencyMs;
    const slow = /^\/_sandbox\/latency\/(\d+)(\/.*)$/.exec(path);
    if (slow) {
      delay = Number(slow[1]);
      path = slow[2];
    }
    const bytes = await readBody(req);
    const raw = bytes.toString('utf8');
    const boundary = multipartBoundary(String(req.headers['content-type'] ?? ''));
    let parts: MultipartPart[] | undefined;
    let body: Json = {};
    let status = 200;
    let answer: Json;
    try {
      if (boundary) {
        parts = parseMultipart(bytes, boundary);
        if (!parts) throw invalid('BAD_REQUEST', 'The multipart/form-data body does not follow its boundary');
      } else if (raw.length) {
        try {
          const parsed: unknown = JSON.parse(raw);
          if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
            throw invalid('EXPECTED_OBJECT', 'The request body must be a JSON object');
          body = parsed as Json;
        } catch (error) {
          if (error instanceof SquareApiError) throw error;
          throw invalid('BAD_REQUEST', 'The request body is not valid JSON');
        }
      }
      const control = path.startsWith('/_sandbox/');
      if (!control) {
        const auth = /^Bearer (.+)$/.exec(req.headers['authorization'] ?? '');
        const token = auth?.[1];
        if (!token || (!fullTokens.has(token) && token !== defaults.readOnlyAccessToken))
          throw unauthorized();
        const version = req.headers['square-version'];
        if (version !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(version)))
          throw invalid(
            'INVALID_SQUARE_VERSION_FORMAT',
            `Square-Version '${String(version)}' is not a YYYY-MM-DD date`,
          );
        if (token === defaults.readOnlyAccessToken && !READ_ONLY_METHODS.has(req.method ?? 'GET'))
          throw insufficientScopes(
            path.startsWith('/v2/webhooks')
              ? 'DEVELOPER_APPLICATION_WEBHOOKS_WRITE'
              : path.startsWith('/v2/customers')
                ? 'CUSTOMERS_WRITE'
                : path.startsWith('/v2/disputes')
                  ? 'DISPUTES_WRITE'
                  : 'PAYMENTS_WRITE',
          );
        if (outage.count > 0) {
          outage.count -= 1;
          throw outageError(outage.status);
        }
        if (unavailable.next()) throw outageError(503);
      }
      const table = control ? controls : routes;
      const pathMatches = table.filter(([, pattern]) => pattern.test(path));
      const route = pathMatches.find(([method]) => method === req.method);
      if (!route) {
        if (pathMatches.length)
          throw new SquareApiError(405, [
            {
              category: 'INVALID_REQUEST_ERROR',
              code: 'METHOD_NOT_ALLOWED',
              detail: `${req.method} is not allowed on ${path}`,
            },
          ]);
        throw invalid('NOT_FOUND', `No API endpoint at ${req.method} ${path}`, undefined, 404);
      }
      const params = (route[1].exec(path) ?? []).slice(1).map(decodeURIComponent);
      const result = route[2]({ params, query: Object.fromEntries(url.searchParams), body, parts });
      if (typeof result['status'] === 'number' && result['body'] && typeof result['body'] === 'object') {
        status = result['status'] as number;
        answer = result['body'] as Json;
      } else {
        answer = result;
      }
      answer = structuredClone(answer);
    } catch (error) {
      if (!(error instanceof SquareApiError)) {
        status = 500;
        answer = {
          errors: [
            { category: 'API_ERROR', code: 'INTERNAL_SERVER_ERROR', detail: 'An internal error occurred.' },
          ],
        };
      } else {
        status = error.status;
        answer = structuredClone(error.body());
      }
    }
    if (!path.startsWith('/_sandbox/'))
      recorder.record(() => ({
        method: req.method ?? 'GET',
        path,
        status,
        requestBody: raw && !parts ? body : undefined,
        responseBody: answer,
      }));
    const send = () => {
      if (res.destroyed) return;
      const payload = JSON.stringify(answer);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        'square-version': String(req.headers['square-version'] ?? defaults.squareVersion),
      });
      res.end(payload);
    };
    if (delay > 0) {
      const timer = setTimeout(() => {
        pending.delete(timer);
        send();
      }, delay);
      pending.add(timer);
    } else {
      send();
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? defaults.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    exchanges: recorder.list,
    deliveries: hub.deliveries,
    issueNonce: (entry = {}) => ledger.issueNonce(entry)['nonce'] as string,
    settle: () => ledger.settle().map((p) => p.id),
    openDispute: (paymentId, reason = 'NOT_RECEIVED', inquiry = false) =>
      (disputes.open({ payment_id: paymentId, reason, inquiry })['dispute'] as { id: string }).id,
    resolveDispute: (id, outcome) => {
      disputes.resolve(id, { outcome });
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    failNext: (count, status) => {
      outage = { count, status };
    },
    close: async () => {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
      ledger.close();
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
