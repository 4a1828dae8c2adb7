import { createHash } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  assertAmount,
  fail,
  GatewayError,
  isCurrency,
  RegisterGateway,
  resolveEndpoint,
  succeed,
  type AuthorizeRequest,
  type CaptureRequest,
  type CaptureResult,
  type ConnectionField,
  type CredentialCheck,
  type GatewayCapabilities,
  type GatewayConnection,
  type GatewayPaymentSnapshot,
  type GatewayWebhookEvent,
  type HealthReport,
  type Money,
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
import type { Square, SquareClient } from 'square';
import { squareSdk } from './square.sdk';
import { decodeSquareCursor, squareSettlementPage } from './square.settlements';
import { submitSquareEvidenceText, uploadSquareEvidenceFile } from './square.disputes';
import {
  createSquareCustomer,
  deleteSquareCustomer,
  disableSquareCard,
  listSquareCards,
  saveSquareCard,
  type SquareCall,
} from './square.vault';
import {
  squareIdempotencyKey,
  tagWithAttempt,
  toGatewayError,
  toRefundRecord,
  toSnapshot,
  toSquareMoney,
} from './square.transformers';
import {
  parseSquareEvent,
  SQUARE_SIGNATURE_HEADER,
  SQUARE_WEBHOOK_EVENT_TYPES,
  verifySquareSignature,
} from './square.webhooks';

export const SQUARE_ORIGINS = {
  test: 'https://connect.squareupsandbox.com',
  live: 'https://connect.squareup.com',
} as const;

/** The connection values a Square connection holds, by field key. */
export interface SquareConnectionValues {
  accessToken: string;
  locationId: string;
  webhookSignatureKey?: string;
  notificationUrl?: string;
}

export interface SquarePluginOptions {
  /** How long an authorization stays open before Square cancels it (RFC 3339 duration, PT1M to P7D; default P7D). */
  authorizationDelay?: string;
}

export const SQUARE_PLUGIN_OPTIONS = Symbol('payrail.square.options');

export const SQUARE_FIELDS: readonly ConnectionField[] = [
  {
    key: 'accessToken',
    label: 'Access token',
    secret: true,
    required: true,
    description:
      'A Square access token (sandbox token for test connections, production token for live ones).',
    pattern: '^\\S{10,}$',
    placeholder: 'EAAA…',
  },
  {
    key: 'locationId',
    label: 'Location ID',
    secret: false,
    browser: true,
    required: true,
    description: 'The Square location payments are taken at.',
    pattern: '^[A-Za-z0-9]{1,32}$',
  },
  {
    key: 'applicationId',
    label: 'Application ID',
    secret: false,
    browser: true,
    required: false,
    description:
      "The Square application's id (sandbox-sq0idb-… or sq0idp-…), for the Web Payments SDK in the customer's browser.",
    pattern: '^(sandbox-)?sq0id[a-z]-[A-Za-z0-9_-]+$',
  },
  {
    key: 'webhookSignatureKey',
    label: 'Webhook signature key',
    secret: true,
    required: false,
    description: "The webhook subscription's signature key; filled in when Payrail registers the webhook.",
  },
  {
    key: 'notificationUrl',
    label: 'Notification URL',
    secret: false,
    required: false,
    description:
      'The URL exactly as registered with Square (Square signs it); defaults to the URL a webhook arrives on.',
  },
];

type RequestOptions = SquareClient.RequestOptions;

/** One Square client per operation; each call is bounded by the connection's timeout. */
class SquareSession {
  constructor(
    readonly square: SquareClient,
    private readonly timeoutMs: number,
  ) {}

  async call<T>(perform: (square: SquareClient, options: RequestOptions) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      return await perform(this.square, { abortSignal: controller.signal, maxRetries: 0 });
    } catch (error) {
      throw toGatewayError(error, controller.signal.aborted);
    } finally {
      clearTimeout(timer);
    }
  }
}

function values(connection: GatewayConnection): SquareConnectionValues {
  const { accessToken, locationId, webhookSignatureKey, notificationUrl } = connection.values;
  if (!accessToken)
    throw new GatewayError('invalid_request', {
      detail: 'the connection has no accessToken',
      param: 'accessToken',
    });
  if (!locationId)
    throw new GatewayError('invalid_request', {
      detail: 'the connection has no locationId',
      param: 'locationId',
    });
  return { accessToken, locationId, webhookSignatureKey, notificationUrl };
}

