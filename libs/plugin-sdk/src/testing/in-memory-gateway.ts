import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable, Module, type DynamicModule } from '@nestjs/common';
import { fail, GatewayError, succeed, type GatewayErrorCode, type Outcome } from '../lib/errors';
import type {
  AuthorizeRequest,
  CaptureRequest,
  CaptureResult,
  CredentialCheck,
  GatewayConnection,
  GatewayPaymentSnapshot,
  GatewayWebhookEvent,
  HealthReport,
  PaymentGateway,
  RefundRequest,
  RefundResult,
  SyncRequest,
  TokenizeRequest,
  TokenizeResult,
  VoidRequest,
  WebhookRequest,
} from '../lib/gateway';
import type { SettlementPage, SettlementRequest } from '../lib/settlements';
import { InMemorySettlementLedger } from './in-memory-settlements';
import { luhnValid } from '../lib/cards';
import { RegisterGateway } from '../lib/plugin';
import { defineGateway, GATEWAY_DESCRIPTOR, type GatewayDescriptor } from '../lib/descriptor';
import { resolveEndpoint } from '../lib/endpoint';

const IN_MEMORY_ORIGINS = { test: 'https://test.memory.invalid', live: 'https://memory.invalid' };

/** Tokens that decline at authorization, by the taxonomy code they produce. */
export const IN_MEMORY_DECLINE_TOKENS: Readonly<Record<string, GatewayErrorCode>> = {
  tok_declined: 'card_declined',
  tok_insufficient_funds: 'insufficient_funds',
  tok_expired_card: 'expired_card',
  tok_incorrect_cvc: 'incorrect_cvc',
  tok_fraud: 'fraud_suspected',
  tok_processing_error: 'processing_error',
};

/** Authorizes at the gateway, then loses the answer: the caller sees a timeout. */
export const IN_MEMORY_TIMEOUT_TOKEN = 'tok_timeout';
export const IN_MEMORY_WEBHOOK_HEADER = 'x-memory-signature';

interface StoredPayment extends GatewayPaymentSnapshot {
  createdAt: Date;
}

/**
 * A gateway that lives in memory, for testing the core without a network. Keyed calls replay
 * like a real gateway's, and every call is counted so tests can prove a charge happened once.
 * The running app never registers it.
 */
@Injectable()
@RegisterGateway()
export class InMemoryGateway implements PaymentGateway {
  readonly code = 'memory';
  readonly displayName = 'In-memory test gateway';
  readonly version = '1.0.0';
  readonly fields = [
    { key: 'apiKey', label: 'API key', secret: true, required: true, pattern: '^mem_(test|live)_' },
    { key: 'webhookSecret', label: 'Webhook secret', secret: true, required: false },
  ] as const;
  readonly capabilities = {
    partialCapture: true,
    multipleCaptures: true,
    partialRefund: true,
    void: true,
    threeDSecure: false,
    tokenization: true,
    webhooks: true,
    settlementReports: true,
    currencies: '*' as const,
  };

  readonly payments = new Map<string, StoredPayment>();
  /** What the gateway reports as settled: a record per capture and refund; `settlements.payOut()` makes a payout. */
  readonly settlements = new InMemorySettlementLedger();
  /** Gateway-side operations actually performed (replays not counted), by operation name. */
  readonly performed: Record<string, number> = {};
  /** Every call received, replays included. */
  readonly received: Record<string, number> = {};
  /** Milliseconds each call waits before it is handled, to widen race windows in tests. */
  latencyMs = 0;
  private readonly answeredAfterTimeout = new Set<string>();
  private readonly replies = new Map<string, { fingerprint: string; reply: Promise<Outcome<unknown>> }>();

  reset(): void {
    this.payments.clear();
    this.settlements.clear();
    this.replies.clear();
    for (const key of Object.keys(this.performed)) delete this.performed[key];
    for (const key of Object.keys(this.received)) delete this.received[key];
    this.latencyMs = 0;
  }

