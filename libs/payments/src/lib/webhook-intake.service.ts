import { Injectable, Logger, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Counter, register } from 'prom-client';
import { Repository, type EntityManager } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { AuditService } from '@payrail/audit';
import { findRowBy, SystemErrors, TransactionRunner } from '@payrail/database';
import { ConnectionService, type GatewayConnectionRecord } from '@payrail/gateways';
import type { GatewayPaymentSnapshot, GatewayWebhookEvent, WebhookEventType } from '@payrail/plugin-sdk';
import { CustomersService } from './customers/customers.service';
import { DisputesService } from './disputes/disputes.service';
import { Payment } from './entities/payment.entity';
import { OutcomesInFlight } from './outcomes-in-flight';
import { PaymentLedger } from './payment-ledger';
import {
  canTransition,
  fromGatewayStatus,
  IN_FLIGHT_STATUSES,
  statusRank,
  TRANSITIONS,
  type PaymentStatus,
} from './payment-status';
import { PaymentTimeline } from './payment-timeline';

export interface WebhookResult {
  received: number;
  /** Events applied now (direct intake) or stored for a job to apply (with an inbox). */
  accepted: number;
  /** Events the inbox already had (a gateway's redelivery). */
  duplicates: number;
}

/** What applying one event did to its payment. */
export interface WebhookEffect {
  outcome: 'applied' | 'ignored' | 'no_payment' | 'no_state';
  paymentId: string | null;
  fromStatus: PaymentStatus | null;
  toStatus: PaymentStatus | null;
  message: string;
}

/** Where verified events go instead of being applied at once: the webhooks library's inbox. */
export interface WebhookInbox {
  store(
    record: GatewayConnectionRecord,
    events: GatewayWebhookEvent[],
    request: { rawBody: Buffer; headers: Record<string, string | undefined> },
  ): Promise<WebhookResult>;
}

export interface WebhookOrigin {
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

/** The status an event of each type announces. */
const ANNOUNCED: Partial<Record<WebhookEventType, PaymentStatus>> = {
  'payment.authorized': 'authorized',
  'payment.captured': 'captured',
  'payment.voided': 'voided',
  'payment.failed': 'failed',
};

/**
 * Whether an event that carries no state can change a payment in `status` at all: not when the
 * payment is final, nor when it has settled at or past the status the event announces (statuses
 * only move forward). Such an event is recorded as ignored without asking the gateway.
 */
export function changesNothing(status: PaymentStatus, type: WebhookEventType): boolean {
  if (TRANSITIONS[status].length === 0) return true;
  const announced = ANNOUNCED[type];
  return (
    announced !== undefined &&
    !IN_FLIGHT_STATUSES.includes(status) &&
    statusRank(status) >= statusRank(announced)
  );
}

/** Only forward, and only along the state machine: a stale or contradictory state changes nothing. */
function movesForward(status: PaymentStatus, snapshot: GatewayPaymentSnapshot): boolean {
  const next = fromGatewayStatus(snapshot.status);
  return (
    next !== 'authorizing' &&
    canTransition(status, next) &&
    (status === 'unknown' || statusRank(next) > statusRank(status))
  );
}

/**
 * What deciding an event on receipt reads of its payment: an ignored event's timeline row and
 * effect need no more, and a full row is several times the cost of these two columns.
 */
const BRIEF = ['id', 'status'] as const;

function ignoredEffect(payment: Pick<Payment, 'id' | 'status'>, event: GatewayWebhookEvent): WebhookEffect {
  return {
    outcome: 'ignored',
    paymentId: payment.id,
    fromStatus: payment.status,
    toStatus: payment.status,
    message: `${event.gatewayType} (${event.id}): ignored, the payment is already ${payment.status}`,
  };
}

function webhookRow(effect: WebhookEffect, event: GatewayWebhookEvent) {
  return {
    type: 'webhook' as const,
    outcome: effect.outcome,
    message: effect.message,
    data: { gateway_event_id: event.id, gateway_event_type: event.gatewayType },
  };
}

const signatureFailures =
  (register.getSingleMetric('payrail_webhook_signature_failures_total') as Counter<'gateway'> | undefined) ??
  new Counter({
    name: 'payrail_webhook_signature_failures_total',
    help: 'Inbound gateway webhooks refused for a bad or stale signature',
    labelNames: ['gateway'],
  });

/**
 * Verifies a gateway's webhook with its plugin, hands the events to the inbox (or, without one,
 * applies them at once), and applies an event to its payment: only forward (a late, older event
 * never moves a payment backwards), and an in-doubt payment takes the gateway's word.
 */
@Injectable()
export class WebhookIntakeService {
  private readonly logger = new Logger('Webhooks');
  private inbox: WebhookInbox | null = null;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly connections: ConnectionService,
    private readonly ledger: PaymentLedger,
    private readonly timeline: PaymentTimeline,
    private readonly audit: AuditService,
    private readonly disputes: DisputesService,
    private readonly customers: CustomersService,
    @InjectRepository(Payment) private readonly paymentRows: Repository<Payment>,
    private readonly inFlight: OutcomesInFlight,
    @Optional() private readonly systemErrors?: SystemErrors,
  ) {}

