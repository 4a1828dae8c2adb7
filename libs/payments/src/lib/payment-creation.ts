import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { SYSTEM_ACTOR } from '@payrail/audit';
import { insertRow, newId, TransactionRunner } from '@payrail/database';
import { ConnectionService, type GatewayConnectionRecord } from '@payrail/gateways';
import {
  GatewayError,
  type AuthorizeRequest,
  type CardDetails,
  type GatewayConnection,
  type PaymentGateway,
} from '@payrail/plugin-sdk';
import { AttemptRunner } from './attempt-runner';
import { Payment } from './entities/payment.entity';
import { IdempotencyService, type RequestKey } from './idempotency.service';
import { PaymentCaptures } from './payment-captures';
import { PaymentFailedError } from './payment-errors';
import { validMoney } from './payment-inputs';
import { PaymentLedger } from './payment-ledger';
import { PaymentOutcomes } from './payment-outcomes';
import { PaymentTimeline } from './payment-timeline';
import { GatewayInvoker } from './gateway-invoker';
import { ownerMerchant, ownerMode, type PaymentOwner } from './payment-owner';
import type { RequestContext } from './request-context';
import { FailedOver, PaymentFailover } from './routing/payment-failover';
import { brandOfCard, canFailOver, PaymentRouting, type RoutePlan } from './routing/payment-routing';
import { CustomersService, type SavedMethodForPayment } from './customers/customers.service';

/** A saved card lives on one connection: a payment routed anywhere else cannot use it. */
function checkSavedConnection(saved: SavedMethodForPayment, record: GatewayConnectionRecord): void {
  if (record.id === saved.method.connectionId) return;
  throw ApiError.invalid(
    'payment_method_id',
    `saved payment method ${saved.method.id} is saved on ${saved.method.gateway} connection ${saved.method.connectionId}; this payment would go to ${record.gateway} connection ${record.id}`,
    'payment_method_connection_mismatch',
  );
}

/** Writes a new payment in the transaction of its first attempt, once: until that transaction commits. */
interface FirstCommit {
  write: (m: EntityManager) => Promise<void>;
  committed: () => void;
  /** The merchant request's key, stored in the same transaction. */
  requestKey: RequestKey | undefined;
}

export interface CreatePaymentInput {
  amount: number;
  currency: string;
  captureMethod: 'automatic' | 'manual';
  /** A gateway token, a raw card, or a card saved for one of the merchant's customers. */
  paymentMethod:
    { token: string } | { card: CardDetails } | { saved: { customerId: string; methodId: string } };
  /** A merchant-initiated charge of a saved card, the customer absent (sent with stored-credential flags). */
  offSession?: boolean;
  gateway?: string;
  connectionId?: string;
  customer?: { email?: string; name?: string };
  description?: string;
  metadata?: Record<string, string>;
  /** Where a 3-D Secure challenge or a buyer approval sends the customer back to. */
  returnUrl?: string;
}

