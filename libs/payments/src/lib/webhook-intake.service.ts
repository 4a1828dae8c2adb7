import { Injectable, Logger, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Counter, register } from 'prom-client';
import { Repository, type EntityManager } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { AuditService } from '@payrail/audit';
import { SystemErrors, TransactionRunner } from '@payrail/database';
import { ConnectionService, type GatewayConnectionRecord } from '@payrail/gateways';
import type { GatewayPaymentSnapshot, GatewayWebhookEvent } from '@payrail/plugin-sdk';
import { DisputesService } from './disputes/disputes.service';
import { Payment } from './entities/payment.entity';
import { PaymentLedger } from './payment-ledger';
import { canTransition, fromGatewayStatus, statusRank, type PaymentStatus } from './payment-status';
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
    @InjectRepository(Payment) private readonly paymentRows: Repository<Payment>,
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
    if (!event.reference) return skip('no_payment', null, `${event.gatewayType}: names no payment`);
    if (event.dispute) return this.applyDispute(record, { ...event, dispute: event.dispute }, skip, within);
    const found = await this.paymentRows.findOneBy({
      connectionId: record.id,
      gatewayReference: event.reference,
    });
    if (!found)
      return skip(
        'no_payment',
        null,
        `${event.gatewayType}: no payment with gateway reference ${event.reference}`,
      );
    // An event that doesn't carry the payment's state is a prompt to ask the gateway for it.
    const snapshot = event.snapshot ?? (await this.snapshotOf(record, event.reference));
    if (!snapshot)
      return skip('no_state', found.id, `${event.gatewayType}: the gateway did not say the payment's state`);
    return this.tx.lazy(async (m) => {
      const payment = await this.ledger.lock(m, found.id);
      const from = payment.status;
      const next = fromGatewayStatus(snapshot.status);
      // Only forward, and only along the state machine: a stale or contradictory event changes nothing.
      const forward =
        next !== 'authorizing' &&
        canTransition(payment.status, next) &&
        (payment.status === 'unknown' || statusRank(next) > statusRank(payment.status));
      const effect: WebhookEffect = {
        outcome: forward ? 'applied' : 'ignored',
        paymentId: payment.id,
        fromStatus: from,
        toStatus: forward ? next : from,
        message: `${event.gatewayType} (${event.id})${forward ? '' : `: ignored, the payment is already ${payment.status}`}`,
      };
      await this.timeline.add(m, payment, {
        type: 'webhook',
        outcome: effect.outcome,
        message: effect.message,
        data: { gateway_event_id: event.id, gateway_event_type: event.gatewayType },
      });
      if (forward) {
        await this.ledger.applySnapshot(m, payment, snapshot, { keepRefunds: true });
        effect.toStatus = payment.status;
      }
      if (within) await within(m, effect);
      return effect;
    });
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