function checkMoney(money: Money, param = 'amount'): void {
  if (!isCurrency(money.currency))
    throw new GatewayError('invalid_request', {
      detail: `'${money.currency}' is not an ISO 4217 currency code`,
      param: `${param}.currency`,
    });
  assertAmount(money.amount, money.currency);
}

async function outcome<T>(operation: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return succeed(await operation());
  } catch (error) {
    return fail(toGatewayError(error));
  }
}

@Injectable()
@RegisterGateway()
export class SquareGateway
  implements
    PaymentGateway,
    WebhookRegistrar,
    CustomerVault,
    DisputeResponder,
    DisputeFileUploader,
    SdkPreloader
{
  readonly code = 'square';
  readonly displayName = 'Square';
  readonly version = '1.0.0';
  readonly fields = SQUARE_FIELDS;
  readonly capabilities: GatewayCapabilities = {
    partialCapture: true,
    multipleCaptures: false,
    partialRefund: true,
    void: true,
    threeDSecure: false,
    tokenization: false,
    webhooks: true,
    settlementReports: true,
    // Square takes only the currency of the seller's country (USD, CAD, GBP, AUD, JPY, EUR).
    currencies: ['USD', 'CAD', 'GBP', 'AUD', 'JPY', 'EUR'],
    maxAmount: 99_999_999,
  };

  constructor(@Optional() @Inject(SQUARE_PLUGIN_OPTIONS) private readonly options: SquarePluginOptions = {}) {
    this.options = options ?? {};
  }

  private session(connection: GatewayConnection): SquareSession {
    const endpoint = resolveEndpoint(connection, SQUARE_ORIGINS);
    const { accessToken } = values(connection);
    // A test connection may carry a path (the sandbox's latency prefix); a live one is the official origin.
    const baseUrl =
      connection.mode === 'test' && connection.baseUrl?.trim()
        ? connection.baseUrl.trim().replace(/\/+$/, '')
        : endpoint.origin;
    return new SquareSession(
      new (squareSdk().SquareClient)({
        token: accessToken,
        baseUrl,
        maxRetries: 0,
        timeoutInSeconds: connection.timeoutMs / 1000 + 1,
      }),
      connection.timeoutMs,
    );
  }

  /** Loads the SDK ahead of the first call (see `SdkPreloader`). */
  loadSdk(): void {
    squareSdk();
  }

  async tokenize(
    _connection: GatewayConnection,
    _request: TokenizeRequest,
  ): Promise<Outcome<TokenizeResult>> {
    return fail(
      new GatewayError('invalid_request', {
        param: 'card',
        detail:
          "Square takes no raw card numbers from a server: tokenize the card in the browser with Square's Web Payments SDK and authorize with its nonce (cnon:…) or a card on file id (ccof:…)",
      }),
    );
  }

  async authorize(
    connection: GatewayConnection,
    request: AuthorizeRequest,
  ): Promise<Outcome<GatewayPaymentSnapshot>> {
    return outcome(async () => {
      checkMoney(request.amount);
      const token = request.token?.trim();
      if (!token) throw new GatewayError('invalid_request', { detail: 'token is required', param: 'token' });
      if (/^[\d -]{12,}$/.test(token))
        throw new GatewayError('invalid_request', {
          detail: 'token must be a Square nonce (cnon:…) or card id (ccof:…), never a card number',
          param: 'token',
        });
      const session = this.session(connection);
      const { locationId } = values(connection);
      const note = tagWithAttempt(request.description, request.attemptId, 500);
      const response = await session.call((square, options) =>
        square.payments.create(
          {
            sourceId: token,
            idempotencyKey: squareIdempotencyKey(request.idempotencyKey),
            amountMoney: toSquareMoney(request.amount),
            autocomplete: false,
            ...(this.options.authorizationDelay ? { delayDuration: this.options.authorizationDelay } : {}),
            locationId,
            ...(request.paymentId.length <= 40 ? { referenceId: request.paymentId } : {}),
            note,
            ...(request.customer?.email ? { buyerEmailAddress: request.customer.email } : {}),
            // A card on file goes with its customer; a merchant-initiated charge says so.
            ...(request.savedMethod
              ? {
                  customerId: request.savedMethod.customerReference,
                  customerDetails: {
                    customerInitiated: !request.savedMethod.offSession,
                    sellerKeyedIn: false,
                  },
                }
              : {}),
          },
          options,
        ),
      );
      if (!response.payment)
        throw new GatewayError('processing_error', {
          detail: 'Square answered without a payment',
          indeterminate: true,
        });
      const snapshot = toSnapshot(response.payment);
      if (snapshot.status === 'failed' && snapshot.failure)
        throw new GatewayError(snapshot.failure.code, {
          gatewayCode: snapshot.failure.gatewayCode,
          reference: snapshot.reference,
          detail: snapshot.failure.message,
        });
      return snapshot;
    });
  }

  /** Full capture completes the payment; a partial one first lowers the amount while APPROVED. */
  async capture(connection: GatewayConnection, request: CaptureRequest): Promise<Outcome<CaptureResult>> {
    return outcome(async () => {
      checkMoney(request.amount);
      const session = this.session(connection);
      const current = await this.payment(session, request.reference);
      let versionToken = current.versionToken ?? undefined;
      if (current.status === 'APPROVED') {
        const total = toSnapshot(current).amountCapturable;
        if (request.amount.amount > total)
          throw new GatewayError('amount_too_large', {
            detail: `cannot capture ${request.amount.amount}: only ${total} is authorized`,
            reference: request.reference,
            param: 'amount',
          });
        if (request.amount.amount < total) {
          const updated = await session.call((square, options) =>
            square.payments.update(
              {
                paymentId: request.reference,
                idempotencyKey: squareIdempotencyKey(request.idempotencyKey),
                payment: { amountMoney: toSquareMoney(request.amount), versionToken },
              },
              options,
            ),
          );
          versionToken = updated.payment?.versionToken ?? undefined;
        }
      }
      const completed = await session.call((square, options) =>
        square.payments.complete({ paymentId: request.reference, versionToken }, options),
      );
      if (!completed.payment)
        throw new GatewayError('processing_error', {
          detail: 'Square answered without a payment',
          indeterminate: true,
        });
      const snapshot = toSnapshot(completed.payment);
      return {
        snapshot,
        capture: {
          reference: request.reference,
          amount: snapshot.amountCaptured,
          attemptId: request.attemptId,
        },
      };
    });
  }

  async void(connection: GatewayConnection, request: VoidRequest): Promise<Outcome<GatewayPaymentSnapshot>> {
    return outcome(async () => {
      const session = this.session(connection);
      try {
        const response = await session.call((square, options) =>
          square.payments.cancel({ paymentId: request.reference }, options),
        );
        if (!response.payment)
          throw new GatewayError('processing_error', {
            detail: 'Square answered without a payment',
            indeterminate: true,
          });
        return toSnapshot(response.payment);
      } catch (error) {
        // Cancel carries no idempotency key: a retried void finds the payment already canceled.
        if (error instanceof GatewayError && error.gatewayCode === 'DELAYED_TRANSACTION_CANCELED') {
          const snapshot = toSnapshot(await this.payment(session, request.reference));
          if (snapshot.status === 'voided') return snapshot;
        }
        throw error;
      }
    });
  }

  async refund(connection: GatewayConnection, request: RefundRequest): Promise<Outcome<RefundResult>> {
    return outcome(async () => {
      checkMoney(request.amount);
      const session = this.session(connection);
      try {
        const response = await session.call((square, options) =>
          square.refunds.refundPayment(
            {
              idempotencyKey: squareIdempotencyKey(request.idempotencyKey),
              paymentId: request.reference,
              amountMoney: toSquareMoney(request.amount),
              reason: tagWithAttempt(request.reason ?? 'Refund', request.attemptId, 192),
            },
            options,
          ),
        );
        if (!response.refund)
          throw new GatewayError('processing_error', {
            detail: 'Square answered without a refund',
            indeterminate: true,
          });
        const snapshot = await this.snapshot(session, request.reference).catch(() => undefined);
        return { refund: toRefundRecord(response.refund), ...(snapshot ? { snapshot } : {}) };
      } catch (error) {
        if (error instanceof GatewayError && error.gatewayCode === 'REFUND_AMOUNT_INVALID') {
          const snapshot = await this.snapshot(session, request.reference).catch(() => undefined);
          if (snapshot?.status === 'refunded')
            throw new GatewayError('already_refunded', {
              gatewayCode: error.gatewayCode,
              gatewayStatus: error.gatewayStatus,
              reference: request.reference,
              detail: error.message,
            });
        }
        throw error;
      }
    });
  }

  async sync(connection: GatewayConnection, request: SyncRequest): Promise<Outcome<GatewayPaymentSnapshot>> {
    return outcome(() => this.snapshot(this.session(connection), request.reference));
  }

  async verifyWebhook(
    connection: GatewayConnection,
    request: WebhookRequest,
  ): Promise<Outcome<GatewayWebhookEvent[]>> {
    const key = connection.values['webhookSignatureKey'];
    if (!key)
      return fail(
        new GatewayError('invalid_request', {
          param: 'webhookSignatureKey',
          detail: 'the connection has no webhookSignatureKey: register the webhook first',
        }),
      );
    const url = connection.values['notificationUrl'] || request.url;
    const signature = request.headers[SQUARE_SIGNATURE_HEADER];
    if (!signature)
      return fail(
        new GatewayError('invalid_request', {
          param: 'signature',
          detail: `the ${SQUARE_SIGNATURE_HEADER} header is missing`,
        }),
      );
    if (!verifySquareSignature(request.rawBody, signature, key, url))
      return fail(
        new GatewayError('invalid_request', {
          param: 'signature',
          detail: `the signature does not match the body and notification URL ${url}`,
        }),
      );
    return parseSquareEvent(request.rawBody);
  }

  /**
   * The window's completed payments and refunds, then its payouts with their entries, one Square
   * list call per page (see `square.settlements.ts`).
   */
  async listSettlements(
    connection: GatewayConnection,
    request: SettlementRequest,
  ): Promise<Outcome<SettlementPage>> {
    return outcome(async () => {
      const problem = settlementWindowProblem(request);
      if (problem) throw problem;
      decodeSquareCursor(request.cursor);
      const session = this.session(connection);
      const { locationId } = values(connection);
      return squareSettlementPage((perform) => session.call(perform), locationId, request);
    });
  }

  async checkCredentials(connection: GatewayConnection): Promise<Outcome<CredentialCheck>> {
    return outcome(async () => {
      const session = this.session(connection);
      const { locationId } = values(connection);
      let locations: Square.Location[];
      try {
        locations = (await session.call((square, options) => square.locations.list(options))).locations ?? [];
      } catch (error) {
        if (error instanceof GatewayError && error.code === 'authentication_failed') {
          const where = connection.mode === 'test' ? 'the Square sandbox' : 'Square production';
          const other = connection.mode === 'test' ? 'a production' : 'a sandbox';
          return {
            valid: false,
            mode: connection.mode,
            problems: [
              `${where} refused the accessToken (${error.gatewayCode ?? 'UNAUTHORIZED'}); is it ${other} token, expired or revoked?`,
            ],
          };
        }
        throw error;
      }
      const problems: string[] = [];
      const location = locations.find((l) => l.id === locationId);
      if (!location)
        problems.push(
          `locationId ${locationId} is not one of this account's locations (${locations.map((l) => l.id).join(', ') || 'none'})`,
        );
      else {
        if (location.status !== 'ACTIVE')
          problems.push(`location ${locationId} is ${location.status}, not ACTIVE`);
        if (!location.capabilities?.includes('CREDIT_CARD_PROCESSING'))
          problems.push(`location ${locationId} cannot process cards (no CREDIT_CARD_PROCESSING capability)`);
      }
      const merchantId = location?.merchantId ?? locations[0]?.merchantId;
      return {
        valid: problems.length === 0,
        mode: connection.mode,
        ...(merchantId
          ? { account: { id: merchantId, name: location?.businessName ?? location?.name ?? undefined } }
          : {}),
        problems,
      };
    });
  }

  async healthCheck(connection: GatewayConnection): Promise<HealthReport> {
    const started = Date.now();
    try {
      await this.session(connection).call((square, options) => square.locations.list(options));
      return { healthy: true, latencyMs: Date.now() - started };
    } catch (error) {
      const failure = toGatewayError(error);
      // Square answered: it is up, even if these credentials are not accepted.
      const answered = failure.gatewayStatus !== undefined && failure.gatewayStatus < 500;
      return {
        healthy: answered,
        latencyMs: Date.now() - started,
        detail: `${failure.code}: ${failure.message}`,
      };
    }
  }

  async registerWebhook(
    connection: GatewayConnection,
    request: WebhookRegistrationRequest,
  ): Promise<Outcome<WebhookRegistration>> {
    return outcome(async () => {
      try {
        new URL(request.url);
      } catch {
        throw new GatewayError('invalid_request', { detail: `'${request.url}' is not a URL`, param: 'url' });
      }
      const session = this.session(connection);
      const response = await session.call((square, options) =>
        square.webhooks.subscriptions.create(
          {
            idempotencyKey: createHash('sha256')
              .update(`${connection.id}|${request.url}`)
              .digest('base64url')
              .slice(0, 43),
            subscription: {
              name: `Payrail ${connection.id}`.slice(0, 64),
              eventTypes: SQUARE_WEBHOOK_EVENT_TYPES,
              notificationUrl: request.url,
            },
          },
          options,
        ),
      );
      const subscription = response.subscription;
      if (!subscription?.id || !subscription.signatureKey)
        throw new GatewayError('processing_error', {
          detail: 'Square answered without a subscription signature key',
        });
      return {
        endpointId: subscription.id,
        values: {
          webhookSignatureKey: subscription.signatureKey,
          notificationUrl: subscription.notificationUrl ?? request.url,
        },
      };
    });
  }

  /** Adds the text as generic evidence and submits it: the dispute goes to PROCESSING. */
  submitDisputeEvidence(
    connection: GatewayConnection,
    request: { reference: string; text: string; idempotencyKey: string },
  ): Promise<Outcome<GatewayDispute>> {
    return outcome(() => submitSquareEvidenceText(this.vaultCall(connection), request));
  }

  /** CreateDisputeEvidenceFile (multipart): the file waits on the dispute for SubmitEvidence. */
  uploadDisputeEvidenceFile(
    connection: GatewayConnection,
    request: { reference: string; file: DisputeEvidenceFile; idempotencyKey: string },
  ): Promise<Outcome<{ fileReference: string; dispute: GatewayDispute }>> {
    return outcome(() => uploadSquareEvidenceFile(this.vaultCall(connection), request));
  }

  // ---- CustomerVault ----

  private vaultCall(connection: GatewayConnection): SquareCall {
    const session = this.session(connection);
    return (perform) => session.call(perform);
  }

  createCustomer(
    connection: GatewayConnection,
    request: VaultCustomerRequest,
  ): Promise<Outcome<VaultCustomer>> {
    return outcome(() => createSquareCustomer(this.vaultCall(connection), request));
  }

  /** Deleting a Square customer disables its cards on file. */
  eraseCustomer(
    connection: GatewayConnection,
    request: { customerReference: string },
  ): Promise<Outcome<void>> {
    return outcome(() => deleteSquareCustomer(this.vaultCall(connection), request.customerReference));
  }

  saveMethod(connection: GatewayConnection, request: SaveMethodRequest): Promise<Outcome<SavedMethod>> {
    return outcome(() => saveSquareCard(this.vaultCall(connection), request));
  }

  listMethods(
    connection: GatewayConnection,
    request: { customerReference: string },
  ): Promise<Outcome<SavedMethod[]>> {
    return outcome(() => listSquareCards(this.vaultCall(connection), request.customerReference));
  }

  deleteMethod(connection: GatewayConnection, request: VaultMethodRequest): Promise<Outcome<void>> {
    return outcome(() => disableSquareCard(this.vaultCall(connection), request));
  }

  private async payment(session: SquareSession, id: string): Promise<Square.Payment> {
    if (!id)
      throw new GatewayError('invalid_request', { detail: 'reference is required', param: 'reference' });
    const response = await session.call((square, options) => square.payments.get({ paymentId: id }, options));
    if (!response.payment)
      throw new GatewayError('processing_error', { detail: `Square answered without payment ${id}` });
    return response.payment;
  }

  private async snapshot(session: SquareSession, id: string): Promise<GatewayPaymentSnapshot> {
    const payment = await this.payment(session, id);
    const refunds = await Promise.all(
      (payment.refundIds ?? []).map(async (refundId) => {
        const response = await session.call((square, options) => square.refunds.get({ refundId }, options));
        if (!response.refund)
          throw new GatewayError('processing_error', {
            detail: `Square answered without refund ${refundId}`,
          });
        return response.refund;
      }),
    );
    return toSnapshot(payment, refunds);
  }
}
