import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Notifier } from '@payrail/notifications';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { SYSTEM_ACTOR, type AuditActorContext } from '@payrail/audit';
import { newId } from '@payrail/database';
import { ConnectionService, type GatewayConnectionRecord } from '@payrail/gateways';
import { BROWSER_ORDER_REFERENCE, canCreateBrowserOrders } from '@payrail/plugin-sdk';
import { Clock } from '@payrail/identity';
import {
  FAILURE_ARTICLES,
  GatewayInvoker,
  PaymentFailedError,
  type FailureArticles,
  PaymentsService,
  type Payment,
  type PaymentMode,
  type PaymentStatus,
} from '@payrail/payments';

/** A session belongs to one merchant in one mode, as the key that created it. */
export interface SessionOwner {
  merchantId: string;
  mode: PaymentMode;
}
import { BROWSER_SDKS, sdkFor } from './browser-sdks';
import { customerMessage } from './customer-messages';
import { PaymentSession } from './payment-session.entity';
import { receiptEmail } from './receipt';
import { PAYMENT_SESSIONS_OPTIONS, type PaymentSessionsOptions } from './payment-sessions.options';
import { clientSecretMatches, newClientSecret, sha256Hex } from './session-secrets';

export type PaymentSessionStatus = 'open' | 'processing' | 'requires_action' | 'complete' | 'expired';

export interface CreateSessionInput {
  amount: number;
  currency: string;
  captureMethod: 'automatic' | 'manual';
  customer?: { email?: string; name?: string };
  description?: string;
  metadata?: Record<string, string>;
  returnUrl?: string;
  gateway?: string;
  connectionId?: string;
  expiresInSeconds?: number;
}

/** A session as it stands, with its latest payment, for the merchant's server and the browser alike. */
export interface SessionView {
  session: PaymentSession;
  status: PaymentSessionStatus;
  payment: Payment | null;
  /** Why the latest payment failed, in the customer's words, when the session takes another card. */
  lastError: { code: string; message: string } | null;
}

const COMPLETE: readonly PaymentStatus[] = ['authorized', 'partially_captured', 'captured'];

/**
 * Payment sessions: the merchant's server fixes amount, currency and connection; the customer's
 * browser, holding only the client secret, reads the public configuration and confirms with the
 * gateway's token. A confirm claims the session with one conditional UPDATE, so two at once make
 * one payment; a declined card reopens the session for another; the payment itself is made by
 * the ordinary payment path (timeline, webhooks, recovery).
 */
@Injectable()
export class PaymentSessionsService {
  private readonly logger = new Logger('PaymentSessions');

  constructor(
    private readonly payments: PaymentsService,
    private readonly connections: ConnectionService,
    private readonly clock: Clock,
    private readonly invoker: GatewayInvoker,
    @Inject(PAYMENT_SESSIONS_OPTIONS) private readonly options: PaymentSessionsOptions,
    @InjectRepository(PaymentSession) private readonly sessions: Repository<PaymentSession>,
    @Optional() private readonly notifier?: Notifier,
    @Optional() @Inject(FAILURE_ARTICLES) private readonly articles?: FailureArticles,
  ) {}