  useInbox(inbox: WebhookInbox): void {
    this.inbox = inbox;
  }

  async receive(
    connectionId: string,
    rawBody: Buffer,
    headers: Record<string, string | undefined>,
    url: string,
    origin: WebhookOrigin = {},
  ): Promise<WebhookResult> {
    const record = await this.connections.findById(connectionId);
    if (!record) throw ApiError.notFound('connection', connectionId);
    const gateway = this.connections.gatewayFor(record);
    const verified = await gateway.verifyWebhook(await this.connections.toGatewayConnection(record), {
      rawBody,
      headers,
      url,
    });
    if (!verified.ok) {
      this.logger.warn(`refused a ${record.gateway} webhook for ${record.id}: ${verified.error.message}`);
      signatureFailures.inc({ gateway: record.gateway });
      await this.audit.record({
        actor: { type: 'system', id: `gateway:${record.gateway}` },
        action: 'webhook.signature_rejected',
        outcome: 'failure',
        origin,
        merchantId: record.merchantId,
        resource: { type: 'connection', id: record.id },
        reason: verified.error.message.slice(0, 500),
      });
      this.systemErrors?.report({
        kind: 'webhook_signature_invalid',
        source: `connection:${record.id}`,
        title: `${record.gateway} webhooks for connection ${record.id} fail the signature check`,
        detail: verified.error.message,
        merchantId: record.merchantId,
      });
      throw new ApiError(400, {
        type: 'invalid_request_error',
        code: 'webhook_signature_invalid',
        message: `the webhook could not be verified: ${verified.error.message}`,
        param: 'signature',
      });
    }
    if (this.inbox) return this.inbox.store(record, verified.value, { rawBody, headers });
    let accepted = 0;
    for (const event of verified.value)
      if ((await this.apply(record, event)).outcome === 'applied') accepted++;
    return { received: verified.value.length, accepted, duplicates: 0 };
  }

  /**
   * Applies one event to its payment. `within` runs in the same transaction, after the payment's
   * row is locked (the inbox marks its row there, so an event is applied once however many
   * workers race); if it throws, nothing is applied.
   */
  async apply(
    record: GatewayConnectionRecord,
    event: GatewayWebhookEvent,
    within?: (m: EntityManager, effect: WebhookEffect) => Promise<void>,
  ): Promise<WebhookEffect> {
    const skip = async (outcome: WebhookEffect['outcome'], paymentId: string | null, message: string) => {
      const effect: WebhookEffect = { outcome, paymentId, fromStatus: null, toStatus: null, message };
      if (within) await this.tx.lazy((m) => within(m, effect));
      return effect;
    };
    if (event.savedMethod) {
      const saved = event.savedMethod;
      return this.tx.lazy(async (m) => {
        const ready = await this.customers.markReady(m, record.id, saved.methodReference);
        const effect: WebhookEffect = {
          outcome: ready ? 'applied' : 'ignored',
          paymentId: null,
          fromStatus: null,
          toStatus: null,
          message: `${event.gatewayType} (${event.id}): saved card ${saved.methodReference} ${ready ? 'is active' : 'was not waiting for authentication'}`,
        };
        if (within) await within(m, effect);
        return effect;
      });
    }
    if (!event.reference) return skip('no_payment', null, `${event.gatewayType}: names no payment`);
    if (event.dispute) return this.applyDispute(record, { ...event, dispute: event.dispute }, skip, within);
    const noPayment = `${event.gatewayType}: no payment with gateway reference ${event.reference}`;
    const where = { connectionId: record.id, gatewayReference: event.reference };
    let snapshot: GatewayPaymentSnapshot | null | undefined = event.snapshot;
    if (!snapshot) {
      // An event that doesn't carry the payment's state is a prompt to ask the gateway for it,
      // outside any transaction, unless it cannot change the payment wherever the gateway stands.
      const found = await findRowBy(this.paymentRows.manager, Payment, where, { select: BRIEF });
      if (!found) return skip('no_payment', null, noPayment);
      snapshot = changesNothing(found.status, event.type)
        ? null
        : await this.snapshotOf(record, event.reference);
      if (snapshot === undefined)
        return skip(
          'no_state',
          found.id,
          `${event.gatewayType}: the gateway did not say the payment's state`,
        );
    }
    const state = snapshot;
    // The payment is found and locked by one read in the transaction that applies the event.
    const applied = await this.tx.lazy(async (m) => {
      const payment = await findRowBy(m, Payment, where, { forUpdate: true });
      if (!payment) return null;
      return this.applyTo(m, payment, event, state, within);
    });
    return applied ?? skip('no_payment', null, noPayment);
  }

