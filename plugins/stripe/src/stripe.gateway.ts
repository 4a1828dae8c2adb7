import { createHash } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  fail,
  GatewayError,
  RegisterGateway,
  LiveTlsAgent,
  resolveEndpoint,
  succeed,
  type AuthorizeRequest,
  type BrowserOrder,
  type BrowserOrderRequest,
  type BrowserOrders,
  type CaptureRequest,
  type CaptureResult,
  type ConnectionField,
  type CredentialCheck,
  type GatewayCapabilities,
  type GatewayConnection,
  type GatewayPaymentSnapshot,
  type GatewayWebhookEvent,
  type HealthReport,
  type Outcome,
  type PaymentGateway,
  type RefundRequest,
  type RefundResult,
  type SettlementPage,
  settlementWindowProblem,
  type SettlementRequest,
  type SyncRequest,
  type TokenizeRequest,
  type TokenizeResult,
  type VoidRequest,
  type CustomerVault,
  type DisputeEvidenceFile,
  type DisputeFileUploader,
  type SdkPreloader,
  type DisputeResponder,
  type GatewayDispute,
  type SavedMethod,
  type SaveMethodRequest,
  type VaultCustomer,
  type VaultCustomerRequest,
  type VaultMethodRequest,
  type WebhookRegistrar,
  type WebhookRegistration,
  type WebhookRegistrationRequest,
  type WebhookRequest,
} from '@payrail/plugin-sdk';
import type Stripe from 'stripe';
import { stripeSdk } from './stripe.sdk';
import { decodeStripeCursor, stripeSettlementPage } from './stripe.settlements';
import { STRIPE_EVIDENCE_FILE_FIELD, toGatewayDispute } from './stripe.disputes';
import { createStripeCustomer, listStripeMethods, saveStripeMethod } from './stripe.vault';
import {
  adoptBrowserIntent,
  BROWSER_INTENT,
  browserIntentParams,
  browserOrderOf,
} from './stripe.browser-orders';
import { METADATA, refundReason, toGatewayError, toRefundRecord, toSnapshot } from './stripe.transformers';
import {
  STRIPE_WEBHOOK_EVENTS,
  STRIPE_WEBHOOK_TOLERANCE_SECONDS,
  verifyStripeWebhook,
} from './stripe.webhooks';

/** Stripe serves test and live mode from one host; the key decides the mode. */
export const STRIPE_ORIGINS = { test: 'https://api.stripe.com', live: 'https://api.stripe.com' } as const;

export const STRIPE_PLUGIN_OPTIONS = Symbol('STRIPE_PLUGIN_OPTIONS');

export interface StripePluginOptions {
  /** Seconds a webhook signature stays valid; Stripe's default is 300. */
  webhookToleranceSeconds?: number;
  /** The agent live connections go through; a `LiveTlsAgent` (TLS 1.2+, certificates verified) when absent. */
  liveAgent?: LiveTlsAgent;
}

/** The connection values a Stripe connection stores (the `fields`). */
export interface StripeConnectionValues {
  secretKey: string;
  publishableKey?: string;
  webhookSecret?: string;
  webhookEndpointId?: string;
  statementDescriptor?: string;
}

export const STRIPE_FIELDS = [
  {
    key: 'secretKey',
    label: 'Secret key',
    secret: true,
    required: true,
    description:
      'A secret (sk_…) or restricted (rk_…) key; test keys for test connections, live keys for live ones.',
    pattern: '^(sk|rk)_(test|live)_[A-Za-z0-9]+$',
    placeholder: 'sk_test_…',
  },
  {
    key: 'publishableKey',
    label: 'Publishable key',
    secret: false,
    browser: true,
    required: false,
    description: "The front end's key, for Stripe.js.",
    pattern: '^pk_(test|live)_[A-Za-z0-9]+$',
    placeholder: 'pk_test_…',
  },
  {
    key: 'webhookSecret',
    label: 'Webhook signing secret',
    secret: true,
    required: false,
    description: "The endpoint's signing secret; filled in when Payrail registers its webhook endpoint.",
    pattern: '^whsec_[A-Za-z0-9+/=_-]+$',
    placeholder: 'whsec_…',
  },
  {
    key: 'webhookEndpointId',
    label: 'Webhook endpoint id',
    secret: false,
    required: false,
    description: 'The Stripe webhook endpoint Payrail registered.',
    pattern: '^we_[A-Za-z0-9]+$',
  },
  {
    key: 'statementDescriptor',
    label: 'Statement descriptor suffix',
    secret: false,
    required: false,
    description: "Shown after the account's prefix on the customer's card statement (at most 22 characters).",
    pattern: '^[^<>\\\\\'"*]{1,22}$',
  },
] as const satisfies readonly ConnectionField[];