  async create(
    owner: SessionOwner,
    input: CreateSessionInput,
  ): Promise<{ view: SessionView; clientSecret: string; url: string }> {
    const record = await this.payments.connectionFor(owner, input);
    const gateway = this.connections.gatewayFor(record);
    if (!sdkFor(record.gateway, record))
      throw ApiError.invalid(
        input.connectionId ? 'connection_id' : 'gateway',
        `${gateway.displayName} has no browser checkout in Payrail`,
      );
    const currency = input.currency.toUpperCase();
    const currencies = gateway.capabilities.currencies;
    if (currencies !== '*' && !currencies.includes(currency))
      throw ApiError.invalid(
        'currency',
        `${gateway.displayName} does not support ${currency}`,
        'currency_not_supported',
      );
    const id = newId('ps');
    const clientSecret = newClientSecret(id);
    const ttlMs = input.expiresInSeconds
      ? input.expiresInSeconds * 1000
      : (this.options.defaultTtlMs ?? 30 * 60_000);
    const session = await this.sessions.save(
      this.sessions.create({
        id,
        merchantId: owner.merchantId,
        mode: owner.mode,
        connectionId: record.id,
        gateway: record.gateway,
        amount: input.amount,
        currency,
        captureMethod: input.captureMethod,
        customerEmail: input.customer?.email ?? null,
        customerName: input.customer?.name ?? null,
        description: input.description ?? null,
        metadata: input.metadata ?? null,
        returnUrl: input.returnUrl ?? null,
        clientSecretHash: sha256Hex(clientSecret),
        state: 'open',
        tokenHash: null,
        paymentId: null,
        attempts: 0,
        expiresAt: new Date(this.clock.now().getTime() + ttlMs),
      }),
    );
    // The hosted page: the secret rides in the fragment, which browsers never send to a server.
    const url = `${this.options.publicUrl}/pay/${id}#${encodeURIComponent(clientSecret)}`;
    return { view: await this.view(session), clientSecret, url };
  }

  /** The merchant's own session, by its secret key. */
  async get(owner: SessionOwner, id: string): Promise<SessionView> {
    const session = await this.sessions.findOneBy({ id, merchantId: owner.merchantId, mode: owner.mode });
    if (!session) throw ApiError.notFound('payment session', id);
    return this.view(session);
  }

  /** The session a client secret opens; anything else is refused alike, so ids cannot be probed. */
  async authenticate(id: string, clientSecret: string): Promise<PaymentSession> {
    const session = await this.sessions.findOneBy({ id });
    if (!session || !clientSecretMatches(id, clientSecret, session.clientSecretHash))
      throw new ApiError(401, {
        type: 'authentication_error',
        code: 'client_secret_invalid',
        message: 'the client_secret does not open this payment session',
        param: 'client_secret',
      });
    return session;
  }

  /** What the browser needs to draw the gateway's fields: public values only. */
  async clientConfig(session: PaymentSession): Promise<{
    view: SessionView;
    config: Record<string, string>;
    sdk: { script: string; integrity?: string };
    methods: readonly string[];
  }> {
    const record = await this.connectionOf(session);
    const gateway = this.connections.gatewayFor(record);
    const values = await this.connections.toGatewayConnection(record);
    const config: Record<string, string> = {};
    for (const field of gateway.fields)
      if (field.browser && !field.secret && values.values[field.key])
        config[field.key] = values.values[field.key];
    const sdk = sdkFor(record.gateway, record);
    if (!sdk) throw ApiError.invalid('id', `${gateway.displayName} has no browser checkout in Payrail`);
    const methods = BROWSER_SDKS[record.gateway]?.methods ?? ['card'];
    return {
      view: await this.view(session),
      config,
      sdk: { script: sdk.script, ...(sdk.integrity ? { integrity: sdk.integrity } : {}) },
      methods,
    };
  }

  /** The origins a session's hosted page must allow for its gateway's scripts and frames. */
  async sdkOrigins(session: PaymentSession) {
    const record = await this.connectionOf(session);
    return sdkFor(record.gateway, record)?.origins ?? { scripts: [], frames: [], connect: [] };
  }

  async findById(id: string): Promise<PaymentSession | null> {
    return this.sessions.findOneBy({ id });
  }