  async tokenize(connection: GatewayConnection, request: TokenizeRequest): Promise<Outcome<TokenizeResult>> {
    return this.keyed(
      'tokenize',
      connection,
      request.idempotencyKey,
      request.card.number.slice(-4),
      async () => {
        const digits = request.card.number.replace(/\D/g, '');
        if (!luhnValid(digits) || digits.length < 13)
          return fail(new GatewayError('invalid_card_number', { gatewayCode: 'invalid_number' }));
        const expired = new Date(request.card.expYear, request.card.expMonth, 1) <= new Date();
        if (expired) return fail(new GatewayError('expired_card', { gatewayCode: 'expired_card' }));
        const token = digits === '4000000000000002' ? 'tok_declined' : `tok_ok_${randomUUID()}`;
        return succeed({
          token,
          card: {
            brand: digits.startsWith('4') ? 'visa' : 'unknown',
            last4: digits.slice(-4),
            expMonth: request.card.expMonth,
            expYear: request.card.expYear,
          },
        });
      },
    );
  }

  async authorize(
    connection: GatewayConnection,
    request: AuthorizeRequest,
  ): Promise<Outcome<GatewayPaymentSnapshot>> {
    const reply = this.keyed(
      'authorize',
      connection,
      request.idempotencyKey,
      JSON.stringify([request.amount, request.token]),
      async () => {
        const reference = `mem_${randomUUID()}`;
        const declined = IN_MEMORY_DECLINE_TOKENS[request.token];
        const payment: StoredPayment = {
          reference,
          status: declined ? 'failed' : 'authorized',
          currency: request.amount.currency,
          amountAuthorized: declined ? 0 : request.amount.amount,
          amountCapturable: declined ? 0 : request.amount.amount,
          amountCaptured: 0,
          amountRefunded: 0,
          captures: [],
          refunds: [],
          createdAt: new Date(),
        };
        this.payments.set(reference, payment);
        if (declined) return fail(new GatewayError(declined, { gatewayCode: request.token, reference }));
        return succeed(this.snapshot(payment));
      },
    );
    const outcome = await reply;
    // The first answer is lost on the way back; a retry with the same key gets the replay.
    if (request.token === IN_MEMORY_TIMEOUT_TOKEN && !this.answeredAfterTimeout.has(request.idempotencyKey)) {
      this.answeredAfterTimeout.add(request.idempotencyKey);
      return fail(new GatewayError('gateway_timeout', { detail: 'no answer within the timeout' }));
    }
    return outcome;
  }

  async capture(connection: GatewayConnection, request: CaptureRequest): Promise<Outcome<CaptureResult>> {
    return this.keyed(
      'capture',
      connection,
      request.idempotencyKey,
      JSON.stringify([request.reference, request.amount, request.final]),
      async () => {
        const payment = this.payments.get(request.reference);
        if (!payment)
          return fail(new GatewayError('invalid_request', { detail: `no payment ${request.reference}` }));
        if (
          payment.status === 'captured' ||
          payment.status === 'partially_refunded' ||
          payment.status === 'refunded'
        ) {
          return fail(new GatewayError('already_captured'));
        }
        if (payment.status !== 'authorized' && payment.status !== 'partially_captured') {
          return fail(new GatewayError('invalid_request', { detail: `payment is ${payment.status}` }));
        }
        if (request.amount.amount > payment.amountCapturable)
          return fail(new GatewayError('amount_too_large', { detail: 'more than capturable' }));
        const capture = {
          reference: `memcap_${randomUUID()}`,
          amount: request.amount.amount,
          attemptId: request.attemptId,
        };
        payment.captures.push(capture);
        this.settlements.charge(payment.reference, capture.reference, payment.currency, capture.amount);
        payment.amountCaptured += capture.amount;
        payment.amountCapturable = request.final ? 0 : payment.amountCapturable - capture.amount;
        payment.status = payment.amountCapturable > 0 ? 'partially_captured' : 'captured';
        return succeed({ snapshot: this.snapshot(payment), capture });
      },
    );
  }