/** A new payment: checked against its connection, stored, tokenized if given a card, authorized, captured if automatic. */
@Injectable()
export class PaymentCreation {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly connections: ConnectionService,
    private readonly runner: AttemptRunner,
    private readonly invoker: GatewayInvoker,
    private readonly outcomes: PaymentOutcomes,
    private readonly ledger: PaymentLedger,
    private readonly timeline: PaymentTimeline,
    private readonly captures: PaymentCaptures,
    private readonly idempotency: IdempotencyService,
    private readonly routing: PaymentRouting,
    private readonly failover: PaymentFailover,
    private readonly customers: CustomersService,
    @InjectRepository(Payment) private readonly payments: Repository<Payment>,
  ) {}

  async create(
    owner: PaymentOwner,
    input: CreatePaymentInput,
    context: RequestContext = SYSTEM_ACTOR,
  ): Promise<Payment> {
    const currency = validMoney(input.amount, input.currency);
    const merchantId = ownerMerchant(owner);
    const saved = await this.savedMethodFor(owner, input);
    // A saved card is bound to its connection: routing rules never move it.
    const route = saved ? null : await this.route(owner, input, currency);
    // A saved card goes to its own connection unless the request routes elsewhere (then it is refused).
    let record =
      route?.candidates[0] ??
      (await this.connectionFor(
        owner,
        saved && !input.connectionId && !input.gateway ? { connectionId: saved.method.connectionId } : input,
      ));
    if (saved) checkSavedConnection(saved, record);
    let gateway = this.connections.gatewayFor(record);
    const currencies = gateway.capabilities.currencies;
    if (currencies !== '*' && !currencies.includes(currency)) {
      throw new ApiError(400, {
        type: 'invalid_request_error',
        code: 'currency_not_supported',
        message: `${gateway.displayName} does not support ${currency}`,
        param: 'currency',
      });
    }
    const maxAmount = gateway.capabilities.maxAmount;
    if (maxAmount !== undefined && input.amount > maxAmount)
      throw ApiError.invalid(
        'amount',
        `${gateway.displayName} takes at most ${maxAmount} minor units in one payment`,
        'amount_too_large',
      );
    if ('card' in input.paymentMethod && !gateway.capabilities.tokenization) {
      throw ApiError.invalid(
        'payment_method.card',
        `${gateway.displayName} takes no raw card numbers from a server: send payment_method.token (a ${gateway.displayName} nonce or card id) instead`,
      );
    }
    let connection = await this.connections.toGatewayConnection(record);

    const now = new Date();
    let payment = this.payments.create({
      id: newId('pay'),
      createdAt: now,
      updatedAt: now,
      version: 1,
      merchantId,
      connectionId: record.id,
      gateway: record.gateway,
      mode: record.mode,
      status: 'requires_payment_method',
      amount: input.amount,
      currency,
      amountCapturable: 0,
      amountCaptured: 0,
      amountRefunded: 0,
      amountRefundPending: 0,
      captureMethod: input.captureMethod,
      gatewayReference: null,
      paymentMethodToken:
        'token' in input.paymentMethod ? input.paymentMethod.token : (saved?.method.gatewayReference ?? null),
      cardBrand: saved?.method.cardBrand ?? null,
      cardLast4:
        'card' in input.paymentMethod
          ? input.paymentMethod.card.number.slice(-4)
          : (saved?.method.cardLast4 ?? null),
      customerId: saved?.customer.id ?? null,
      savedPaymentMethodId: saved?.method.id ?? null,
      customerEmail: input.customer?.email ?? null,
      customerName: input.customer?.name ?? null,
      description: input.description ?? null,
      metadata: input.metadata ?? null,
      failureCode: null,
      failureMessage: null,
      failureGatewayCode: null,
      nextAction: null,
      captures: [],
      inFlight: null,
      needsReview: false,
    });
    // The payment is written in the transaction of its first gateway attempt (tokenize or
    // authorize), with its first timeline events and the key's link to it: one commit before the call.
    const create = async (m: EntityManager) => {
      await insertRow(m, Payment, payment as never);
      await this.timeline.add(m, payment, {
        type: 'status_changed',
        toStatus: payment.status,
        message: `created on ${record.gateway} connection ${record.id}`,
      });
      if (route) await this.timeline.add(m, payment, routingEvent(route));
      await this.idempotency.attachResource(context.requestKey, m, payment.id);
    };
    const first = { committed: false };
    const created: FirstCommit = {
      write: async (m) => {
        if (!first.committed) await create(m);
      },
      committed: () => {
        first.committed = true;
      },
      requestKey: context.requestKey,
    };

    const savedMethod = saved
      ? { customerReference: saved.customerReference, offSession: input.offSession ?? false }
      : undefined;
    // Each refusal that certainly took no effect moves the payment to the next candidate.
    let next = route?.candidates.slice(1) ?? [];
    for (;;) {
      try {
        if ('card' in input.paymentMethod)
          payment = await this.tokenize(
            payment,
            gateway,
            connection,
            input.paymentMethod.card,
            input.customer,
            next[0],
            created,
          );
        payment = await this.authorize(payment, gateway, connection, input, savedMethod, next[0], created);
        break;
      } catch (error) {
        // A first commit that failed wrote nothing: the key names no payment.
        if (!first.committed) this.idempotency.detachResource(context.requestKey);
        if (error instanceof PaymentFailedError && route) throw explainNoFailover(error, route);
        if (!(error instanceof FailedOver)) throw error;
        payment = error.payment;
        record = next[0];
        next = next.slice(1);
        gateway = this.connections.gatewayFor(record);
        connection = await this.connections.toGatewayConnection(record);
      }
    }
    if (input.captureMethod === 'automatic' && payment.status === 'authorized') {
      payment = await this.captures.capture(owner, payment.id, {}, context);
    }
    return payment;
  }

  /** The merchant's routing rules, for a payment that names neither a gateway nor a connection. */
  private async route(
    owner: PaymentOwner,
    input: CreatePaymentInput,
    currency: string,
  ): Promise<RoutePlan | null> {
    if (input.connectionId || input.gateway) return null;
    const card = 'card' in input.paymentMethod ? input.paymentMethod.card : undefined;
    const plan = await this.routing.plan(ownerMerchant(owner), {
      amount: input.amount,
      currency,
      mode: ownerMode(owner) ?? 'test',
      cardBrand: brandOfCard(card?.number),
      metadata: input.metadata,
      paymentMethod: card ? 'card' : 'token',
    });
    if (!plan || plan.ruleId === null) return null;
    if (plan.candidates.length === 0)
      throw new ApiError(409, {
        type: 'invalid_request_error',
        code: 'no_route',
        message:
          `${plan.reason}: ${plan.skipped.map((s) => `${s.connection_id}: ${s.reason}`).join('; ')}`.slice(
            0,
            1000,
          ),
      });
    return plan;
  }

  /**
   * The connection a payment with these parameters goes to (by id, gateway or the merchant's
   * default, in the owner's mode); refusals name the parameter. Payment sessions pick theirs here too.
   */
  connectionFor(
    owner: PaymentOwner,
    input: Pick<CreatePaymentInput, 'connectionId' | 'gateway'>,
  ): Promise<GatewayConnectionRecord> {
    return this.connections
      .resolve(ownerMerchant(owner), {
        connectionId: input.connectionId,
        gateway: input.gateway,
        mode: ownerMode(owner),
      })
      .catch((error: Error & { param?: string; status?: number }) => {
        if (error instanceof ApiError) throw error;
        if (error.param)
          throw new ApiError(error.status ?? 400, {
            type: 'invalid_request_error',
            code: error.status === 404 ? 'resource_missing' : 'parameter_invalid',
            message: error.message,
            param: error.param,
          });
        throw error;
      });
  }

  /** Raw card data is sent once and never stored; only its last four digits stay with the attempt. */
  private async tokenize(
    payment: Payment,
    gateway: PaymentGateway,
    connection: GatewayConnection,
    card: CardDetails,
    customer: CreatePaymentInput['customer'],
    next: GatewayConnectionRecord | undefined,
    created: FirstCommit,
  ): Promise<Payment> {
    const attempt = await this.runner.begin({
      operation: 'tokenize',
      claim: created.write,
      committed: created.committed,
      requestKey: created.requestKey,
      payment,
      amount: null,
      request: { card: { last4: card.number.slice(-4), exp_month: card.expMonth, exp_year: card.expYear } },
    });
    const { outcome, latencyMs } = await this.invoker.invoke(
      'tokenize',
      { gateway: gateway.code, connection },
      () => gateway.tokenize(connection, { card, customer, idempotencyKey: attempt.idempotencyKey }),
    );
    const result = await this.tx.lazy(async (m) => {
      const current = await this.ledger.lock(m, payment.id);
      await this.timeline.recordCall(
        m,
        current,
        attempt,
        outcome.ok ? { ok: true } : { ok: false, error: outcome.error },
        latencyMs,
      );
      if (!outcome.ok && next && canFailOver(outcome.error))
        return {
          payment: await this.failover.moveIn(m, current, attempt, outcome.error, next),
          failure: undefined,
          moved: true,
        };
      if (!outcome.ok) {
        // Nothing was charged: a card that cannot be tokenized fails the payment for good.
        await this.ledger.fail(
          m,
          current,
          outcome.error.indeterminate
            ? new GatewayError('processing_error', { detail: outcome.error.message })
            : outcome.error,
        );
        return { payment: current, failure: outcome.error };
      }
      current.paymentMethodToken = outcome.value.token;
      current.cardBrand = outcome.value.card?.brand ?? null;
      current.cardLast4 = outcome.value.card?.last4 ?? current.cardLast4;
      await this.ledger.write(m, current);
      return { payment: current, failure: undefined };
    });
    if (result.failure) throw new PaymentFailedError(result.payment, result.failure);
    if ('moved' in result) throw new FailedOver(result.payment);
    return result.payment;
  }

  /** The saved card a payment names (`customer_id` + `payment_method_id`), checked; none for a token or card. */
  private async savedMethodFor(
    owner: PaymentOwner,
    input: CreatePaymentInput,
  ): Promise<SavedMethodForPayment | undefined> {
    if (!('saved' in input.paymentMethod)) {
      if (input.offSession)
        throw ApiError.invalid(
          'off_session',
          'off_session needs a saved card: send customer_id and payment_method_id',
        );
      return undefined;
    }
    const { customerId, methodId } = input.paymentMethod.saved;
    return this.customers.forPayment(owner, customerId, methodId);
  }

  private authorize(
    payment: Payment,
    gateway: PaymentGateway,
    connection: GatewayConnection,
    input: CreatePaymentInput,
    savedMethod: AuthorizeRequest['savedMethod'] | undefined,
    next: GatewayConnectionRecord | undefined,
    created: FirstCommit,
  ): Promise<Payment> {
    return this.runner.run(
      {
        operation: 'authorize',
        payment,
        amount: payment.amount,
        request: {
          token: payment.paymentMethodToken as string,
          amount: payment.amount,
          currency: payment.currency,
          ...(input.customer ? { customer: input.customer } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(input.metadata ? { metadata: input.metadata } : {}),
          ...(input.returnUrl ? { returnUrl: input.returnUrl } : {}),
          ...(savedMethod ? { savedMethod } : {}),
        },
        claim: (m) =>
          this.timeline.batch(m, async () => {
            await created.write(m);
            await this.ledger.moveTo(m, payment, 'authorizing');
          }),
        committed: created.committed,
        requestKey: created.requestKey,
      },
      gateway,
      connection,
      async (attempt, { outcome, latencyMs }) => {
        if (!outcome.ok && next && canFailOver(outcome.error))
          throw new FailedOver(await this.failover.move(payment.id, attempt, outcome.error, latencyMs, next));
        // An automatic capture that follows answers the request instead.
        return this.outcomes.authorize(payment.id, attempt, outcome, {
          latencyMs,
          raise: true,
          answer: input.captureMethod !== 'automatic',
          requestKey: created.requestKey,
        });
      },
    );
  }
}

/** The routing decision as the payment's first timeline event after its creation. */
function routingEvent(route: RoutePlan) {
  return {
    type: 'routing' as const,
    message: [route.reason, ...route.skipped.map((s) => `skipped ${s.connection_id}: ${s.reason}`)]
      .join('; ')
      .slice(0, 500),
    data: {
      decision: 'route',
      rule_id: route.ruleId,
      connection_ids: route.candidates.map((c) => c.id),
      skipped: route.skipped,
      rules: route.verdicts,
    },
  };
}

/** A payment that failed where failover was possible but its token could not move: the error says why. */
function explainNoFailover(error: PaymentFailedError, route: RoutePlan): PaymentFailedError {
  const bound = route.skipped.filter((s) => s.reason.startsWith('payment_method.token'));
  if (bound.length === 0 || error.body.code !== 'gateway_unavailable') return error;
  const note = `; no failover: ${bound.map((s) => `${s.connection_id} (${s.reason})`).join(', ')}; send a card to let another gateway take it`;
  return Object.assign(error, {
    body: { ...error.body, message: `${error.body.message}${note}`.slice(0, 1000) },
  });
}