  /**
   * An order at the gateway for its own browser SDK to confirm (PayPal's card fields attach the
   * card to an order the merchant's side created; Stripe.js `confirmPayment` confirms a
   * PaymentIntent with its client secret): the session's amount and currency, no payment method,
   * so it holds no money until the browser confirms it. Each try gets a fresh one (a decline
   * is that try's failed payment); only an open session gets any.
   */
  async gatewayOrder(session: PaymentSession): Promise<{ id: string; clientSecret?: string }> {
    if (session.state === 'open' && this.expired(session)) throw expiredError(session);
    if (session.state !== 'open')
      throw new ApiError(409, {
        type: 'invalid_request_error',
        code: 'session_not_open',
        message: `payment session ${session.id} is not open for another payment (it is ${session.state})`,
      });
    const record = await this.connectionOf(session);
    const gateway = this.connections.gatewayFor(record);
    if (!canCreateBrowserOrders(gateway))
      throw ApiError.invalid(
        'id',
        `${gateway.displayName}'s browser fields need no order: confirm with the token they give`,
      );
    const connection = await this.connections.toGatewayConnection(record);
    const { outcome } = await this.invoker.invoke(
      'createBrowserOrder',
      { gateway: gateway.code, connection },
      () =>
        gateway.createBrowserOrder(connection, {
          amount: { amount: session.amount, currency: session.currency },
          reference: session.id,
          idempotencyKey: `payrail_${session.id}_order_${randomUUID()}`,
          ...(session.description ? { description: session.description } : {}),
        }),
    );
    if (!outcome.ok) throw outcome.error;
    return {
      id: outcome.value.reference,
      ...(outcome.value.clientSecret ? { clientSecret: outcome.value.clientSecret } : {}),
    };
  }

  /**
   * Confirms with the gateway's token, at most once: the first confirm claims the open session;
   * a repeat (a double click, a retry after a lost answer) gets where that one stands. Without a
   * token it goes on with a payment that waited on the customer (3-D Secure, approval).
   */
  async confirm(
    session: PaymentSession,
    token: string | undefined,
    context: AuditActorContext = SYSTEM_ACTOR,
  ): Promise<SessionView> {
    if (session.state === 'open') {
      if (this.expired(session)) throw expiredError(session);
      if (!token)
        throw ApiError.invalid('token', "token is required: what the gateway's browser fields produced");
      const tokenHash = sha256Hex(token);
      const claimed = await this.sessions
        .createQueryBuilder()
        .update(PaymentSession)
        .set({ state: 'processing', tokenHash, attempts: () => 'attempts + 1', updatedAt: this.clock.now() })
        .where('id = :id AND state = :open AND expires_at > :now', {
          id: session.id,
          open: 'open',
          now: this.clock.now(),
        })
        .execute();
      if (claimed.affected === 1)
        return this.pay({ ...session, state: 'processing', tokenHash } as PaymentSession, token, context);
      session = await this.sessions.findOneByOrFail({ id: session.id });
      if (session.state === 'open') throw expiredError(session);
    }
    if (session.state === 'processing' && session.paymentId) {
      const owner = ownerOf(session);
      const payment = await this.payments.get(owner, session.paymentId);
      if (payment.status === 'requires_action' || payment.status === 'authorized')
        await this.payments.resume(owner, payment.id, context);
      return this.settle(session);
    }
    return this.view(session);
  }

  private async pay(
    session: PaymentSession,
    token: string,
    context: AuditActorContext,
  ): Promise<SessionView> {
    const owner = ownerOf(session);
    let payment: Payment;
    try {
      payment = await this.payments.create(
        owner,
        {
          amount: session.amount,
          currency: session.currency,
          captureMethod: session.captureMethod,
          paymentMethod: { token },
          connectionId: session.connectionId,
          ...(session.customerEmail || session.customerName
            ? {
                customer: {
                  ...(session.customerEmail ? { email: session.customerEmail } : {}),
                  ...(session.customerName ? { name: session.customerName } : {}),
                },
              }
            : {}),
          ...(session.description ? { description: session.description } : {}),
          // The session's id (`payrail_session_id`) also tells a plugin which browser orders are this payment's.
          metadata: { ...(session.metadata ?? {}), [BROWSER_ORDER_REFERENCE]: session.id },
          returnUrl: `${this.options.publicUrl}/pay/${session.id}/return`,
        },
        context,
      );
    } catch (error) {
      if (error instanceof PaymentFailedError) {
        // The card was refused: nothing was charged, so the customer may try another.
        await this.sessions.update(
          { id: session.id, state: 'processing' },
          { state: 'open', paymentId: error.payment.id },
        );
        return this.view(await this.sessions.findOneByOrFail({ id: session.id }));
      }
      if (error instanceof ApiError && error.status < 500) {
        // Refused before any gateway call (a token the connection cannot use): the session stays open.
        await this.sessions.update({ id: session.id, state: 'processing' }, { state: 'open' });
        throw error;
      }
      // Anything else may have reached the gateway: the session stays claimed rather than risk a second charge.
      this.logger.error(`confirm of ${session.id} ended in doubt: ${(error as Error).message}`);
      throw error;
    }
    await this.sessions.update({ id: session.id }, { paymentId: payment.id });
    return this.settle(await this.sessions.findOneByOrFail({ id: session.id }));
  }

