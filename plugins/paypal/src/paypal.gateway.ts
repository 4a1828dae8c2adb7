import { createHash } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { OrdersController, Order } from '@paypal/paypal-server-sdk';
import { paypalSdk } from './paypal.sdk';
import {
  fail,
  GatewayError,
  PAYPAL_CURRENCIES,
  RegisterGateway,
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
import { HANDLE_PREFIX, PayPalCardHandles } from './paypal.card-handles';
import { PayPalClients, type PayPalCall } from './paypal.client';
import { checkPayPalCredentials, registerPayPalWebhook } from './paypal.connection-checks';
import { submitPayPalEvidence, submitPayPalEvidenceFile } from './paypal.disputes';
import { chooseCaptures, paypalSnapshot } from './paypal.payment-reads';
import { decodePayPalCursor, type PayPalCursor } from './paypal.settlements';
import { searchSettlementPage } from './paypal.settlement-search';
import {
  deletePayPalCard,
  erasePayPalCustomer,
  listPayPalCards,
  savePayPalCard,
  vaultCustomerId,
} from './paypal.vault';
import {
  checkAmount,
  fromPayPalMoney,
  processorDecline,
  snapshotFromOrder,
  toGatewayError,
  toPayPalMoney,
} from './paypal.transformers';
import { PayPalWebhookVerifier } from './paypal.webhooks';

export const PAYPAL_PLUGIN_OPTIONS = Symbol('PAYPAL_PLUGIN_OPTIONS');

export interface PayPalPluginOptions {
  /** How old a webhook's PAYPAL-TRANSMISSION-TIME may be. Default 900 s. */
  webhookToleranceSeconds?: number;
  /** How long a `tokenize` handle keeps the card in memory. Default 900 s. */
  cardHandleTtlSeconds?: number;
}

/** The connection values a PayPal connection holds. */
export interface PayPalConnectionValues {
  clientId: string;
  clientSecret: string;
  webhookId?: string;
}

export const PAYPAL_FIELDS: readonly ConnectionField[] = [
  {
    key: 'clientId',
    label: 'Client ID',
    secret: false,
    browser: true,
    required: true,
    description: 'REST app client ID from the PayPal developer dashboard.',
  },
  {
    key: 'clientSecret',
    label: 'Client secret',
    secret: true,
    required: true,
    description: "The REST app's secret.",
  },
  {
    key: 'webhookId',
    label: 'Webhook ID',
    secret: false,
    required: false,
    description: 'Set when Payrail registers its webhook listener; used to verify deliveries.',
  },
];

const REPRESENTATION = 'return=representation';

/** PayPal-Request-Id takes 1-108 characters; derived keys stay distinct and short. */
function requestId(key: string, step?: string): string {
  const full = step ? `${key}:${step}` : key;
  return full.length <= 108 ? full : createHash('sha256').update(full).digest('hex');
}

@Injectable()
@RegisterGateway()
export class PayPalGateway
  implements
    PaymentGateway,
    WebhookRegistrar,
    CustomerVault,
    DisputeResponder,
    DisputeFileUploader,
    BrowserOrders,
    SdkPreloader
{
  readonly code = 'paypal';
  readonly displayName = 'PayPal';
  readonly version = '1.0.0';
  readonly fields = PAYPAL_FIELDS;
  readonly capabilities: GatewayCapabilities = {
    partialCapture: true,
    multipleCaptures: true,
    partialRefund: true,
    void: true,
    threeDSecure: false,
    tokenization: true,
    webhooks: true,
    settlementReports: true,
    currencies: PAYPAL_CURRENCIES,
  };

  private readonly clients = new PayPalClients();
  private readonly handles: PayPalCardHandles;
  private readonly verifier: PayPalWebhookVerifier;

  constructor(@Optional() @Inject(PAYPAL_PLUGIN_OPTIONS) options: PayPalPluginOptions = {}) {
    this.verifier = new PayPalWebhookVerifier(options?.webhookToleranceSeconds ?? 900);
    this.handles = new PayPalCardHandles((options?.cardHandleTtlSeconds ?? 900) * 1000);
  }

  /**
   * PayPal takes the raw card in the order itself, so tokenizing keeps the card in this process's
   * memory under an opaque handle for a short time; the handle serves one payment.
   */
  /** Loads the SDK ahead of the first call (see `SdkPreloader`). */
  loadSdk(): void {
    paypalSdk();
  }

  async tokenize(_connection: GatewayConnection, request: TokenizeRequest): Promise<Outcome<TokenizeResult>> {
    return this.handles.tokenize(request);
  }

  /**
   * An order without a payment source for PayPal's card fields: the browser confirms the card on
   * it with PayPal (`confirm-payment-source`), then `authorize` takes its id as the token.
   */
  async createBrowserOrder(
    connection: GatewayConnection,
    request: BrowserOrderRequest,
  ): Promise<Outcome<BrowserOrder>> {
    const currency = request.amount.currency.toUpperCase();
    const refused = checkAmount(request.amount.amount, currency);
    if (refused) return fail(refused);
    return this.run(connection, async (call) => {
      const { result } = await new (paypalSdk().OrdersController)(call.client).createOrder({
        body: {
          intent: paypalSdk().CheckoutPaymentIntent.Authorize,
          purchaseUnits: [
            {
              referenceId: request.reference,
              ...(request.description ? { description: request.description.slice(0, 127) } : {}),
              amount: toPayPalMoney(request.amount.amount, currency),
            },
          ],
        },
        paypalRequestId: requestId(request.idempotencyKey),
        prefer: REPRESENTATION,
      });
      if (!result.id)
        return fail(
          new GatewayError('processing_error', { detail: 'PayPal answered an order without an id' }),
        );
      return succeed({ reference: result.id });
    });
  }

  async authorize(
    connection: GatewayConnection,
    request: AuthorizeRequest,
  ): Promise<Outcome<GatewayPaymentSnapshot>> {
    const currency = request.amount.currency.toUpperCase();
    const refused = checkAmount(request.amount.amount, currency);
    if (refused) return fail(refused);
    return this.run(connection, async (call) => {
      const orders = new (paypalSdk().OrdersController)(call.client);
      let order: Order;
      if (request.savedMethod) {
        // A vaulted card, with the stored-credential flags for who initiates the charge.
        const offSession = request.savedMethod.offSession;
        const { result } = await orders.createOrder({
          body: {
            intent: paypalSdk().CheckoutPaymentIntent.Authorize,
            purchaseUnits: [
              {
                referenceId: request.paymentId,
                customId: request.attemptId,
                ...(request.description ? { description: request.description.slice(0, 127) } : {}),
                amount: toPayPalMoney(request.amount.amount, currency),
              },
            ],
            paymentSource: {
              card: {
                vaultId: request.token,
                storedCredential: {
                  paymentInitiator: offSession
                    ? paypalSdk().PaymentInitiator.Merchant
                    : paypalSdk().PaymentInitiator.Customer,
                  paymentType: paypalSdk().StoredPaymentSourcePaymentType.Unscheduled,
                  usage: paypalSdk().StoredPaymentSourceUsageType.Subsequent,
                },
              },
            },
          },
          paypalRequestId: requestId(request.idempotencyKey),
          prefer: REPRESENTATION,
        });
        order = result;
      } else if (request.token.startsWith(HANDLE_PREFIX)) {
        const handle = this.handles.get(request.token);
        if (!handle || handle.expiresAt < Date.now()) return this.recallCardOrder(orders, request, currency);
        if (handle.usedBy && handle.usedBy !== request.idempotencyKey)
          return fail(
            new GatewayError('invalid_request', {
              param: 'token',
              detail: 'the card handle was already used for another payment',
            }),
          );
        handle.usedBy = request.idempotencyKey;
        const card = handle.card;
        const { result } = await orders.createOrder({
          body: {
            intent: paypalSdk().CheckoutPaymentIntent.Authorize,
            purchaseUnits: [
              {
                referenceId: request.paymentId,
                customId: request.attemptId,
                ...(request.description ? { description: request.description.slice(0, 127) } : {}),
                amount: toPayPalMoney(request.amount.amount, currency),
              },
            ],
            paymentSource: {
              card: {
                number: card.number,
                expiry: `${card.expYear}-${String(card.expMonth).padStart(2, '0')}`,
                ...(card.cvc ? { securityCode: card.cvc } : {}),
                ...((card.name ?? request.customer?.name)
                  ? { name: card.name ?? request.customer?.name }
                  : {}),
              },
            },
          },
          paypalRequestId: requestId(request.idempotencyKey),
          prefer: REPRESENTATION,
        });
        order = result;
      } else if (/^[A-Z0-9]{17}$/.test(request.token)) {
        // An order the buyer created and approved through PayPal's front end.
        order = (await orders.getOrder({ id: request.token })).result;
        const unit = order.purchaseUnits?.[0]?.amount;
        if (fromPayPalMoney(unit, currency) !== request.amount.amount || unit?.currencyCode !== currency)
          return fail(
            new GatewayError('invalid_request', {
              param: 'amount',
              detail: `order ${request.token} is for ${unit?.value} ${unit?.currencyCode}, not the payment's amount`,
            }),
          );
      } else {
        return fail(
          new GatewayError('invalid_request', {
            param: 'token',
            detail: 'token is neither a PayPal card handle from tokenize nor a PayPal order id',
          }),
        );
      }
      const authorized = order.purchaseUnits?.[0]?.payments?.authorizations?.length;
      if (!authorized && (order.status === 'APPROVED' || order.status === 'SAVED')) {
        order = (
          await orders.authorizeOrder({
            id: order.id ?? '',
            paypalRequestId: requestId(request.idempotencyKey, 'authorize'),
            prefer: REPRESENTATION,
          })
        ).result;
      }
      const snapshot = snapshotFromOrder(order);
      if (snapshot.status === 'failed') {
        const auth = order.purchaseUnits?.[0]?.payments?.authorizations?.[0];
        return fail(processorDecline(auth?.processorResponse?.responseCode, auth?.id));
      }
      return succeed(snapshot);
    });
  }

  /**
   * A card handle lives in this process only, so after a restart the authorization cannot be
   * sent again. PayPal replays a request id it has seen: asked again under the same id, it
   * answers with the order the first call made, or (the first call never arrived) makes a new
   * order with no card, which holds no money and is proof that none was made.
   */
  private async recallCardOrder(
    orders: OrdersController,
    request: AuthorizeRequest,
    currency: string,
  ): Promise<Outcome<GatewayPaymentSnapshot>> {
    const { result: order } = await orders.createOrder({
      body: {
        intent: paypalSdk().CheckoutPaymentIntent.Authorize,
        purchaseUnits: [
          {
            referenceId: request.paymentId,
            customId: request.attemptId,
            amount: toPayPalMoney(request.amount.amount, currency),
          },
        ],
      },
      paypalRequestId: requestId(request.idempotencyKey),
      prefer: REPRESENTATION,
    });
    const auth = order.purchaseUnits?.[0]?.payments?.authorizations?.[0];
    if (!auth && !order.paymentSource?.card)
      return fail(
        new GatewayError('invalid_request', {
          param: 'token',
          absent: true,
          detail:
            'the card handle is unknown or expired and PayPal holds no order for this attempt; tokenize the card again',
        }),
      );
    const snapshot = snapshotFromOrder(order);
    if (snapshot.status === 'failed')
      return fail(processorDecline(auth?.processorResponse?.responseCode, auth?.id));
    return succeed(snapshot);
  }

  async capture(connection: GatewayConnection, request: CaptureRequest): Promise<Outcome<CaptureResult>> {
    const currency = request.amount.currency.toUpperCase();
    const refused = checkAmount(request.amount.amount, currency);
    if (refused) return fail(refused);
    return this.run(connection, async (call) => {
      const { result: capture } = await new (paypalSdk().PaymentsController)(
        call.client,
      ).captureAuthorizedPayment({
        authorizationId: request.reference,
        paypalRequestId: requestId(request.idempotencyKey),
        prefer: REPRESENTATION,
        body: {
          amount: toPayPalMoney(request.amount.amount, currency),
          finalCapture: request.final,
          invoiceId: request.attemptId,
        },
      });
      if (
        capture.status === paypalSdk().CaptureStatus.Declined ||
        capture.status === paypalSdk().CaptureStatus.Failed
      )
        return fail(processorDecline(capture.processorResponse?.responseCode, request.reference));
      const snapshot = await paypalSnapshot(call, request.reference);
      return succeed({
        snapshot,
        capture: {
          reference: capture.id ?? '',
          amount: fromPayPalMoney(capture.amount, currency),
          attemptId: request.attemptId,
        },
      });
    });
  }

  async void(connection: GatewayConnection, request: VoidRequest): Promise<Outcome<GatewayPaymentSnapshot>> {
    return this.run(connection, async (call) => {
      await new (paypalSdk().PaymentsController)(call.client).voidPayment({
        authorizationId: request.reference,
        paypalRequestId: requestId(request.idempotencyKey),
        prefer: REPRESENTATION,
      });
      return succeed(await paypalSnapshot(call, request.reference));
    });
  }

  /**
   * PayPal refunds per capture: the amount is taken from the captures the core reserved it
   * against (`parts`), else from the newest captures with room first.
   */
  async refund(connection: GatewayConnection, request: RefundRequest): Promise<Outcome<RefundResult>> {
    const currency = request.amount.currency.toUpperCase();
    const refused = checkAmount(request.amount.amount, currency);
    if (refused) return fail(refused);
    return this.run(connection, async (call) => {
      let parts = request.parts;
      if (!parts?.length) {
        const chosen = await chooseCaptures(call, request);
        if (!chosen.ok) return chosen;
        parts = chosen.value;
      }
      const payments = new (paypalSdk().PaymentsController)(call.client);
      const made: { id: string; amount: number; status: string | undefined; capture: string }[] = [];
      for (const part of parts) {
        const { result } = await payments.refundCapturedPayment({
          captureId: part.captureReference,
          paypalRequestId: requestId(request.idempotencyKey, made.length ? part.captureReference : undefined),
          prefer: REPRESENTATION,
          body: {
            amount: toPayPalMoney(part.amount, currency),
            customId: request.attemptId,
            ...(request.reason ? { noteToPayer: request.reason.slice(0, 255) } : {}),
          },
        });
        made.push({
          id: result.id ?? '',
          amount: part.amount,
          status: result.status,
          capture: part.captureReference,
        });
      }
      const snapshot = await paypalSnapshot(call, request.reference);
      const first = made[0];
      const record = snapshot.refunds.find((r) => r.reference === first.id);
      return succeed({
        snapshot,
        refund: {
          reference: first.id,
          amount: request.amount.amount,
          status: record?.status ?? 'pending',
          attemptId: request.attemptId,
          captureReference: first.capture,
        },
      });
    });
  }

  async sync(connection: GatewayConnection, request: SyncRequest): Promise<Outcome<GatewayPaymentSnapshot>> {
    return this.run(connection, async (call) => succeed(await paypalSnapshot(call, request.reference)));
  }

  async verifyWebhook(
    connection: GatewayConnection,
    request: WebhookRequest,
  ): Promise<Outcome<GatewayWebhookEvent[]>> {
    let events: GatewayWebhookEvent[];
    try {
      const endpoint = this.clients.for(connection).endpoint;
      events = await this.verifier.verify(
        request.rawBody,
        request.headers,
        connection.values['webhookId'],
        endpoint,
      );
    } catch (error) {
      return fail(toGatewayError(error));
    }
    // A dispute names the capture; Payrail knows PayPal payments by their authorization.
    return this.run(connection, async (call) => {
      for (const event of events) {
        if (!event.dispute || !event.reference) continue;
        const { result } = await new (paypalSdk().PaymentsController)(call.client).getCapturedPayment({
          captureId: event.reference,
        });
        const up = result.links?.find((l) => l.rel === 'up')?.href ?? '';
        const authorization = /\/authorizations\/([^/?]+)/.exec(up)?.[1];
        event.reference = authorization ?? event.reference;
      }
      return succeed(events);
    });
  }

  /**
   * One page of Transaction Search, walking the window in searches of at most 31 days and
   * halving a search PayPal refuses with `RESULTSET_TOO_LARGE` (see `paypal.settlements.ts`).
   * The SDK's `TransactionSearchController` is used; the page's raw rows are read from the
   * response body so each record keeps the row as PayPal wrote it.
   */
  async listSettlements(
    connection: GatewayConnection,
    request: SettlementRequest,
  ): Promise<Outcome<SettlementPage>> {
    const problem = settlementWindowProblem(request);
    if (problem) return fail(problem);
    let cursor: PayPalCursor;
    try {
      cursor = decodePayPalCursor(request.cursor, request.from, request.to);
    } catch (error) {
      return fail(toGatewayError(error));
    }
    const pageSize = Math.min(Math.max(request.pageSize ?? 500, 1), 500);
    return this.run(connection, async (call) => succeed(await searchSettlementPage(call, cursor, pageSize)));
  }

  checkCredentials(connection: GatewayConnection): Promise<Outcome<CredentialCheck>> {
    return checkPayPalCredentials(this.clients, connection);
  }

  async healthCheck(connection: GatewayConnection): Promise<HealthReport> {
    const started = Date.now();
    try {
      const call = this.clients.for(connection);
      await this.clients.fetchToken(call, connection);
      return { healthy: true, latencyMs: Date.now() - started };
    } catch (error) {
      const answered = error instanceof paypalSdk().ApiError && error.statusCode < 500;
      return { healthy: answered, latencyMs: Date.now() - started, detail: toGatewayError(error).message };
    }
  }

  async registerWebhook(
    connection: GatewayConnection,
    request: WebhookRegistrationRequest,
  ): Promise<Outcome<WebhookRegistration>> {
    return this.run(connection, (call) => registerPayPalWebhook(call, request));
  }

  /** Runs SDK calls for one operation: a refused token is fetched again once; failures become outcomes. */
  private async run<T>(
    connection: GatewayConnection,
    operation: (call: PayPalCall) => Promise<Outcome<T>>,
  ): Promise<Outcome<T>> {
    let call: PayPalCall;
    try {
      call = this.clients.for(connection);
    } catch (error) {
      return fail(toGatewayError(error));
    }
    try {
      return await operation(call);
    } catch (error) {
      if (
        error instanceof paypalSdk().ApiError &&
        error.statusCode === 401 &&
        !(error as { oauthRetried?: boolean }).oauthRetried
      ) {
        call.dropToken();
        try {
          return await operation(this.clients.for(connection));
        } catch (retryError) {
          return fail(toGatewayError(retryError));
        }
      }
      return fail(toGatewayError(error));
    }
  }

  async submitDisputeEvidence(
    connection: GatewayConnection,
    request: { reference: string; text: string; idempotencyKey: string },
  ): Promise<Outcome<GatewayDispute>> {
    return this.run(connection, async (call) =>
      succeed(await submitPayPalEvidence(call.client, request.reference, request.text)),
    );
  }

  /** provide-evidence with the file as a document: PayPal takes it as evidence at once. */
  async uploadDisputeEvidenceFile(
    connection: GatewayConnection,
    request: { reference: string; file: DisputeEvidenceFile; idempotencyKey: string },
  ): Promise<Outcome<{ fileReference: string; dispute: GatewayDispute }>> {
    return this.run(connection, async (call) =>
      succeed(await submitPayPalEvidenceFile(call.client, request.reference, request.file)),
    );
  }

  // ---- CustomerVault ----

  async createCustomer(
    _connection: GatewayConnection,
    request: VaultCustomerRequest,
  ): Promise<Outcome<VaultCustomer>> {
    try {
      return succeed(vaultCustomerId(request));
    } catch (error) {
      return fail(toGatewayError(error));
    }
  }

  async eraseCustomer(
    connection: GatewayConnection,
    request: { customerReference: string },
  ): Promise<Outcome<void>> {
    return this.run(connection, async (call) =>
      succeed(await erasePayPalCustomer(call, request.customerReference)),
    );
  }

  async saveMethod(connection: GatewayConnection, request: SaveMethodRequest): Promise<Outcome<SavedMethod>> {
    let card = 'card' in request.method ? request.method.card : undefined;
    if ('token' in request.method && request.method.token.startsWith(HANDLE_PREFIX)) {
      card = this.handles.get(request.method.token)?.card;
      if (!card)
        return fail(
          new GatewayError('invalid_request', {
            param: 'token',
            detail: 'the card handle has expired: tokenize again',
          }),
        );
    }
    return this.run(connection, async (call) =>
      succeed(await savePayPalCard(call, request, card, requestId)),
    );
  }

  async listMethods(
    connection: GatewayConnection,
    request: { customerReference: string },
  ): Promise<Outcome<SavedMethod[]>> {
    return this.run(connection, async (call) =>
      succeed(await listPayPalCards(call, request.customerReference)),
    );
  }

  async deleteMethod(connection: GatewayConnection, request: VaultMethodRequest): Promise<Outcome<void>> {
    return this.run(connection, async (call) => succeed(await deletePayPalCard(call, request)));
  }
}
