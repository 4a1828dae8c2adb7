import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThanOrEqual, Repository, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { AuditService, SYSTEM_ACTOR, type AuditActorContext } from '@payrail/audit';
import { newId, TransactionRunner } from '@payrail/database';
import { ConnectionService, type GatewayConnectionRecord } from '@payrail/gateways';
import {
  assertAmount,
  ERROR_TAXONOMY,
  GatewayError,
  MoneyError,
  normalizeCurrency,
  type CardDetails,
  type GatewayConnection,
  type GatewayPaymentSnapshot,
  type Outcome,
  type PaymentGateway,
} from '@payrail/plugin-sdk';
import { GatewayInvoker } from './gateway-invoker';
import { faultPoint } from './fault-injection';
import { PaymentChangeFeed } from './payment-changes';
import { IdempotencyService } from './idempotency.service';
import { PaymentAttempt, type AttemptOperation } from './entities/payment-attempt.entity';
import { PaymentEvent } from './entities/payment-event.entity';
import { Payment } from './entities/payment.entity';
import { Refund } from './entities/refund.entity';
import { ownerMerchant, ownerMode, ownerWhere, type PaymentOwner } from './payment-owner';
import { fromGatewayStatus, type PaymentStatus } from './payment-status';

export interface CreatePaymentInput {
  amount: number;
  currency: string;
  captureMethod: 'automatic' | 'manual';
  paymentMethod: { token: string } | { card: CardDetails };
  gateway?: string;
  connectionId?: string;
  customer?: { email?: string; name?: string };
  description?: string;
  metadata?: Record<string, string>;
}

export interface ListPaymentsFilter {
  status?: PaymentStatus;
  gateway?: string;
  createdGte?: Date;
  createdLt?: Date;
  limit: number;
  startingAfter?: string;
}

/** First recovery try this long after a call is left in doubt. */
export const FIRST_RECOVERY_DELAY_MS = 60_000;

/** Raised with the payment, so the API's error names the payment that keeps the timeline. */
export class PaymentFailedError extends ApiError {
  constructor(
    readonly payment: Payment,
    error: GatewayError,
  ) {
    super(error.httpStatus, {
      type:
        error.httpStatus === 402
          ? 'card_error'
          : error.code === 'invalid_request'
            ? 'invalid_request_error'
            : 'gateway_error',
      code: error.code,
      message: error.userMessage,
      gateway_code: error.gatewayCode,
      payment_id: payment.id,
      retryable: error.retryable,
      ...(error.param ? { param: error.param } : {}),
    });
  }
}

@Injectable()
export class PaymentsService {
  /** Payment and refund state changes, published in the transaction that makes them (the webhook outbox listens). */
  readonly changes = new PaymentChangeFeed();

  constructor(
    private readonly tx: TransactionRunner,
    private readonly connections: ConnectionService,
    private readonly invoker: GatewayInvoker,
    private readonly idempotency: IdempotencyService,
    private readonly audit: AuditService,
    @InjectRepository(Payment) private readonly payments: Repository<Payment>,
    @InjectRepository(PaymentEvent) private readonly events: Repository<PaymentEvent>,
    @InjectRepository(Refund) private readonly refunds: Repository<Refund>,
  ) {}

  // ---- reads ----

  async get(owner: PaymentOwner, id: string): Promise<Payment> {
    const payment = await this.payments.findOneBy({ id, ...ownerWhere(owner) });
    if (!payment) throw ApiError.notFound('payment', id);
    return payment;
  }

  async list(
    owner: PaymentOwner,
    filter: ListPaymentsFilter,
  ): Promise<{ data: Payment[]; hasMore: boolean }> {
    const where: FindOptionsWhere<Payment> = ownerWhere(owner);
    if (filter.status) where.status = filter.status;
    if (filter.gateway) where.gateway = filter.gateway;
    const qb = this.payments.createQueryBuilder('p').where(where);
    if (filter.createdGte) qb.andWhere('p.createdAt >= :gte', { gte: filter.createdGte });
    if (filter.createdLt) qb.andWhere('p.createdAt < :lt', { lt: filter.createdLt });
    if (filter.startingAfter) qb.andWhere('p.id < :after', { after: filter.startingAfter });
    const rows = await qb
      .orderBy('p.id', 'DESC')
      .take(filter.limit + 1)
      .getMany();
    return { data: rows.slice(0, filter.limit), hasMore: rows.length > filter.limit };
  }