  async void(connection: GatewayConnection, request: VoidRequest): Promise<Outcome<GatewayPaymentSnapshot>> {
    return this.keyed('void', connection, request.idempotencyKey, request.reference, async () => {
      const payment = this.payments.get(request.reference);
      if (!payment)
        return fail(new GatewayError('invalid_request', { detail: `no payment ${request.reference}` }));
      if (payment.status !== 'authorized') {
        return fail(
          new GatewayError(payment.amountCaptured > 0 ? 'already_captured' : 'invalid_request', {
            detail: `payment is ${payment.status}`,
          }),
        );
      }
      payment.status = 'voided';
      payment.amountCapturable = 0;
      return succeed(this.snapshot(payment));
    });
  }

  async refund(connection: GatewayConnection, request: RefundRequest): Promise<Outcome<RefundResult>> {
    return this.keyed(
      'refund',
      connection,
      request.idempotencyKey,
      JSON.stringify([request.reference, request.amount]),
      async () => {
        const payment = this.payments.get(request.reference);
        if (!payment)
          return fail(new GatewayError('invalid_request', { detail: `no payment ${request.reference}` }));
        const refundable = payment.amountCaptured - payment.amountRefunded;
        if (refundable <= 0)
          return fail(new GatewayError(payment.amountCaptured > 0 ? 'already_refunded' : 'invalid_request'));
        if (request.amount.amount > refundable)
          return fail(new GatewayError('amount_too_large', { detail: 'more than refundable' }));
        const refund = {
          reference: `memref_${randomUUID()}`,
          amount: request.amount.amount,
          status: 'succeeded' as const,
          attemptId: request.attemptId,
        };
        payment.refunds.push(refund);
        this.settlements.refund(payment.reference, refund.reference, payment.currency, refund.amount);
        payment.amountRefunded += refund.amount;
        payment.status =
          payment.amountRefunded === payment.amountCaptured && payment.amountCapturable === 0
            ? 'refunded'
            : 'partially_refunded';
        return succeed({ snapshot: this.snapshot(payment), refund });
      },
    );
  }

  async sync(_connection: GatewayConnection, request: SyncRequest): Promise<Outcome<GatewayPaymentSnapshot>> {
    this.count(this.received, 'sync');
    const payment = this.payments.get(request.reference);
    if (!payment)
      return fail(new GatewayError('invalid_request', { detail: `no payment ${request.reference}` }));
    return succeed(this.snapshot(payment));
  }

  /** Signs a webhook body the way `verifyWebhook` expects: hex HMAC-SHA256 of "t.body". */
  signWebhook(
    secret: string,
    body: string,
    timestamp = Math.floor(Date.now() / 1000),
  ): Record<string, string> {
    const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    return {
      [IN_MEMORY_WEBHOOK_HEADER]: `t=${timestamp},v1=${signature}`,
      'content-type': 'application/json',
    };
  }

  async verifyWebhook(
    connection: GatewayConnection,
    request: WebhookRequest,
  ): Promise<Outcome<GatewayWebhookEvent[]>> {
    const secret = connection.values['webhookSecret'];
    const header = request.headers[IN_MEMORY_WEBHOOK_HEADER] ?? '';
    const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
    const timestamp = Number(parts['t']);
    if (!secret || !parts['v1'] || !Number.isFinite(timestamp)) {
      return fail(
        new GatewayError('invalid_request', {
          param: 'signature',
          detail: 'missing or malformed signature header',
        }),
      );
    }
    const expected = createHmac('sha256', secret)
      .update(`${timestamp}.${request.rawBody.toString('utf8')}`)
      .digest();
    const given = Buffer.from(parts['v1'], 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return fail(
        new GatewayError('invalid_request', {
          param: 'signature',
          detail: 'signature does not match the body',
        }),
      );
    }
    if (Math.abs(Date.now() / 1000 - timestamp) > 300) {
      return fail(
        new GatewayError('invalid_request', {
          param: 'signature',
          detail: 'signature timestamp is outside the 300 s tolerance',
        }),
      );
    }
    const event = JSON.parse(request.rawBody.toString('utf8')) as {
      id: string;
      type: GatewayWebhookEvent['type'];
      reference: string;
      created: number;
    };
    const payment = this.payments.get(event.reference);
    return succeed([
      {
        id: event.id,
        type: event.type,
        gatewayType: event.type,
        reference: event.reference,
        occurredAt: new Date(event.created * 1000),
        snapshot: payment ? this.snapshot(payment) : undefined,
      },
    ]);
  }

