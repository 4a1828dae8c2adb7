import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Counter, register } from 'prom-client';
import { LessThan, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import {
  findRowById,
  insertRow,
  isUniqueViolation,
  newId,
  TransactionRunner,
  updateRows,
} from '@payrail/database';
import { ConnectionService, GatewayRegistry, type GatewayConnectionRecord } from '@payrail/gateways';
import { JobQueue, type ClaimedJob, type JobContext } from '@payrail/jobs';
import {
  WebhookIntakeService,
  type WebhookEffect,
  type WebhookInbox,
  type WebhookResult,
} from '@payrail/payments';
import { redactBody, type GatewayWebhookEvent } from '@payrail/plugin-sdk';
import { InboxEvent, type InboxState } from './inbox-event.entity';
import { INBOUND_QUEUE } from './webhooks.options';

const received =
  (register.getSingleMetric('payrail_webhooks_received_total') as
    Counter<'gateway' | 'result'> | undefined) ??
  new Counter({
    name: 'payrail_webhooks_received_total',
    help: 'Verified inbound gateway events by result (stored, duplicate)',
    labelNames: ['gateway', 'result'],
  });

/** Kept for every gateway; each adds its signature headers (they prove what was received) from its descriptor. */
const KEPT_HEADERS = new Set(['content-type', 'user-agent', 'request-id', 'x-request-id']);

class AlreadyProcessed extends Error {}

export interface InboxFilter {
  merchantIds: string[] | 'all';
  connectionId?: string;
  state?: InboxState;
  paymentReference?: string;
  gatewayEventId?: string;
  limit: number;
  startingAfter?: string;
}

/**
 * The inbound webhook inbox: each verified event is stored once per (connection, gateway event
 * id) and answered at once; a job applies it to its payment, exactly once however many copies
 * arrive or workers race, and records what it did. An event can be replayed by hand.
 */
@Injectable()
export class InboxService implements WebhookInbox, OnModuleInit {
  private readonly logger = new Logger('WebhookInbox');
  /**
   * Rows this process has just committed and claimed the job of: the job applies them without
   * reading them back. Only a hint: the row's mark is still guarded on its state, so an event is
   * applied once even if another worker ends up running the job.
   */
  private readonly justStored = new Map<string, InboxEvent>();

  constructor(
    private readonly tx: TransactionRunner,
    private readonly jobs: JobQueue,
    private readonly intake: WebhookIntakeService,
    private readonly connections: ConnectionService,
    private readonly registry: GatewayRegistry,
  ) {}

  onModuleInit(): void {
    this.intake.useInbox(this);
    this.jobs.define<{ inboxId: string }>(
      INBOUND_QUEUE,
      (payload, context) => this.process(payload.inboxId, context),
      {
        maxAttempts: 6,
        backoff: (attempt) => Math.min(3600_000, 5_000 * 4 ** (attempt - 1)),
        concurrency: 4,
        leaseMs: 2 * 60_000,
      },
    );
  }

  async store(
    record: GatewayConnectionRecord,
    events: GatewayWebhookEvent[],
    request: { rawBody: Buffer; headers: Record<string, string | undefined> },
  ): Promise<WebhookResult> {
    const signatureHeaders = this.registry.descriptor(record.gateway)?.webhookSignatureHeaders ?? [];
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers))
      if (value !== undefined && (KEPT_HEADERS.has(name) || signatureHeaders.includes(name)))
        headers[name] = value;
    // Kept for people to read; the event itself is applied from its verified, parsed form.
    const rawBody = redactBody(request.rawBody.toString('utf8'));
    let accepted = 0;
    let duplicates = 0;
    for (const event of events) {
      const row: Partial<InboxEvent> = {
        id: newId('whin'),
        connectionId: record.id,
        merchantId: record.merchantId,
        gateway: record.gateway,
        gatewayEventId: event.id.slice(0, 200),
        gatewayEventType: event.gatewayType.slice(0, 100),
        eventType: event.type,
        paymentReference: event.reference ?? null,
        event: JSON.parse(JSON.stringify(event)) as Record<string, unknown>,
        rawBody,
        headers,
        receivedAt: new Date(),
        state: 'received',
        effect: null,
        processedAt: null,
        replays: 0,
        lastError: null,
      };
      let claimed: ClaimedJob | null = null;
      try {
        const inTransaction = this.jobs.backend === 'database';
        let settled = false;
        await this.intake.ownOutcomeCommitted(record, event);
        await this.tx.run(async (m) => {
          claimed?.abandon(); // a retried transaction claims afresh
          claimed = null;
          // An event that plainly changes nothing is recorded as ignored on receipt, with its
          // timeline row, in this one commit: no job.
          const ignored = await this.intake.ignoredOnReceipt(m, record, event);
          settled = ignored !== null;
          if (ignored) {
            const decided = {
              ...row,
              state: 'ignored',
              effect: presentEffect(ignored),
              processedAt: new Date(),
            };
            await insertRow(m, InboxEvent, decided as never);
            return;
          }
          await insertRow(m, InboxEvent, row as never);
          // On the database backend the job commits with the row, claimed by this process when it
          // has room (no commit of its own for the claim), else waiting for any worker.
          if (inTransaction) {
            claimed = await this.jobs.enqueueClaimed(INBOUND_QUEUE, { inboxId: row.id }, m);
            if (!claimed) await this.jobs.enqueue(INBOUND_QUEUE, { inboxId: row.id }, {}, m);
          }
        });
        if (claimed) {
          if (this.justStored.size >= 1_000) this.justStored.clear();
          this.justStored.set(row.id as string, row as InboxEvent);
          (claimed as ClaimedJob).start();
        }
        // BullMQ's goes once the row is committed; if a crash comes between, the relay offers the row again.
        if (!inTransaction && !settled) await this.jobs.enqueue(INBOUND_QUEUE, { inboxId: row.id });
        accepted++;
        received.inc({ gateway: record.gateway, result: 'stored' });
      } catch (error) {
        (claimed as ClaimedJob | null)?.abandon();
        if (!isUniqueViolation(error)) throw error;
        duplicates++;
        received.inc({ gateway: record.gateway, result: 'duplicate' });
      }
    }
    return { received: events.length, accepted, duplicates };
  }

  /** The job: applies one stored event, unless it already was. */
  async process(inboxId: string, context?: JobContext): Promise<void> {
    const stored = this.justStored.get(inboxId);
    this.justStored.delete(inboxId);
    const row = stored ?? (await findRowById(this.tx.dataSource.manager, InboxEvent, inboxId));
    if (!row || row.state !== 'received') return;
    const record = await this.connections.findById(row.connectionId);
    if (!record) {
      await this.finish(inboxId, 'failed', null, 'the connection no longer exists');
      return;
    }
    const event = {
      ...(row.event as unknown as GatewayWebhookEvent),
      occurredAt: new Date(String(row.event['occurredAt'])),
    };
    try {
      // The job ends in the transaction that applies the event (a database queue's job).
      await this.intake.apply(record, event, async (m, effect) => {
        await this.mark(m, inboxId, effect);
        await context?.completeIn?.(m);
      });
    } catch (error) {
      if (error instanceof AlreadyProcessed) return;
      const last = !context || context.attempt >= context.maxAttempts;
      await this.finish(inboxId, last ? 'failed' : 'received', null, (error as Error).message);
      throw error;
    }
  }

  async replay(id: string, merchantIds: string[] | 'all'): Promise<InboxEvent> {
    const row = await this.get(id, merchantIds);
    const inTransaction = this.jobs.backend === 'database';
    const job = { inboxId: id, replay: row.replays + 1 };
    // The answer is the row as the replay left it: by the time it is sent, the job may have run.
    const replayed = await this.tx.run(async (m) => {
      await m.update(InboxEvent, { id }, { state: 'received', replays: row.replays + 1, lastError: null });
      if (inTransaction) await this.jobs.enqueue(INBOUND_QUEUE, job, {}, m);
      return m.findOneByOrFail(InboxEvent, { id });
    });
    if (!inTransaction) await this.jobs.enqueue(INBOUND_QUEUE, job);
    return replayed;
  }

  async get(id: string, merchantIds: string[] | 'all'): Promise<InboxEvent> {
    const row = await this.tx.dataSource.getRepository(InboxEvent).findOneBy({ id });
    if (!row || (merchantIds !== 'all' && !merchantIds.includes(row.merchantId)))
      throw ApiError.notFound('inbox event', id);
    return row;
  }

  async list(filter: InboxFilter): Promise<{ data: InboxEvent[]; hasMore: boolean }> {
    if (filter.merchantIds !== 'all' && filter.merchantIds.length === 0) return { data: [], hasMore: false };
    const where: FindOptionsWhere<InboxEvent> = {};
    if (filter.connectionId) where.connectionId = filter.connectionId;
    if (filter.state) where.state = filter.state;
    if (filter.paymentReference) where.paymentReference = filter.paymentReference;
    if (filter.gatewayEventId) where.gatewayEventId = filter.gatewayEventId;
    if (filter.startingAfter) where.id = LessThan(filter.startingAfter);
    const qb = this.tx.dataSource.getRepository(InboxEvent).createQueryBuilder('e').where(where);
    if (filter.merchantIds !== 'all')
      qb.andWhere('e.merchantId IN (:...merchants)', { merchants: filter.merchantIds });
    const rows = await qb
      .orderBy('e.id', 'DESC')
      .take(filter.limit + 1)
      .getMany();
    return { data: rows.slice(0, filter.limit), hasMore: rows.length > filter.limit };
  }

  /** Received rows nobody applied for a minute (a job lost between commit and BullMQ): offered again. */
  async requeueStale(): Promise<number> {
    const cutoff = new Date(Date.now() - 60_000);
    const stale = await this.tx.dataSource
      .getRepository(InboxEvent)
      .find({ where: { state: 'received', updatedAt: LessThan(cutoff) }, take: 100 });
    for (const row of stale) {
      // Touching the row restarts its minute, so it is offered once a minute at most.
      await this.tx.lazy((m) => m.update(InboxEvent, { id: row.id }, { lastError: row.lastError }));
      await this.jobs.enqueue(INBOUND_QUEUE, { inboxId: row.id });
    }
    if (stale.length) this.logger.warn(`offered ${stale.length} unapplied inbox events again`);
    return stale.length;
  }

  private async mark(m: EntityManager, id: string, effect: WebhookEffect): Promise<void> {
    const state: InboxState = effect.outcome === 'applied' ? 'applied' : 'ignored';
    const marked = await updateRows(
      m,
      InboxEvent,
      { state, effect: presentEffect(effect), processedAt: new Date(), lastError: null },
      { id, state: 'received' },
    );
    if (marked !== 1) throw new AlreadyProcessed();
  }

  private async finish(
    id: string,
    state: InboxState,
    effect: WebhookEffect | null,
    error: string,
  ): Promise<void> {
    await this.tx.lazy((m) =>
      m.update(
        InboxEvent,
        { id },
        {
          state,
          ...(effect ? { effect: presentEffect(effect) } : {}),
          lastError: error.slice(0, 1000),
          processedAt: state === 'received' ? null : new Date(),
        },
      ),
    );
  }
}

function presentEffect(effect: WebhookEffect): { [key: string]: string | null } {
  return {
    outcome: effect.outcome,
    payment_id: effect.paymentId,
    from_status: effect.fromStatus,
    to_status: effect.toStatus,
    message: effect.message,
  };
}
