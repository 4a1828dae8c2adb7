import {
  Inject,
  Injectable,
  Optional,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { Counter, register } from 'prom-client';
import { Brackets, In, type EntityManager } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import {
  insertRow,
  isUniqueViolation,
  newId,
  SystemErrors,
  TransactionRunner,
  updateRows,
} from '@payrail/database';
import { JobQueue } from '@payrail/jobs';
import {
  PaymentsService,
  presentDispute,
  presentPayment,
  presentRefund,
  type PaymentChange,
} from '@payrail/payments';
import { EndpointsService } from './endpoints.service';
import { InboxService } from './inbox.service';
import { OutboxEvent } from './outbox-event.entity';
import { SIGNATURE_HEADER, signPayload } from './signature';
import { WebhookDeliveryAttempt } from './webhook-delivery-attempt.entity';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { sendWebhook } from './webhook-sender';
import {
  DELIVERY_QUEUE,
  WEBHOOK_RETRY_SCHEDULE_MS,
  WEBHOOKS_OPTIONS,
  type WebhooksModuleOptions,
} from './webhooks.options';

const deliveries =
  (register.getSingleMetric('payrail_webhook_deliveries_total') as Counter<'outcome'> | undefined) ??
  new Counter({
    name: 'payrail_webhook_deliveries_total',
    help: 'Outbound webhook delivery tries by outcome (succeeded, failed, dead)',
    labelNames: ['outcome'],
  });

/** A sender that crashed mid-try gives its claim up after this long. */
const SENDING_LEASE_MS = 60_000;

/**
 * Outbound webhooks. Every payment and refund change writes an outbox row in its own
 * transaction; the relay turns new rows into one delivery per matching endpoint and offers due
 * deliveries to the job queue; a job sends one try, logs it and schedules the next. Anything a
 * crash interrupts is picked up again by the relay, so an event committed is an event delivered
 * (or, after the schedule, dead and visible).
 */
@Injectable()
export class OutboxService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('WebhookOutbox');
  private timer: NodeJS.Timeout | null = null;
  private timerDue = 0;
  private relaying: Promise<void> | null = null;
  private stopped = true;
  private readonly schedule: readonly number[];

  constructor(
    private readonly tx: TransactionRunner,
    private readonly jobs: JobQueue,
    private readonly payments: PaymentsService,
    private readonly endpoints: EndpointsService,
    private readonly inbox: InboxService,
    @Inject(WEBHOOKS_OPTIONS) private readonly options: WebhooksModuleOptions,
    @Optional() private readonly systemErrors?: SystemErrors,
  ) {
    this.schedule = options.retryScheduleMs ?? WEBHOOK_RETRY_SCHEDULE_MS;
  }

  onModuleInit(): void {
    this.payments.changes.subscribe((m, change) => this.record(m, change));
    this.jobs.define<{ deliveryId: string }>(DELIVERY_QUEUE, (payload) => this.deliver(payload.deliveryId), {
      maxAttempts: 3,
      backoff: () => 5_000,
      concurrency: 4,
      leaseMs: SENDING_LEASE_MS,
    });
  }

  onApplicationBootstrap(): void {
    if (this.options.runRelay === false) return;
    this.stopped = false;
    this.kick(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.relaying?.catch(() => undefined);
  }

  /** The outbox row, in the change's own transaction. */
  async record(m: EntityManager, change: PaymentChange): Promise<void> {
    const { type, resourceId, data } = describe(change);
    await insertRow(m, OutboxEvent, {
      id: newId('evt'),
      merchantId: change.payment.merchantId,
      mode: change.payment.mode,
      type,
      resourceId,
      data,
      state: 'pending',
      dispatchedAt: null,
    } as never);
    if (!this.stopped) this.kick(50);
  }

  /** One pass: new events into deliveries, due deliveries onto the queue, lost inbox jobs offered again. */
  relay(): Promise<void> {
    if (this.relaying) return this.relaying;
    this.relaying = (async () => {
      await this.dispatchPending();
      await this.offerDue();
      await this.inbox.requeueStale();
    })().finally(() => (this.relaying = null));
    return this.relaying;
  }

  /** The job: one try of one delivery, logged; then success, the next try scheduled, or dead. */
  async deliver(deliveryId: string): Promise<void> {
    const claimed = await this.claim(deliveryId);
    if (!claimed) return;
    const repo = this.tx.dataSource.getRepository(WebhookEndpoint);
    const [endpoint, event] = await Promise.all([
      repo.findOneBy({ id: claimed.endpointId }),
      this.tx.dataSource.getRepository(OutboxEvent).findOneBy({ id: claimed.eventId }),
    ]);
    if (!endpoint || !endpoint.enabled || !event) {
      await this.settle(
        claimed,
        {
          statusCode: null,
          ok: false,
          latencyMs: 0,
          error: !event ? 'the event no longer exists' : 'the endpoint was deleted or disabled',
          excerpt: null,
        },
        true,
      );
      return;
    }
    const body = JSON.stringify({
      id: event.id,
      object: 'event',
      type: event.type,
      created: Math.floor(event.createdAt.getTime() / 1000),
      merchant_id: event.merchantId,
      livemode: event.mode === 'live',
      data: event.data,
    });
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Payrail-Webhooks/1.0',
      [SIGNATURE_HEADER]: signPayload(this.endpoints.secretOf(endpoint), body),
      'Payrail-Event-Id': event.id,
      'Payrail-Event-Type': event.type,
      'Payrail-Delivery-Attempt': String(claimed.attempts),
    };
    const result = await sendWebhook(endpoint.url, body, headers, {
      allowHttpLoopback: this.options.allowHttpLoopback === true,
    });
    await this.settle(claimed, result, false);
  }

  /** Sends a delivery again now, whatever its state; the next failure resumes its schedule where it was. */
  async redeliver(id: string, merchantIds: string[] | 'all'): Promise<WebhookDelivery> {
    const delivery = await this.getDelivery(id, merchantIds);
    if (delivery.state === 'sending')
      throw new ApiError(409, {
        type: 'invalid_request_error',
        code: 'delivery_in_progress',
        message: `delivery ${id} is being sent right now`,
        param: 'id',
      });
    await this.tx.run((m) =>
      m.update(WebhookDelivery, { id }, { state: 'retrying', nextAttemptAt: new Date(), lockedUntil: null }),
    );
    // After the commit, so the job finds the delivery due; had this process died first, the relay offers it anyway.
    await this.jobs.enqueue(
      DELIVERY_QUEUE,
      { deliveryId: id },
      { uniqueKey: `deliver.${id}.${delivery.attempts}.manual` },
    );
    return this.getDelivery(id, merchantIds);
  }

  async getDelivery(id: string, merchantIds: string[] | 'all'): Promise<WebhookDelivery> {
    const row = await this.tx.dataSource.getRepository(WebhookDelivery).findOneBy({ id });
    if (!row || (merchantIds !== 'all' && !merchantIds.includes(row.merchantId)))
      throw ApiError.notFound('webhook delivery', id);
    return row;
  }

  async attemptsOf(deliveryId: string): Promise<WebhookDeliveryAttempt[]> {
    return this.tx.dataSource
      .getRepository(WebhookDeliveryAttempt)
      .find({ where: { deliveryId }, order: { attempt: 'ASC' } });
  }

  async listDeliveries(filter: {
    merchantIds: string[] | 'all';
    endpointId?: string;
    eventId?: string;
    state?: WebhookDelivery['state'];
    limit: number;
  }): Promise<WebhookDelivery[]> {
    if (filter.merchantIds !== 'all' && filter.merchantIds.length === 0) return [];
    return this.tx.dataSource.getRepository(WebhookDelivery).find({
      where: {
        ...(filter.merchantIds === 'all' ? {} : { merchantId: In(filter.merchantIds) }),
        ...(filter.endpointId ? { endpointId: filter.endpointId } : {}),
        ...(filter.eventId ? { eventId: filter.eventId } : {}),
        ...(filter.state ? { state: filter.state } : {}),
      },
      order: { id: 'DESC' },
      take: filter.limit,
    });
  }

  async listEvents(merchantIds: string[] | 'all', limit: number): Promise<OutboxEvent[]> {
    if (merchantIds !== 'all' && merchantIds.length === 0) return [];
    return this.tx.dataSource.getRepository(OutboxEvent).find({
      where: merchantIds === 'all' ? {} : { merchantId: In(merchantIds) },
      order: { id: 'DESC' },
      take: limit,
    });
  }

  // ---- the relay's steps ----

  private kick(delayMs: number): void {
    if (this.stopped) return;
    const due = Date.now() + delayMs;
    // A pass already due as soon stays: a steady stream of changes must not keep postponing it.
    if (this.timer && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.relay()
        .catch((error: Error) => this.logger.error(`the webhook relay failed: ${error.message}`))
        .finally(() => this.kick(this.options.relayIntervalMs ?? 1000));
    }, delayMs);
    this.timer.unref?.();
  }

  /**
   * Turns the pending events of one pass into deliveries: the endpoints of the merchants they
   * belong to are read once for the pass (after the events, so an endpoint that existed when an
   * event committed is among them), and the pass commits once. A unique violation (a delivery
   * another relay wrote) rolls it back, and the events are then dispatched one by one.
   */
  private async dispatchPending(): Promise<void> {
    const pending = await this.tx.dataSource
      .getRepository(OutboxEvent)
      .find({ where: { state: 'pending' }, order: { id: 'ASC' }, take: 100 });
    if (pending.length === 0) return;
    const merchantIds = [...new Set(pending.map((e) => e.merchantId))];
    const endpoints = await this.tx.dataSource
      .getRepository(WebhookEndpoint)
      .find({ where: { merchantId: In(merchantIds), enabled: true } });
    // Events no endpoint wants have nothing to write but their mark: one statement for all of them.
    const wanted = pending.filter((event) => endpoints.some((endpoint) => wants(endpoint, event)));
    const unwanted = pending.filter((event) => !wanted.includes(event));
    const markUnwanted = (m: EntityManager) =>
      unwanted.length
        ? updateRows(
            m,
            OutboxEvent,
            { state: 'dispatched', dispatchedAt: new Date() },
            { state: 'pending' },
            { in: { id: unwanted.map((event) => event.id) } },
          )
        : Promise.resolve(0);
    try {
      await this.tx.lazy(async (m) => {
        await markUnwanted(m);
        for (const event of wanted) await this.dispatch(m, event, endpoints);
      });
      return;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    await this.tx.lazy(markUnwanted);
    for (const event of wanted) {
      try {
        await this.tx.lazy((m) => this.dispatch(m, event, endpoints));
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
  }

  /** Marks one event dispatched, unless another relay took it, and writes a delivery per endpoint it matches. */
  private async dispatch(m: EntityManager, event: OutboxEvent, endpoints: WebhookEndpoint[]): Promise<void> {
    const taken = await m.update(
      OutboxEvent,
      { id: event.id, state: 'pending' },
      { state: 'dispatched', dispatchedAt: new Date() },
    );
    if (taken.affected !== 1) return;
    for (const endpoint of endpoints) {
      if (!wants(endpoint, event)) continue;
      await insertRow(m, WebhookDelivery, {
        id: newId('whd'),
        eventId: event.id,
        endpointId: endpoint.id,
        merchantId: event.merchantId,
        eventType: event.type,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: new Date(),
        lockedUntil: null,
        lastStatusCode: null,
        lastError: null,
        deliveredAt: null,
      } as never);
    }
  }

  private async offerDue(): Promise<void> {
    const now = new Date();
    const due = await this.tx.dataSource
      .getRepository(WebhookDelivery)
      .createQueryBuilder('d')
      .where(
        new Brackets((b) =>
          b
            .where('d.state IN (:...waiting) AND d.nextAttemptAt <= :now', {
              waiting: ['pending', 'retrying'],
              now,
            })
            .orWhere("d.state = 'sending' AND d.lockedUntil < :now", { now }),
        ),
      )
      .orderBy('d.nextAttemptAt', 'ASC')
      .take(200)
      .getMany();
    for (const delivery of due) {
      await this.jobs.enqueue(
        DELIVERY_QUEUE,
        { deliveryId: delivery.id },
        {
          uniqueKey: `deliver.${delivery.id}.${delivery.attempts}.${delivery.state === 'sending' ? 'resumed' : 'due'}`,
        },
      );
    }
  }

  private claim(id: string): Promise<WebhookDelivery | null> {
    return this.tx.lazy(async (m) => {
      const now = new Date();
      const claimed = await m
        .createQueryBuilder()
        .update(WebhookDelivery)
        .set({
          state: 'sending',
          attempts: () => 'attempts + 1',
          lockedUntil: new Date(now.getTime() + SENDING_LEASE_MS),
        })
        .where('id = :id', { id })
        .andWhere(
          new Brackets((b) =>
            b
              .where('state IN (:...waiting) AND next_attempt_at <= :now', {
                waiting: ['pending', 'retrying'],
                now,
              })
              .orWhere("state = 'sending' AND locked_until < :now", { now }),
          ),
        )
        .execute();
      if (claimed.affected !== 1) return null;
      return m.findOneByOrFail(WebhookDelivery, { id });
    });
  }

  private async settle(
    delivery: WebhookDelivery,
    result: Awaited<ReturnType<typeof sendWebhook>>,
    final: boolean,
  ): Promise<void> {
    const wait = this.schedule[delivery.attempts - 1];
    const dead = !result.ok && (final || wait === undefined);
    const now = new Date();
    await this.tx.lazy(async (m) => {
      await insertRow(m, WebhookDeliveryAttempt, {
        id: newId('wha'),
        deliveryId: delivery.id,
        attempt: delivery.attempts,
        statusCode: result.statusCode,
        latencyMs: result.latencyMs,
        error: result.error?.slice(0, 500) ?? null,
        responseExcerpt: result.excerpt?.slice(0, 500) ?? null,
      } as never);
      await m.update(
        WebhookDelivery,
        { id: delivery.id, state: 'sending', attempts: delivery.attempts },
        {
          state: result.ok ? 'succeeded' : dead ? 'dead' : 'retrying',
          nextAttemptAt: result.ok || dead ? null : new Date(now.getTime() + wait),
          lockedUntil: null,
          lastStatusCode: result.statusCode,
          lastError: result.error?.slice(0, 500) ?? null,
          deliveredAt: result.ok ? now : null,
        },
      );
      if (!result.ok && !dead)
        await this.jobs.enqueue(
          DELIVERY_QUEUE,
          { deliveryId: delivery.id },
          { delayMs: wait, uniqueKey: `deliver.${delivery.id}.${delivery.attempts}.due` },
          m,
        );
    });
    deliveries.inc({ outcome: result.ok ? 'succeeded' : dead ? 'dead' : 'failed' });
    if (dead) {
      this.logger.error(
        `webhook delivery ${delivery.id} of ${delivery.eventId} is dead after ${delivery.attempts} tries: ${result.error}`,
      );
      this.systemErrors?.report({
        kind: 'webhook_delivery_dead',
        source: `endpoint:${delivery.endpointId}`,
        title: `Deliveries to webhook endpoint ${delivery.endpointId} give up after every try`,
        detail: `delivery ${delivery.id} of ${delivery.eventId}: ${result.error ?? 'no answer'}`,
        merchantId: delivery.merchantId,
      });
    }
  }
}

function describe(change: PaymentChange): {
  type: string;
  resourceId: string;
  data: Record<string, unknown>;
} {
  switch (change.kind) {
    case 'payment':
      return {
        type: `payment.${change.to}`,
        resourceId: change.payment.id,
        data: { object: presentPayment(change.payment), previous_status: change.from },
      };
    case 'refund':
      return {
        type: `refund.${change.to}`,
        resourceId: change.refund.id,
        data: { object: presentRefund(change.refund), previous_status: change.from },
      };
    case 'review_required':
      return {
        type: 'payment.review_required',
        resourceId: change.payment.id,
        data: { object: presentPayment(change.payment), reason: change.reason },
      };
    case 'dispute':
      return {
        type: `dispute.${change.change}`,
        resourceId: change.dispute.id,
        data: { object: presentDispute(change.dispute), payment: presentPayment(change.payment) },
      };
  }
}

/** Whether an endpoint takes an event: same merchant and mode, and its type subscribed. */
function wants(endpoint: WebhookEndpoint, event: OutboxEvent): boolean {
  return (
    endpoint.merchantId === event.merchantId &&
    endpoint.mode === event.mode &&
    (endpoint.eventTypes.includes('*') || endpoint.eventTypes.includes(event.type))
  );
}