  async listSettlements(
    _connection: GatewayConnection,
    request: SettlementRequest,
  ): Promise<Outcome<SettlementPage>> {
    this.count(this.received, 'listSettlements');
    return this.settlements.page(request);
  }

  async checkCredentials(connection: GatewayConnection): Promise<Outcome<CredentialCheck>> {
    try {
      resolveEndpoint(connection, IN_MEMORY_ORIGINS);
    } catch (error) {
      return fail(error as GatewayError);
    }
    const key = connection.values['apiKey'] ?? '';
    const match = /^mem_(test|live)_/.exec(key);
    if (!match)
      return succeed({
        valid: false,
        mode: connection.mode,
        problems: ['apiKey is not a mem_test_ or mem_live_ key'],
      });
    const mode = match[1] as 'test' | 'live';
    const problems =
      mode === connection.mode ? [] : [`apiKey is a ${mode} key on a ${connection.mode} connection`];
    return succeed({ valid: problems.length === 0, mode, problems, account: { id: 'acct_memory' } });
  }

  async healthCheck(): Promise<HealthReport> {
    return { healthy: true, latencyMs: 0 };
  }

  private snapshot(payment: StoredPayment): GatewayPaymentSnapshot {
    const { createdAt: _createdAt, ...rest } = payment;
    return structuredClone(rest);
  }

  private count(table: Record<string, number>, operation: string): void {
    table[operation] = (table[operation] ?? 0) + 1;
  }

  /** Keyed like a real gateway: the same key and request replay the first reply; another request with it fails. */
  private async keyed<T>(
    operation: string,
    connection: GatewayConnection,
    key: string,
    fingerprint: string,
    perform: () => Promise<Outcome<T>>,
  ): Promise<Outcome<T>> {
    this.count(this.received, operation);
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const scoped = `${connection.id}:${operation}:${key}`;
    const known = this.replies.get(scoped);
    if (known) {
      if (known.fingerprint !== fingerprint)
        return fail(
          new GatewayError('invalid_request', { detail: 'idempotency key reused with other parameters' }),
        );
      return known.reply as Promise<Outcome<T>>;
    }
    this.count(this.performed, operation);
    const reply = perform();
    this.replies.set(scoped, { fingerprint, reply });
    return reply;
  }
}

@Module({})
export class InMemoryGatewayPlugin {
  static forRoot(gateway = new InMemoryGateway()): DynamicModule {
    return {
      module: InMemoryGatewayPlugin,
      providers: [
        { provide: InMemoryGateway, useValue: gateway },
        // Described like any plugin, so the core treats it like one (its signature header is kept, say).
        { provide: GATEWAY_DESCRIPTOR, useValue: IN_MEMORY_GATEWAY_DESCRIPTOR },
      ],
      exports: [InMemoryGateway],
    };
  }
}

export const IN_MEMORY_GATEWAY_DESCRIPTOR: GatewayDescriptor = defineGateway({
  code: 'memory',
  displayName: 'In-memory test gateway',
  version: '1.0.0',
  sdk: { package: '@payrail/plugin-sdk', version: '1.0.0' },
  apiVersion: { value: '1' },
  plugin: () => InMemoryGatewayPlugin.forRoot(),
  secretPatterns: [],
  webhookSignatureHeaders: [IN_MEMORY_WEBHOOK_HEADER],
  sandbox: {
    defaultPort: 12199,
    connectionValues: { apiKey: 'mem_test_sandbox' },
    testCards: [
      { number: '4242424242424242', label: 'Visa 4242', outcome: 'succeeds' },
      { number: '4000000000000002', label: 'Visa 0002', outcome: 'declines (card_declined)' },
    ],
  },
});