  /**
   * Waits (bounded) while this process is committing the outcome of the call that the event is
   * about, so `ignoredOnReceipt` sees it. Call it outside any transaction.
   */
  ownOutcomeCommitted(record: GatewayConnectionRecord, event: GatewayWebhookEvent): Promise<void> {
    return this.inFlight.settled(record.id, event.reference);
  }

  /**
   * Decides, in the caller's transaction, an event that plainly changes nothing: its state is not
   * ahead of the payment's, or it carries none and cannot change the payment (`changesNothing`).
   * Writes its timeline row and gives the ignored effect, so the inbox records it on receipt with
   * no job to run; for any other event it writes nothing and gives null.
   */
  async ignoredOnReceipt(
    m: EntityManager,
    record: GatewayConnectionRecord,
    event: GatewayWebhookEvent,
  ): Promise<WebhookEffect | null> {
    if (event.savedMethod || event.dispute || !event.reference) return null;
    const payment = await findRowBy(
      m,
      Payment,
      { connectionId: record.id, gatewayReference: event.reference },
      { select: BRIEF },
    );
    if (!payment) return null;
    const ignored = event.snapshot
      ? !movesForward(payment.status, event.snapshot)
      : changesNothing(payment.status, event.type);
    if (!ignored) return null;
    return this.recordIgnored(m, payment, event);
  }

  /** An event that changes nothing still goes on the payment's timeline, as ignored. */
  private async recordIgnored(
    m: EntityManager,
    payment: Pick<Payment, 'id' | 'status'>,
    event: GatewayWebhookEvent,
  ) {
    const effect = ignoredEffect(payment, event);
    await this.timeline.add(m, payment, webhookRow(effect, event));
    return effect;
  }

  private async applyTo(
    m: EntityManager,
    payment: Payment,
    event: GatewayWebhookEvent,
    snapshot: GatewayPaymentSnapshot | null,
    within?: (m: EntityManager, effect: WebhookEffect) => Promise<void>,
  ): Promise<WebhookEffect> {
    if (!snapshot || !movesForward(payment.status, snapshot)) {
      const effect = await this.recordIgnored(m, payment, event);
      if (within) await within(m, effect);
      return effect;
    }
    const effect: WebhookEffect = {
      outcome: 'applied',
      paymentId: payment.id,
      fromStatus: payment.status,
      toStatus: fromGatewayStatus(snapshot.status),
      message: `${event.gatewayType} (${event.id})`,
    };
    // The webhook's row and the change it brings go on the timeline in one statement.
    await this.timeline.batch(m, async () => {
      await this.timeline.add(m, payment, webhookRow(effect, event));
      await this.ledger.applySnapshot(m, payment, snapshot, { keepRefunds: true });
      effect.toStatus = payment.status;
    });
    if (within) await within(m, effect);
    return effect;
  }

  /** A dispute event changes the payment's dispute, never its status. */
  private async applyDispute(
    record: GatewayConnectionRecord,
    event: GatewayWebhookEvent & { dispute: NonNullable<GatewayWebhookEvent['dispute']> },
    skip: (
      outcome: WebhookEffect['outcome'],
      paymentId: string | null,
      message: string,
    ) => Promise<WebhookEffect>,
    within?: (m: EntityManager, effect: WebhookEffect) => Promise<void>,
  ): Promise<WebhookEffect> {
    let effect: WebhookEffect | undefined;
    const applied = await this.disputes.apply(record, event, async (m, paymentId, changed) => {
      effect = {
        outcome: changed ? 'applied' : 'ignored',
        paymentId,
        fromStatus: null,
        toStatus: null,
        message: `${event.gatewayType} (${event.id}): dispute ${event.dispute.reference} ${event.dispute.status}`,
      };
      if (within) await within(m, effect);
    });
    if (!applied || !effect)
      return skip(
        'no_payment',
        null,
        `${event.gatewayType}: no payment with gateway reference ${event.reference}`,
      );
    return effect;
  }

  private async snapshotOf(
    record: GatewayConnectionRecord,
    reference: string,
  ): Promise<GatewayPaymentSnapshot | undefined> {
    const synced = await this.connections
      .gatewayFor(record)
      .sync(await this.connections.toGatewayConnection(record), { reference });
    return synced.ok ? synced.value : undefined;
  }
}