/** What Payrail needs a restricted key to allow; anything else it reports but does not require. */
const REQUIRED_PERMISSIONS = [
  'payment_intents:write',
  'payment_methods:write',
  'refunds:write',
  'balance:read',
];

type Probe = { permission: string; call: (stripe: Stripe) => Promise<unknown> };

/**
 * How a restricted key's permissions are found: reads list one object; writes send an empty
 * create, which Stripe refuses with 400 (missing parameter) when allowed and 403 when not.
 */
const PERMISSION_PROBES: Probe[] = [
  { permission: 'payment_intents:read', call: (s) => s.paymentIntents.list({ limit: 1 }) },
  {
    permission: 'payment_intents:write',
    call: (s) => s.paymentIntents.create({} as Stripe.PaymentIntentCreateParams),
  },
  {
    permission: 'payment_methods:write',
    call: (s) => s.paymentMethods.create({} as Stripe.PaymentMethodCreateParams),
  },
  { permission: 'refunds:read', call: (s) => s.refunds.list({ limit: 1 }) },
  { permission: 'refunds:write', call: (s) => s.refunds.create({}) },
  { permission: 'charges:read', call: (s) => s.charges.list({ limit: 1 }) },
  { permission: 'balance:read', call: (s) => s.balanceTransactions.list({ limit: 1 }) },
  { permission: 'events:read', call: (s) => s.events.list({ limit: 1 }) },
  {
    permission: 'webhook_endpoints:write',
    call: (s) => s.webhookEndpoints.create({} as Stripe.WebhookEndpointCreateParams),
  },
];

const ALL_PERMISSIONS = PERMISSION_PROBES.map((p) => p.permission);

function keyMode(key: string): 'test' | 'live' | undefined {
  return /^(?:sk|rk)_(test|live)_/.exec(key)?.[1] as 'test' | 'live' | undefined;
}