  async timeline(owner: PaymentOwner, id: string): Promise<PaymentEvent[]> {
    await this.get(owner, id);
    return this.events.find({ where: { paymentId: id }, order: { id: 'ASC' } });
  }

  async listRefunds(owner: PaymentOwner, paymentId: string): Promise<Refund[]> {
    await this.get(owner, paymentId);
    return this.refunds.find({ where: { paymentId }, order: { id: 'ASC' } });
  }

  // ---- commands ----

  async create(
    owner: PaymentOwner,
    input: CreatePaymentInput,
    context: AuditActorContext = SYSTEM_ACTOR,
  ): Promise<Payment> {
    const currency = this.validMoney(input.amount, input.currency);
    const merchantId = ownerMerchant(owner);
    const record = await this.connections
      .resolve(merchantId, {
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
    const gateway = this.connections.gatewayFor(record);
    const currencies = gateway.capabilities.currencies;
    if (currencies !== '*' && !currencies.includes(currency)) {
      throw new ApiError(400, {
        type: 'invalid_request_error',
        code: 'currency_not_supported',
        message: `${gateway.displayName} does not support ${currency}`,
        param: 'currency',
      });
    }
    if ('card' in input.paymentMethod && !gateway.capabilities.tokenization) {
      throw ApiError.invalid(
        'payment_method.card',
        `${gateway.displayName} takes no raw card numbers from a server: send payment_method.token (a ${gateway.displayName} nonce or card id) instead`,
      );
    }
    const connection = await this.connections.toGatewayConnection(record);

    let payment = this.payments.create({
      id: newId('pay'),
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
      paymentMethodToken: 'token' in input.paymentMethod ? input.paymentMethod.token : null,
      cardBrand: null,
      cardLast4: 'card' in input.paymentMethod ? input.paymentMethod.card.number.slice(-4) : null,
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
    await this.tx.run(async (m) => {
      await m.save(payment);
      await this.addEvent(m, payment, {
        type: 'status_changed',
        toStatus: payment.status,
        message: `created on ${record.gateway} connection ${record.id}`,
      });
      await this.idempotency.attachResource(m, payment.id);
    });

    if ('card' in input.paymentMethod) {
      payment = await this.tokenize(payment, gateway, connection, input.paymentMethod.card, input.customer);
    }
    payment = await this.authorize(payment, gateway, connection, input);
    if (input.captureMethod === 'automatic' && payment.status === 'authorized') {
      payment = await this.capture(owner, payment.id, {}, context);
    }
    return payment;
  }

  async capture(
    owner: PaymentOwner,
    id: string,
    input: { amount?: number; final?: boolean },
    context: AuditActorContext = SYSTEM_ACTOR,
  ): Promise<Payment> {
    const payment = await this.get(owner, id);
    await this.idempotency.attachResource(undefined, payment.id);
    const record = await this.connectionOf(payment);
    const gateway = this.connections.gatewayFor(record);
    const amount = input.amount ?? payment.amountCapturable;
    const final = input.final ?? true;
    if (input.amount !== undefined) this.validMoney(input.amount, payment.currency, 'amount');
    if (!final && !gateway.capabilities.multipleCaptures) {
      throw ApiError.invalid(
        'final',
        `${gateway.displayName} allows one capture per payment: final must be true`,
      );
    }
    if (amount < payment.amountCapturable && !gateway.capabilities.partialCapture) {
      throw ApiError.invalid('amount', `${gateway.displayName} does not capture part of a payment`);
    }
    // Credentials are resolved before anything is claimed, so a broken env: reference leaves the payment as it was.
    const connection = await this.connections.toGatewayConnection(record);

    const attempt = await this.start(payment, 'capture', amount, { amount, final }, async (m) => {
      const claimed = await m
        .createQueryBuilder()
        .update(Payment)
        .set({ status: 'capturing', inFlight: 'capture', version: () => 'version + 1' })
        .where(
          'id = :id AND in_flight IS NULL AND status IN (:...from) AND amount_capturable >= :amount AND amount_capturable > 0',
          {
            id,
            from: ['authorized', 'partially_captured', 'partially_refunded'],
            amount,
          },
        )
        .execute();
      if (claimed.affected !== 1) throw await this.refusal(m, id, 'capture', amount);
      await this.addEvent(m, payment, {
        type: 'status_changed',
        fromStatus: payment.status,
        toStatus: 'capturing',
        message: `capture of ${amount}${final ? '' : ' (more to follow)'}`,
      });
    });
    const fresh = await this.get(owner, id);
    const { outcome, latencyMs } = await this.invoker.invoke('capture', connection.timeoutMs, () =>
      gateway.capture(connection, {
        reference: fresh.gatewayReference ?? '',
        attemptId: attempt.id,
        idempotencyKey: attempt.idempotencyKey,
        amount: { amount, currency: payment.currency },
        final,
      }),
    );
    // The gateway has acted; nothing is committed yet. A crash here is what recovery must settle.
    if (outcome.ok) faultPoint('after_gateway_capture');
    return this.finishCapture(
      fresh,
      attempt,
      outcome.ok ? { ok: true, value: outcome.value.snapshot } : outcome,
      latencyMs,
      payment.status,
      true,
      context,
    );
  }

  async void(owner: PaymentOwner, id: string, context: AuditActorContext = SYSTEM_ACTOR): Promise<Payment> {
    const payment = await this.get(owner, id);
    await this.idempotency.attachResource(undefined, payment.id);
    const record = await this.connectionOf(payment);
    const gateway = this.connections.gatewayFor(record);
    if (!gateway.capabilities.void)
      throw ApiError.invalid('id', `${gateway.displayName} does not void authorizations`);
    const connection = await this.connections.toGatewayConnection(record);
    const attempt = await this.start(payment, 'void', null, {}, async (m) => {
      const claimed = await m
        .createQueryBuilder()
        .update(Payment)
        .set({ inFlight: 'void', version: () => 'version + 1' })
        .where('id = :id AND in_flight IS NULL AND status IN (:...from)', {
          id,
          from: ['authorized', 'requires_action'],
        })
        .execute();
      if (claimed.affected !== 1) throw await this.refusal(m, id, 'void', 0);
    });
    const { outcome, latencyMs } = await this.invoker.invoke('void', connection.timeoutMs, () =>
      gateway.void(connection, {
        reference: payment.gatewayReference ?? '',
        attemptId: attempt.id,
        idempotencyKey: attempt.idempotencyKey,
      }),
    );
    return this.finishVoid(payment.id, attempt, outcome, latencyMs, true, context);
  }

  async refund(
    owner: PaymentOwner,
    id: string,
    input: { amount?: number; reason?: string },
    context: AuditActorContext = SYSTEM_ACTOR,
  ): Promise<Refund> {
    const payment = await this.get(owner, id);
    await this.idempotency.attachResource(undefined, payment.id);
    const record = await this.connectionOf(payment);
    const gateway = this.connections.gatewayFor(record);
    const amount =
      input.amount ?? payment.amountCaptured - payment.amountRefunded - payment.amountRefundPending;
    if (input.amount !== undefined) this.validMoney(input.amount, payment.currency, 'amount');
    if (amount > 0 && amount < payment.amountCaptured && !gateway.capabilities.partialRefund) {
      throw ApiError.invalid('amount', `${gateway.displayName} does not refund part of a payment`);
    }
    const connection = await this.connections.toGatewayConnection(record);
    const refund = this.refunds.create({
      id: newId('re'),
      paymentId: id,
      merchantId: payment.merchantId,
      amount,
      currency: payment.currency,
      status: 'pending',
      reason: input.reason ?? null,
      gatewayReference: null,
      failureCode: null,
      failureMessage: null,
    });
    const attempt = await this.start(
      payment,
      'refund',
      amount,
      { amount, refundId: refund.id },
      async (m) => {
        // The reservation makes concurrent refunds safe: none can take more than is left.
        const claimed = await m
          .createQueryBuilder()
          .update(Payment)
          .set({
            amountRefundPending: () => `amount_refund_pending + ${Number(amount)}`,
            version: () => 'version + 1',
          })
          .where(
            'id = :id AND status IN (:...from) AND amount_captured - amount_refunded - amount_refund_pending >= :amount AND :amount > 0',
            {
              id,
              from: ['captured', 'partially_captured', 'partially_refunded'],
              amount,
            },
          )
          .execute();
        if (claimed.affected !== 1) throw await this.refusal(m, id, 'refund', amount);
        await m.save(refund);
      },
      refund.id,
    );
    const fresh = await this.get(owner, id);
    const { outcome, latencyMs } = await this.invoker.invoke('refund', connection.timeoutMs, () =>
      gateway.refund(connection, {
        reference: fresh.gatewayReference ?? '',
        attemptId: attempt.id,
        idempotencyKey: attempt.idempotencyKey,
        amount: { amount, currency: payment.currency },
        reason: input.reason,
        captures: fresh.captures,
      }),
    );
    return this.finishRefund(
      id,
      refund.id,
      attempt,
      outcome.ok ? { ok: true, value: outcome.value.refund } : outcome,
      latencyMs,
      true,
      context,
    );
  }

  // ---- the steps of each command ----

  private async tokenize(
    payment: Payment,
    gateway: PaymentGateway,
    connection: GatewayConnection,
    card: CardDetails,
    customer?: CreatePaymentInput['customer'],
  ): Promise<Payment> {
    const attempt = await this.start(
      payment,
      'tokenize',
      null,
      { card: { last4: card.number.slice(-4), exp_month: card.expMonth, exp_year: card.expYear } },
      async () => undefined,
    );
    const { outcome, latencyMs } = await this.invoker.invoke('tokenize', connection.timeoutMs, () =>
      gateway.tokenize(connection, { card, customer, idempotencyKey: attempt.idempotencyKey }),
    );
    const result = await this.tx.run(async (m) => {
      const current = await this.lockPayment(m, payment.id);
      await this.recordCall(
        m,
        current,
        attempt,
        outcome.ok ? { ok: true } : { ok: false, error: outcome.error },
        latencyMs,
      );
      if (!outcome.ok) {
        // Nothing was charged: a card that cannot be tokenized fails the payment for good.
        await this.fail(
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
      return { payment: await m.save(current) };
    });
    return this.settle(result, true);
  }

  private async authorize(
    payment: Payment,
    gateway: PaymentGateway,
    connection: GatewayConnection,
    input: CreatePaymentInput,
  ): Promise<Payment> {
    const token = payment.paymentMethodToken as string;
    const attempt = await this.start(
      payment,
      'authorize',
      payment.amount,
      { token, amount: payment.amount, currency: payment.currency },
      async (m) => {
        await this.moveTo(m, payment, 'authorizing');
      },
    );
    const { outcome, latencyMs } = await this.invoker.invoke('authorize', connection.timeoutMs, () =>
      gateway.authorize(connection, {
        paymentId: payment.id,
        attemptId: attempt.id,
        idempotencyKey: attempt.idempotencyKey,
        amount: { amount: payment.amount, currency: payment.currency },
        token,
        customer: input.customer,
        description: input.description,
        metadata: input.metadata,
      }),
    );
    return this.finishAuthorize(payment.id, attempt, outcome, latencyMs);
  }

  /** Applies an authorization's outcome; used by the request and by recovery. */
  async finishAuthorize(
    paymentId: string,
    attempt: PaymentAttempt,
    outcome: Outcome<GatewayPaymentSnapshot>,
    latencyMs: number | null,
    throwOnFailure = true,
  ): Promise<Payment> {
    return this.tx
      .run(async (m) => {
        const payment = await this.lockPayment(m, paymentId);
        await this.recordCall(m, payment, attempt, outcome, latencyMs);
        if (outcome.ok) {
          await this.applySnapshot(m, payment, outcome.value);
          return { payment };
        }
        if (outcome.error.indeterminate) {
          if (outcome.error.reference) payment.gatewayReference = outcome.error.reference;
          await this.moveTo(m, payment, 'unknown', outcome.error.message);
          return { payment };
        }
        if (outcome.error.reference) payment.gatewayReference = outcome.error.reference;
        await this.fail(m, payment, outcome.error);
        return { payment, failure: outcome.error };
      })
      .then((result) => this.settle(result, throwOnFailure));
  }

  async finishCapture(
    payment: Payment,
    attempt: PaymentAttempt,
    outcome: Outcome<GatewayPaymentSnapshot>,
    latencyMs: number | null,
    previous: PaymentStatus,
    throwOnFailure = true,
    context: AuditActorContext = SYSTEM_ACTOR,
  ): Promise<Payment> {
    return this.tx
      .run(async (m) => {
        const current = await this.lockPayment(m, payment.id);
        await this.recordCall(m, current, attempt, outcome, latencyMs);
        if (outcome.ok) {
          current.inFlight = null;
          const before = current.amountCaptured;
          await this.applySnapshot(m, current, outcome.value, { keepRefunds: true });
          await this.auditMoney(m, context, 'payment.captured', current, attempt, {
            amount: current.amountCaptured - before,
            amountCaptured: current.amountCaptured,
            status: current.status,
          });
          return { payment: current };
        }
        if (outcome.error.indeterminate) {
          await this.moveTo(m, current, 'unknown', outcome.error.message);
          return { payment: current };
        }
        current.inFlight = null;
        await this.moveTo(
          m,
          current,
          previous === 'capturing' ? 'authorized' : previous,
          `capture failed: ${outcome.error.code}`,
        );
        await this.auditMoney(
          m,
          context,
          'payment.captured',
          current,
          attempt,
          { amount: attempt.amount, status: current.status },
          outcome.error,
        );
        return { payment: current, failure: outcome.error };
      })
      .then((result) => this.settle(result, throwOnFailure));
  }

  async finishVoid(
    paymentId: string,
    attempt: PaymentAttempt,
    outcome: Outcome<GatewayPaymentSnapshot>,
    latencyMs: number | null,
    throwOnFailure = true,
    context: AuditActorContext = SYSTEM_ACTOR,
  ): Promise<Payment> {
    return this.tx
      .run(async (m) => {
        const current = await this.lockPayment(m, paymentId);
        await this.recordCall(m, current, attempt, outcome, latencyMs);
        if (outcome.ok) {
          current.inFlight = null;
          await this.applySnapshot(m, current, outcome.value);
          await this.auditMoney(m, context, 'payment.voided', current, attempt, {
            amount: current.amount,
            status: current.status,
          });
          return { payment: current };
        }
        if (outcome.error.indeterminate) {
          await this.moveTo(m, current, 'unknown', outcome.error.message);
          return { payment: current };
        }
        current.inFlight = null;
        await m.save(current);
        await this.auditMoney(
          m,
          context,
          'payment.voided',
          current,
          attempt,
          { amount: current.amount, status: current.status },
          outcome.error,
        );
        return { payment: current, failure: outcome.error };
      })
      .then((result) => this.settle(result, throwOnFailure));
  }

  async finishRefund(
    paymentId: string,
    refundId: string,
    attempt: PaymentAttempt,
    outcome: Outcome<{ reference: string; status: 'pending' | 'succeeded' | 'failed' }>,
    latencyMs: number | null,
    throwOnFailure = true,
    context: AuditActorContext = SYSTEM_ACTOR,
  ): Promise<Refund> {
    const result = await this.tx.run(async (m) => {
      const payment = await this.lockPayment(m, paymentId);
      const refund = await m.findOneByOrFail(Refund, { id: refundId });
      await this.recordCall(m, payment, attempt, outcome, latencyMs);
      const before = refund.status;
      if (outcome.ok && outcome.value.status !== 'failed') {
        refund.status = 'succeeded';
        refund.gatewayReference = outcome.value.reference;
        payment.amountRefundPending -= refund.amount;
        payment.amountRefunded += refund.amount;
        const fully = payment.amountRefunded >= payment.amountCaptured && payment.amountCapturable === 0;
        await this.moveTo(m, payment, fully ? 'refunded' : 'partially_refunded');
      } else if (!outcome.ok && outcome.error.indeterminate) {
        refund.status = 'unknown';
      } else {
        const error = outcome.ok
          ? new GatewayError('processing_error', { detail: 'the gateway reported the refund failed' })
          : outcome.error;
        refund.status = 'failed';
        refund.failureCode = error.code;
        refund.failureMessage = error.userMessage;
        payment.amountRefundPending -= refund.amount;
        await m.save(payment);
      }
      await m.save(refund);
      if (refund.status === 'succeeded' || refund.status === 'failed') {
        const failure =
          refund.status === 'failed'
            ? outcome.ok
              ? new GatewayError('processing_error', { detail: 'the gateway reported the refund failed' })
              : outcome.error
            : undefined;
        await this.auditMoney(
          m,
          context,
          'payment.refunded',
          payment,
          attempt,
          {
            refundId: refund.id,
            amount: refund.amount,
            amountRefunded: payment.amountRefunded,
            status: payment.status,
          },
          failure,
        );
      }
      await this.addEvent(m, payment, {
        type: 'refund_changed',
        fromStatus: before,
        toStatus: refund.status,
        attemptId: attempt.id,
        data: { refund_id: refund.id, amount: refund.amount },
      });
      if (before !== refund.status)
        await this.changes.publish(m, { kind: 'refund', payment, refund, from: before, to: refund.status });
      return {
        payment,
        refund,
        failure: refund.status === 'failed' && !outcome.ok ? outcome.error : undefined,
      };
    });
    if (result.failure && throwOnFailure) this.throwFailure(result.payment, result.failure);
    return result.refund;
  }

  // ---- shared pieces ----

  /** One audit entry per money movement (or refused one), in the transaction that records it; calls still in doubt wait for recovery. */
  private auditMoney(
    m: EntityManager,
    context: AuditActorContext,
    action: 'payment.captured' | 'payment.voided' | 'payment.refunded',
    payment: Payment,
    attempt: PaymentAttempt,
    after: Record<string, unknown>,
    failure?: GatewayError,
  ) {
    return this.audit.record(
      {
        ...context,
        action,
        outcome: failure ? 'failure' : 'success',
        reason: failure ? `${failure.code}: ${failure.userMessage}` : null,
        merchantId: payment.merchantId,
        resource: { type: 'payment', id: payment.id },
        change: {
          after: {
            ...after,
            currency: payment.currency,
            gateway: payment.gateway,
            connectionId: payment.connectionId,
            attemptId: attempt.id,
          },
        },
      },
      m,
    );
  }

  /** Reads the payment for update: on PostgreSQL the row stays locked until the transaction ends. */
  async lockPayment(m: EntityManager, id: string): Promise<Payment> {
    return m.findOneOrFail(Payment, {
      where: { id },
      ...(this.tx.postgres ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  private validMoney(amount: number, currency: string, param = 'amount'): string {
    let code: string;
    try {
      code = normalizeCurrency(currency);
    } catch (error) {
      throw ApiError.invalid('currency', (error as Error).message);
    }
    try {
      assertAmount(amount, code);
    } catch (error) {
      if (error instanceof MoneyError) throw ApiError.invalid(param, error.message);
      throw error;
    }
    return code;
  }

  private async connectionOf(payment: Payment): Promise<GatewayConnectionRecord> {
    const record = await this.connections.findById(payment.connectionId);
    if (!record)
      throw new ApiError(409, {
        type: 'invalid_request_error',
        code: 'invalid_request',
        message: `the payment's connection ${payment.connectionId} no longer exists`,
      });
    return record;
  }

  /** Writes the attempt (and whatever the step claims) before the gateway is called, so its key survives a crash. */
  private async start(
    payment: Payment,
    operation: AttemptOperation,
    amount: number | null,
    request: Record<string, unknown>,
    claim: (m: EntityManager) => Promise<void>,
    refundId: string | null = null,
  ): Promise<PaymentAttempt> {
    return this.tx.run(async (m) => {
      await claim(m);
      const id = newId('att');
      const attempt = m.create(PaymentAttempt, {
        id,
        paymentId: payment.id,
        merchantId: payment.merchantId,
        operation,
        status: 'pending',
        idempotencyKey: `payrail_${id}`,
        amount,
        refundId,
        request,
        errorCode: null,
        errorMessage: null,
        gatewayCode: null,
        gatewayRequestId: null,
        latencyMs: null,
        finishedAt: null,
        recoveryTries: 0,
        nextRecoveryAt: new Date(Date.now() + FIRST_RECOVERY_DELAY_MS),
      });
      await m.save(attempt);
      return attempt;
    });
  }

  private async recordCall(
    m: EntityManager,
    payment: Payment,
    attempt: PaymentAttempt,
    outcome: { ok: true } | { ok: false; error: GatewayError },
    latencyMs: number | null,
  ): Promise<void> {
    const error = outcome.ok ? null : outcome.error;
    attempt.status = outcome.ok ? 'succeeded' : error?.indeterminate ? 'unknown' : 'failed';
    attempt.errorCode = error?.code ?? null;
    attempt.errorMessage = error?.message.slice(0, 500) ?? null;
    attempt.gatewayCode = error?.gatewayCode ?? null;
    attempt.gatewayRequestId = error?.gatewayRequestId ?? null;
    attempt.latencyMs = latencyMs ?? attempt.latencyMs;
    attempt.finishedAt = attempt.status === 'unknown' ? null : new Date();
    if (attempt.status !== 'unknown') attempt.nextRecoveryAt = null;
    await m.save(attempt);
    await this.addEvent(m, payment, {
      type: 'gateway_call',
      operation: attempt.operation,
      attemptId: attempt.id,
      outcome: attempt.status,
      latencyMs,
      errorCode: error?.code ?? null,
      message: error
        ? (error.userMessage === error.message
            ? error.userMessage
            : `${error.userMessage} (${error.message})`
          ).slice(0, 500)
        : null,
      data: error?.gatewayCode
        ? { gateway_code: error.gatewayCode, gateway_request_id: error.gatewayRequestId ?? null }
        : null,
    });
  }

  /** Takes the gateway's view of the payment as the truth. */
  async applySnapshot(
    m: EntityManager,
    payment: Payment,
    snapshot: GatewayPaymentSnapshot,
    options: { keepRefunds?: boolean } = {},
  ): Promise<void> {
    payment.gatewayReference = snapshot.reference || payment.gatewayReference;
    payment.amountCapturable = snapshot.amountCapturable;
    payment.amountCaptured = snapshot.amountCaptured;
    if (!options.keepRefunds)
      payment.amountRefunded = Math.max(payment.amountRefunded, snapshot.amountRefunded);
    payment.captures = snapshot.captures;
    payment.nextAction = snapshot.nextAction ?? null;
    if (snapshot.card?.brand) payment.cardBrand = snapshot.card.brand;
    if (snapshot.card?.last4) payment.cardLast4 = snapshot.card.last4;
    if (snapshot.failure) {
      payment.failureCode = snapshot.failure.code;
      payment.failureMessage = snapshot.failure.message;
      payment.failureGatewayCode = snapshot.failure.gatewayCode ?? null;
    }
    let status = fromGatewayStatus(snapshot.status);
    if (status === 'authorizing') status = 'unknown';
    await this.moveTo(m, payment, status);
  }

  private async fail(m: EntityManager, payment: Payment, error: GatewayError): Promise<void> {
    payment.failureCode = error.code;
    payment.failureMessage = error.userMessage;
    payment.failureGatewayCode = error.gatewayCode ?? null;
    payment.amountCapturable = 0;
    payment.inFlight = null;
    await this.moveTo(m, payment, 'failed', error.userMessage);
  }

  async moveTo(m: EntityManager, payment: Payment, status: PaymentStatus, message?: string): Promise<void> {
    const from = payment.status;
    payment.status = status;
    await m.save(payment);
    if (from !== status) {
      await this.addEvent(m, payment, {
        type: 'status_changed',
        fromStatus: from,
        toStatus: status,
        message: message ?? null,
      });
      await this.changes.publish(m, { kind: 'payment', payment, from, to: status });
    }
  }

  async addEvent(m: EntityManager, payment: Payment, event: Partial<PaymentEvent>): Promise<void> {
    await m.insert(PaymentEvent, {
      id: newId('pev'),
      paymentId: payment.id,
      fromStatus: null,
      toStatus: null,
      operation: null,
      attemptId: null,
      outcome: null,
      latencyMs: null,
      errorCode: null,
      message: null,
      data: null,
      ...event,
    } as unknown as Parameters<EntityManager['insert']>[1]);
  }

  /** Failures are recorded first, in their own transaction, and only then raised to the caller. */
  private settle(result: { payment: Payment; failure?: GatewayError }, throwOnFailure: boolean): Payment {
    if (result.failure && throwOnFailure) this.throwFailure(result.payment, result.failure);
    return result.payment;
  }

  private throwFailure(payment: Payment, error: GatewayError): never {
    throw new PaymentFailedError(payment, error);
  }

  /** Why a step was refused, in the taxonomy, after its conditional update matched nothing. */
  private async refusal(
    m: EntityManager,
    id: string,
    operation: 'capture' | 'void' | 'refund',
    amount: number,
  ): Promise<ApiError> {
    // Read on the transaction's own connection: it may hold the row lock others wait for.
    const p = await m.findOneByOrFail(Payment, { id });
    const conflict = (code: string, message: string) =>
      new ApiError(409, { type: 'invalid_request_error', code, message, payment_id: p.id });
    if (p.inFlight || p.status === 'capturing' || p.status === 'authorizing' || p.status === 'unknown') {
      return conflict(
        'payment_in_flight',
        `another operation on payment ${p.id} is under way or in doubt (status ${p.status}); retry shortly`,
      );
    }
    if (operation === 'capture') {
      if (['captured', 'partially_refunded', 'refunded'].includes(p.status) && p.amountCapturable === 0)
        return conflict('already_captured', ERROR_TAXONOMY.already_captured.message);
      if (p.amountCapturable > 0 && amount > p.amountCapturable)
        return ApiError.invalid(
          'amount',
          `amount ${amount} exceeds the capturable amount ${p.amountCapturable}`,
        );
      return conflict('invalid_request', `payment ${p.id} is ${p.status} and cannot be captured`);
    }
    if (operation === 'void') {
      if (['captured', 'partially_captured', 'partially_refunded', 'refunded'].includes(p.status))
        return conflict('already_captured', `payment ${p.id} is ${p.status}: refund it instead of voiding`);
      return conflict('invalid_request', `payment ${p.id} is ${p.status} and cannot be voided`);
    }
    const left = p.amountCaptured - p.amountRefunded - p.amountRefundPending;
    if (p.status === 'refunded' || (p.amountCaptured > 0 && p.amountCaptured === p.amountRefunded))
      return conflict('already_refunded', ERROR_TAXONOMY.already_refunded.message);
    if (p.amountCaptured === 0)
      return conflict(
        'invalid_request',
        `payment ${p.id} is ${p.status}: nothing has been captured to refund`,
      );
    if (amount <= 0) return ApiError.invalid('amount', 'nothing is left to refund');
    return ApiError.invalid('amount', `amount ${amount} exceeds what is left to refund (${left})`);
  }

  /** For the recovery routine. */
  repositoryFor(): { payments: Repository<Payment> } {
    return { payments: this.payments };
  }

  static readonly OLDER_THAN = (ms: number) => LessThan(new Date(Date.now() - ms));
  static readonly SINCE = (date: Date) => MoreThanOrEqual(date);
}