  /** Moves a claimed session on from its payment's status: complete, open again after a failure, or still waiting. */
  private async settle(session: PaymentSession): Promise<SessionView> {
    if (!session.paymentId) return this.view(session);
    const payment = await this.payments.get(ownerOf(session), session.paymentId);
    const done =
      COMPLETE.includes(payment.status) &&
      (payment.status !== 'authorized' || session.captureMethod === 'manual');
    if (done || payment.status === 'failed') {
      const moved = await this.sessions.update(
        { id: session.id, state: 'processing', paymentId: payment.id },
        { state: payment.status === 'failed' ? 'open' : 'complete' },
      );
      session = await this.sessions.findOneByOrFail({ id: session.id });
      // Only the request that completed the session sends the receipt: once, however many confirms raced.
      if (done && moved.affected === 1) this.sendReceipt(session, payment);
    }
    return this.view(session, payment);
  }

  /** The customer's receipt, when the session has their email and SMTP is configured; it never holds up the answer. */
  private sendReceipt(session: PaymentSession, payment: Payment): void {
    if (!session.customerEmail || !this.notifier?.email.configured) return;
    void this.notifier.sendEmail(receiptEmail(session, payment)).then((result) => {
      if (!result.ok) this.logger.warn(`receipt for ${session.id} not sent: ${result.error}`);
    });
  }

  private async view(session: PaymentSession, known?: Payment): Promise<SessionView> {
    const payment =
      known ??
      (session.paymentId
        ? await this.payments.get(ownerOf(session), session.paymentId).catch(() => null)
        : null);
    let status: PaymentSessionStatus;
    if (session.state === 'complete') status = 'complete';
    else if (session.state === 'open') status = this.expired(session) ? 'expired' : 'open';
    else status = payment?.status === 'requires_action' ? 'requires_action' : 'processing';
    const lastError =
      session.state === 'open' && payment?.status === 'failed'
        ? {
            code: payment.failureCode ?? 'card_declined',
            message: customerMessage(
              payment.failureCode,
              payment.failureGatewayCode,
              await this.knowledgeBaseLine(payment),
            ),
          }
        : null;
    return { session, status, payment, lastError };
  }

  /** The knowledge base's customer-facing line for the failure (the gateway code's article first), when one is composed. */
  private async knowledgeBaseLine(payment: Payment): Promise<string | null> {
    if (!this.articles) return null;
    const articles = await this.articles
      .forFailure(payment.failureCode, payment.gateway, payment.failureGatewayCode)
      .catch(() => []);
    return articles.find((a) => a.customer_message?.trim())?.customer_message ?? null;
  }

  private expired(session: PaymentSession): boolean {
    return session.expiresAt.getTime() <= this.clock.now().getTime();
  }

  private async connectionOf(session: PaymentSession): Promise<GatewayConnectionRecord> {
    const record = await this.connections.findById(session.connectionId);
    if (!record || !record.enabled)
      throw new ApiError(409, {
        type: 'invalid_request_error',
        code: 'connection_unavailable',
        message: "the session's connection is no longer available",
      });
    return record;
  }
}

function ownerOf(session: PaymentSession): SessionOwner {
  return { merchantId: session.merchantId, mode: session.mode };
}

function expiredError(session: PaymentSession): ApiError {
  return new ApiError(400, {
    type: 'invalid_request_error',
    code: 'session_expired',
    message: `payment session ${session.id} expired at ${session.expiresAt.toISOString()}`,
  });
}