/** Stripe, through the official `stripe` SDK, as a Payrail gateway. */
@Injectable()
@RegisterGateway()
export class StripeGateway
  implements
    PaymentGateway,
    WebhookRegistrar,
    CustomerVault,
    DisputeResponder,
    DisputeFileUploader,
    BrowserOrders,
    SdkPreloader
{
  readonly code = 'stripe';
  readonly displayName = 'Stripe';
  readonly version = '1.0.0';
  readonly fields = STRIPE_FIELDS;
  readonly capabilities: GatewayCapabilities = {
    partialCapture: true,
    multipleCaptures: false,
    partialRefund: true,
    void: true,
    threeDSecure: true,
    tokenization: true,
    webhooks: true,
    settlementReports: true,
    currencies: '*',
    maxAmount: 99_999_999,
  };

  /** One SDK client per connection and key; rebuilt only when the key, endpoint or timeout changes. */
  private readonly clients = new Map<string, Stripe>();

  private readonly liveAgent: LiveTlsAgent;

  constructor(@Optional() @Inject(STRIPE_PLUGIN_OPTIONS) private readonly options: StripePluginOptions = {}) {
    this.options = options ?? {};
    this.liveAgent = this.options.liveAgent ?? new LiveTlsAgent();
  }

  private client(connection: GatewayConnection): Stripe {
    const key = connection.values['secretKey'];
    if (!key) {
      throw new GatewayError('invalid_request', {
        param: 'secretKey',
        detail: 'the connection has no secretKey',
      });
    }
    const endpoint = resolveEndpoint(connection, STRIPE_ORIGINS);
    const cacheKey = `${connection.id}:${createHash('sha256')
      .update(`${key}\n${endpoint.origin}\n${connection.timeoutMs}`)
      .digest('hex')}`;
    let stripe = this.clients.get(cacheKey);
    if (!stripe) {
      // Drop the connection's previous client (rotated key, moved endpoint) so the cache cannot grow.
      for (const known of this.clients.keys())
        if (known.startsWith(`${connection.id}:`)) this.clients.delete(known);
      stripe = new (stripeSdk())(key, {
        host: endpoint.host,
        port: endpoint.port,
        protocol: endpoint.protocol,
        ...(connection.mode === 'live' ? { httpAgent: this.liveAgent } : {}),
        // Payrail retries with its own keys; the SDK must not retry behind its back.
        maxNetworkRetries: 0,
        timeout: connection.timeoutMs,
        telemetry: false,
        appInfo: { name: 'Payrail', version: this.version },
      });
      this.clients.set(cacheKey, stripe);
    }
    return stripe;
  }

  /** Runs one gateway call; every failure becomes an `Outcome` in the taxonomy. */
  private async call<T>(
    connection: GatewayConnection,
    work: (stripe: Stripe) => Promise<T>,
    operation?: 'capture' | 'void' | 'refund',
  ): Promise<Outcome<T>> {
    try {
      return succeed(await work(this.client(connection)));
    } catch (error) {
      return fail(toGatewayError(error, operation));
    }
  }

  private requestOptions(connection: GatewayConnection, idempotencyKey?: string): Stripe.RequestOptions {
    return { timeout: connection.timeoutMs, ...(idempotencyKey ? { idempotencyKey } : {}) };
  }

  /** Loads the SDK ahead of the first call (see `SdkPreloader`). */
  loadSdk(): void {
    stripeSdk();
  }

  async tokenize(connection: GatewayConnection, request: TokenizeRequest): Promise<Outcome<TokenizeResult>> {
    const { card, customer } = request;
    return this.call(connection, async (stripe) => {
      const method = await stripe.paymentMethods.create(
        {
          type: 'card',
          card: {
            number: card.number.replace(/[\s-]/g, ''),
            exp_month: card.expMonth,
            exp_year: card.expYear,
            ...(card.cvc ? { cvc: card.cvc } : {}),
          },
          billing_details: { name: card.name ?? customer?.name, email: customer?.email },
        },
        this.requestOptions(connection, request.idempotencyKey),
      );
      return {
        token: method.id,
        card: {
          brand: method.card?.brand,
          last4: method.card?.last4,
          expMonth: method.card?.exp_month,
          expYear: method.card?.exp_year,
        },
      };
    });
  }

  /** A PaymentIntent for Stripe.js `confirmPayment` (the Payment Element), with the session's amount. */
  async createBrowserOrder(
    connection: GatewayConnection,
    request: BrowserOrderRequest,
  ): Promise<Outcome<BrowserOrder>> {
    const created = await this.call(connection, (stripe) =>
      stripe.paymentIntents.create(
        browserIntentParams(request),
        this.requestOptions(connection, request.idempotencyKey),
      ),
    );
    return created.ok ? browserOrderOf(created.value) : created;
  }

  async authorize(
    connection: GatewayConnection,
    request: AuthorizeRequest,
  ): Promise<Outcome<GatewayPaymentSnapshot>> {
    const token = request.token.trim();
    if (BROWSER_INTENT.test(token) && !request.savedMethod) {
      // A PaymentIntent from createBrowserOrder that Stripe.js confirmed: record it as it stands.
      const found = await this.call(connection, (stripe) =>
        stripe.paymentIntents.retrieve(token, { expand: ['latest_charge'] }, this.requestOptions(connection)),
      );
      return found.ok ? adoptBrowserIntent(found.value, request) : found;
    }
    if (!/^(pm|tok|card|src)_[A-Za-z0-9_]+$/.test(token)) {
      return fail(
        new GatewayError('invalid_request', {
          param: 'token',
          detail:
            'token must be a Stripe PaymentMethod (pm_…), a card token (tok_…) or a PaymentIntent made for a payment session (pi_…)',
        }),
      );
    }
    const suffix = connection.values['statementDescriptor'];
    const params: Stripe.PaymentIntentCreateParams = {
      amount: request.amount.amount,
      currency: request.amount.currency.toLowerCase(),
      capture_method: 'manual',
      confirm: true,
      allowed_payment_method_types: ['card'],
      // A card token is wrapped as PaymentMethod data, as Stripe asks for tokens.
      ...(token.startsWith('tok_')
        ? {
            payment_method_data: {
              type: 'card',
              card: { token },
            } as Stripe.PaymentIntentCreateParams.PaymentMethodData,
          }
        : { payment_method: token }),
      // A saved card goes with its Customer; off_session marks a merchant-initiated charge.
      ...(request.savedMethod
        ? {
            customer: request.savedMethod.customerReference,
            ...(request.savedMethod.offSession ? { off_session: true } : {}),
          }
        : {}),
      metadata: {
        ...request.metadata,
        [METADATA.paymentId]: request.paymentId,
        [METADATA.attemptId]: request.attemptId,
      },
      ...(request.description ? { description: request.description } : {}),
      ...(request.customer?.email ? { receipt_email: request.customer.email } : {}),
      ...(request.returnUrl ? { return_url: request.returnUrl } : {}),
      ...(suffix ? { statement_descriptor_suffix: suffix } : {}),
      expand: ['latest_charge'],
    };
    return this.call(connection, async (stripe) =>
      toSnapshot(
        await stripe.paymentIntents.create(params, this.requestOptions(connection, request.idempotencyKey)),
      ),
    );
  }

  async capture(connection: GatewayConnection, request: CaptureRequest): Promise<Outcome<CaptureResult>> {
    if (!request.final) {
      return fail(
        new GatewayError('invalid_request', {
          param: 'final',
          detail:
            'Stripe captures a PaymentIntent once and releases the rest; a non-final capture is not possible',
        }),
      );
    }
    return this.call(
      connection,
      async (stripe) => {
        const pi = await stripe.paymentIntents.capture(
          request.reference,
          {
            amount_to_capture: request.amount.amount,
            metadata: { [METADATA.captureAttemptId]: request.attemptId },
            expand: ['latest_charge'],
          },
          this.requestOptions(connection, request.idempotencyKey),
        );
        const snapshot = toSnapshot(pi);
        const capture = snapshot.captures[0] ?? {
          reference: pi.id,
          amount: pi.amount_received,
          attemptId: request.attemptId,
        };
        return { snapshot, capture };
      },
      'capture',
    );
  }

  async void(connection: GatewayConnection, request: VoidRequest): Promise<Outcome<GatewayPaymentSnapshot>> {
    return this.call(
      connection,
      async (stripe) =>
        toSnapshot(
          await stripe.paymentIntents.cancel(
            request.reference,
            { cancellation_reason: 'requested_by_customer', expand: ['latest_charge'] },
            this.requestOptions(connection, request.idempotencyKey),
          ),
        ),
      'void',
    );
  }

  async refund(connection: GatewayConnection, request: RefundRequest): Promise<Outcome<RefundResult>> {
    const reason = refundReason(request.reason);
    const created = await this.call(
      connection,
      (stripe) =>
        stripe.refunds.create(
          {
            payment_intent: request.reference,
            amount: request.amount.amount,
            ...(reason ? { reason } : {}),
            metadata: {
              [METADATA.attemptId]: request.attemptId,
              ...(request.reason && !reason ? { [METADATA.refundReason]: request.reason.slice(0, 500) } : {}),
            },
          },
          this.requestOptions(connection, request.idempotencyKey),
        ),
      'refund',
    );
    if (!created.ok) return created;
    const refund = toRefundRecord(created.value);
    // The refund happened; a failed read-back only leaves the snapshot out.
    const synced = await this.sync(connection, { reference: request.reference });
    return succeed(synced.ok ? { refund, snapshot: synced.value } : { refund });
  }

  async sync(connection: GatewayConnection, request: SyncRequest): Promise<Outcome<GatewayPaymentSnapshot>> {
    return this.call(connection, async (stripe) => {
      const options = this.requestOptions(connection);
      const [pi, refunds] = await Promise.all([
        stripe.paymentIntents.retrieve(request.reference, { expand: ['latest_charge'] }, options),
        stripe.refunds
          .list({ payment_intent: request.reference, limit: 100 }, options)
          .autoPagingToArray({ limit: 1000 }),
      ]);
      return toSnapshot(pi, refunds);
    });
  }

  async verifyWebhook(
    connection: GatewayConnection,
    request: WebhookRequest,
  ): Promise<Outcome<GatewayWebhookEvent[]>> {
    let stripe: Stripe;
    try {
      stripe = this.client(connection);
    } catch (error) {
      return fail(toGatewayError(error));
    }
    return verifyStripeWebhook(
      stripe,
      request,
      connection.values['webhookSecret'],
      this.options.webhookToleranceSeconds ?? STRIPE_WEBHOOK_TOLERANCE_SECONDS,
    );
  }

  /**
   * Balance transactions of the window, then its payouts with each payout's transactions
   * (sources expanded), one Stripe list call per page (see `stripe.settlements.ts`).
   */
  async listSettlements(
    connection: GatewayConnection,
    request: SettlementRequest,
  ): Promise<Outcome<SettlementPage>> {
    const problem = settlementWindowProblem(request);
    if (problem) return fail(problem);
    try {
      decodeStripeCursor(request.cursor);
    } catch (error) {
      return fail(error as GatewayError);
    }
    return this.call(connection, (stripe) =>
      stripeSettlementPage(stripe, request, this.requestOptions(connection)),
    );
  }

  async checkCredentials(connection: GatewayConnection): Promise<Outcome<CredentialCheck>> {
    const key = connection.values['secretKey'] ?? '';
    let stripe: Stripe;
    try {
      stripe = this.client(connection);
    } catch (error) {
      return fail(toGatewayError(error));
    }
    const mode = keyMode(key);
    if (!mode) {
      const problem = key.startsWith('pk_')
        ? 'secretKey is a publishable key (pk_…); Payrail needs a secret (sk_…) or restricted (rk_…) key'
        : 'secretKey is not a Stripe secret (sk_…) or restricted (rk_…) key';
      return succeed({ valid: false, mode: connection.mode, problems: [problem] });
    }
    if (mode !== connection.mode) {
      return succeed({
        valid: false,
        mode,
        problems: [`secretKey is a ${mode} key on a ${connection.mode} connection`],
      });
    }
    const options = this.requestOptions(connection);
    const restricted = key.startsWith('rk_');
    try {
      let account: CredentialCheck['account'];
      try {
        const found = await stripe.accounts.retrieveCurrent(undefined, options);
        account = {
          id: found.id,
          name: found.settings?.dashboard?.display_name ?? found.business_profile?.name ?? undefined,
        };
      } catch (error) {
        // A restricted key may not read the account; the probes below still say what it can do.
        if (!(restricted && toGatewayError(error).code === 'permission_denied')) throw error;
      }
      const permissions = restricted ? await this.probePermissions(stripe) : ALL_PERMISSIONS;
      const problems = REQUIRED_PERMISSIONS.filter((p) => !permissions.includes(p)).map(
        (p) => `the restricted key lacks ${p}`,
      );
      return succeed({ valid: problems.length === 0, mode, account, permissions, problems });
    } catch (error) {
      return fail(toGatewayError(error));
    }
  }

  private async probePermissions(stripe: Stripe): Promise<string[]> {
    const results = await Promise.all(
      PERMISSION_PROBES.map(async ({ permission, call }) => {
        try {
          await call(stripe);
          return permission;
        } catch (error) {
          const mapped = toGatewayError(error);
          if (mapped.code === 'permission_denied') return undefined;
          if (mapped.code === 'invalid_request') return permission;
          throw error;
        }
      }),
    );
    return results.filter((p): p is string => p !== undefined);
  }

  async healthCheck(connection: GatewayConnection): Promise<HealthReport> {
    const started = Date.now();
    const outcome = await this.call(connection, (stripe) =>
      stripe.balance.retrieve(undefined, this.requestOptions(connection)),
    );
    const latencyMs = Date.now() - started;
    if (outcome.ok) return { healthy: true, latencyMs };
    // Stripe answered; a key that may not read the balance says nothing about Stripe's health.
    if (outcome.error.code === 'permission_denied')
      return { healthy: true, latencyMs, detail: outcome.error.message };
    return { healthy: false, latencyMs, detail: `${outcome.error.code}: ${outcome.error.message}` };
  }

  /** Submits evidence text now (`submit` defaults to true): the dispute goes under review. */
  async submitDisputeEvidence(
    connection: GatewayConnection,
    request: { reference: string; text: string; idempotencyKey: string },
  ): Promise<Outcome<GatewayDispute>> {
    return this.call(connection, async (stripe) =>
      toGatewayDispute(
        await stripe.disputes.update(
          request.reference,
          { evidence: { uncategorized_text: request.text }, submit: true },
          this.requestOptions(connection, request.idempotencyKey),
        ),
      ),
    );
  }

  /**
   * The File Upload API (files.stripe.com, or the connection's endpoint in test mode: the SDK sends
   * uploads to the client's `host` when one is set), then the file's id in the dispute's evidence
   * field for its category, staged (`submit: false`) for the next submission.
   */
  async uploadDisputeEvidenceFile(
    connection: GatewayConnection,
    request: { reference: string; file: DisputeEvidenceFile; idempotencyKey: string },
  ): Promise<Outcome<{ fileReference: string; dispute: GatewayDispute }>> {
    return this.call(connection, async (stripe) => {
      const file = await stripe.files.create(
        {
          purpose: 'dispute_evidence',
          file: { data: request.file.data, name: request.file.name, type: request.file.contentType },
        },
        this.requestOptions(connection, `${request.idempotencyKey}_file`),
      );
      const dispute = await stripe.disputes.update(
        request.reference,
        { evidence: { [STRIPE_EVIDENCE_FILE_FIELD[request.file.category]]: file.id }, submit: false },
        this.requestOptions(connection, `${request.idempotencyKey}_attach`),
      );
      return { fileReference: file.id, dispute: toGatewayDispute(dispute) };
    });
  }

  // ---- CustomerVault ----

  async createCustomer(
    connection: GatewayConnection,
    request: VaultCustomerRequest,
  ): Promise<Outcome<VaultCustomer>> {
    return this.call(connection, (stripe) =>
      createStripeCustomer(stripe, request, (key) => this.requestOptions(connection, key)),
    );
  }

  /** Deleting a Stripe Customer detaches every PaymentMethod saved for it. */
  async eraseCustomer(
    connection: GatewayConnection,
    request: { customerReference: string },
  ): Promise<Outcome<void>> {
    return this.call(connection, async (stripe) => {
      await stripe.customers.del(request.customerReference, {}, this.requestOptions(connection));
    });
  }

  async saveMethod(connection: GatewayConnection, request: SaveMethodRequest): Promise<Outcome<SavedMethod>> {
    return this.call(connection, (stripe) =>
      saveStripeMethod(stripe, request, (key) => this.requestOptions(connection, key)),
    );
  }

  async listMethods(
    connection: GatewayConnection,
    request: { customerReference: string },
  ): Promise<Outcome<SavedMethod[]>> {
    return this.call(connection, (stripe) => listStripeMethods(stripe, request.customerReference));
  }

  async deleteMethod(connection: GatewayConnection, request: VaultMethodRequest): Promise<Outcome<void>> {
    return this.call(connection, async (stripe) => {
      const pm = await stripe.paymentMethods.retrieve(request.methodReference);
      if (pm.customer !== request.customerReference)
        throw new GatewayError('invalid_request', {
          param: 'methodReference',
          detail: `${request.methodReference} is not saved for ${request.customerReference}`,
        });
      await stripe.paymentMethods.detach(request.methodReference, {}, this.requestOptions(connection));
    });
  }

  async registerWebhook(
    connection: GatewayConnection,
    request: WebhookRegistrationRequest,
  ): Promise<Outcome<WebhookRegistration>> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return fail(
        new GatewayError('invalid_request', { param: 'url', detail: `'${request.url}' is not a URL` }),
      );
    }
    if (connection.mode === 'live' && url.protocol !== 'https:') {
      return fail(
        new GatewayError('invalid_request', {
          param: 'url',
          detail: 'Stripe delivers live webhooks to https URLs only',
        }),
      );
    }
    const idempotencyKey = `payrail-webhook-${connection.id}-${createHash('sha256').update(url.toString()).digest('hex').slice(0, 32)}`;
    return this.call(connection, async (stripe) => {
      const endpoint = await stripe.webhookEndpoints.create(
        {
          url: url.toString(),
          enabled_events: [...STRIPE_WEBHOOK_EVENTS],
          description: `Payrail connection ${connection.id}`,
          metadata: { payrail_connection_id: connection.id },
        },
        this.requestOptions(connection, idempotencyKey),
      );
      if (!endpoint.secret) {
        throw new GatewayError('processing_error', {
          detail: 'Stripe returned the webhook endpoint without its signing secret',
        });
      }
      return {
        endpointId: endpoint.id,
        values: { webhookSecret: endpoint.secret, webhookEndpointId: endpoint.id },
      };
    });
  }
}
