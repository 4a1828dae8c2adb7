import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { AuditService, type AuditActorContext } from '@payrail/audit';
import { newId, TransactionRunner } from '@payrail/database';
import { Payment } from '@payrail/payments';
import { Issue } from '../issues/issue.entity';
import { SupportCase, SupportCaseEvent, type CaseEventType, type CaseStatus } from './case.entities';
import { CaseNotifier } from './case-notifier';
import { dueTimes, judgeTarget, nextTier, type CasePriority, type CaseTier } from './sla';
import { SupportClock } from './support-clock';
import { SupportPoliciesService } from './support-policies.service';

export interface OpenCaseInput {
  subject: string;
  description?: string | null;
  priority: CasePriority;
  paymentIds: string[];
  issueIds: string[];
  merchantId?: string | null;
  assigneeId?: string | null;
}

export interface CasePatch {
  subject?: string;
  description?: string | null;
  priority?: CasePriority;
  status?: CaseStatus;
  assigneeId?: string | null;
}

/** Who acts on a case: a console user (their merchants) or Payrail itself. */
export interface CaseActor {
  userId: string | null;
  merchantIds: string[] | 'all';
  context: AuditActorContext;
}

const visible = (merchantIds: string[] | 'all', c: { merchantId: string | null }) =>
  merchantIds === 'all' || (c.merchantId !== null && merchantIds.includes(c.merchantId));

/** Opening, reading and working support cases; every change is on the case's timeline and in the audit trail. */
@Injectable()
export class CasesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly policies: SupportPoliciesService,
    private readonly clock: SupportClock,
    private readonly notifier: CaseNotifier,
  ) {}

  async open(input: OpenCaseInput, actor: CaseActor): Promise<SupportCase> {
    const payments = input.paymentIds.length
      ? await this.dataSource.getRepository(Payment).findBy({ id: In(input.paymentIds) })
      : [];
    for (const id of input.paymentIds) {
      const p = payments.find((x) => x.id === id);
      if (!p || !visible(actor.merchantIds, p)) throw ApiError.invalid('payment_ids', `no payment '${id}'`);
    }
    if (input.issueIds.length) {
      const found = await this.dataSource.getRepository(Issue).countBy({ id: In(input.issueIds) });
      if (found !== new Set(input.issueIds).size)
        throw ApiError.invalid('issue_ids', 'issue_ids names an issue that does not exist');
    }
    const merchantId = input.merchantId ?? payments[0]?.merchantId ?? null;
    if (merchantId && !visible(actor.merchantIds, { merchantId }))
      throw ApiError.notFound('merchant', merchantId);
    if (!merchantId && actor.merchantIds !== 'all')
      throw ApiError.invalid('merchant_id', 'merchant_id is required for a case not opened from a payment');
    if (payments.some((p) => p.merchantId !== merchantId))
      throw ApiError.invalid('payment_ids', 'the payments of a case belong to its merchant');
    const terms = await this.policies.termsFor(input.priority);
    const now = this.clock.now();
    const due = dueTimes(now, terms);
    return this.tx.run(async (m) => {
      const saved = await m.save(
        m.create(SupportCase, {
          id: newId('case'),
          subject: input.subject,
          description: input.description ?? null,
          priority: input.priority,
          status: 'new',
          tier: 'L1',
          merchantId,
          requesterId: actor.userId,
          assigneeId: input.assigneeId ?? null,
          paymentIds: input.paymentIds,
          issueIds: input.issueIds,
          openedAt: now,
          clockStartedAt: due.clockStartedAt,
          firstResponseDueAt: due.firstResponseDueAt,
          resolutionDueAt: due.resolutionDueAt,
          firstRespondedAt: null,
          resolvedAt: null,
          closedAt: null,
          slaTerms: terms,
          escalatedTargets: [],
          breachedTargets: [],
        }),
      );
      await this.event(m, saved.id, 'opened', actor.userId, null, {
        priority: saved.priority,
        first_response_due_at: saved.firstResponseDueAt.toISOString(),
        resolution_due_at: saved.resolutionDueAt.toISOString(),
      });
      await this.audit.record(
        {
          ...actor.context,
          action: 'support_case.opened',
          merchantId,
          resource: { type: 'support_case', id: saved.id },
          change: {
            after: { priority: saved.priority, payment_ids: saved.paymentIds, issue_ids: saved.issueIds },
          },
        },
        m,
      );
      return saved;
    });
  }

  /** Open cases first, the most urgent (least business time left on a running target) at the top. */
  async queue(
    merchantIds: string[] | 'all',
    filter: { status?: CaseStatus; limit: number },
  ): Promise<SupportCase[]> {
    const qb = this.dataSource.getRepository(SupportCase).createQueryBuilder('c');
    if (filter.status) qb.andWhere('c.status = :status', { status: filter.status });
    if (merchantIds !== 'all') {
      if (!merchantIds.length) return [];
      qb.andWhere('c.merchant_id IN (:...merchantIds)', { merchantIds });
    }
    const rows = await qb.orderBy('c.opened_at', 'DESC').take(500).getMany();
    const now = this.clock.now();
    const urgency = (c: SupportCase) => {
      if (c.status === 'resolved' || c.status === 'closed') return Number.POSITIVE_INFINITY;
      const target = c.firstRespondedAt
        ? judgeTarget('resolution', c.resolutionDueAt, null, now, c.slaTerms)
        : judgeTarget('first_response', c.firstResponseDueAt, null, now, c.slaTerms);
      return target.minutesLeft ?? 0;
    };
    return rows
      .map((c) => ({ c, u: urgency(c) }))
      .sort((a, b) => a.u - b.u || a.c.openedAt.getTime() - b.c.openedAt.getTime())
      .slice(0, filter.limit)
      .map((x) => x.c);
  }

  async get(merchantIds: string[] | 'all', id: string): Promise<SupportCase> {
    const found = await this.dataSource.getRepository(SupportCase).findOneBy({ id });
    if (!found || !visible(merchantIds, found)) throw ApiError.notFound('case', id);
    return found;
  }

  timeline(caseId: string): Promise<SupportCaseEvent[]> {
    return this.dataSource.getRepository(SupportCaseEvent).find({ where: { caseId }, order: { id: 'ASC' } });
  }

  async update(id: string, patch: CasePatch, actor: CaseActor): Promise<SupportCase> {
    await this.get(actor.merchantIds, id);
    const now = this.clock.now();
    return this.tx.run(async (m) => {
      const c = await m.findOneByOrFail(SupportCase, { id });
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      const note = (key: string, from: unknown, to: unknown) => {
        before[key] = from;
        after[key] = to;
      };
      if (patch.subject !== undefined && patch.subject !== c.subject) {
        note('subject', c.subject, patch.subject);
        c.subject = patch.subject;
      }
      if (patch.description !== undefined && patch.description !== c.description) {
        note('description', '(changed)', '(changed)');
        c.description = patch.description;
      }
      if (patch.priority && patch.priority !== c.priority) {
        note('priority', c.priority, patch.priority);
        await this.event(m, id, 'priority_changed', actor.userId, null, {
          from: c.priority,
          to: patch.priority,
        });
        c.priority = patch.priority;
      }
      if (patch.assigneeId !== undefined && patch.assigneeId !== c.assigneeId) {
        note('assignee_id', c.assigneeId, patch.assigneeId);
        await this.event(m, id, 'assigned', actor.userId, null, { from: c.assigneeId, to: patch.assigneeId });
        c.assigneeId = patch.assigneeId;
      }
      if (patch.status && patch.status !== c.status) {
        note('status', c.status, patch.status);
        await this.event(m, id, 'status_changed', actor.userId, null, { from: c.status, to: patch.status });
        if (c.status === 'new' && !c.firstRespondedAt) c.firstRespondedAt = now;
        c.resolvedAt =
          patch.status === 'resolved' || patch.status === 'closed' ? (c.resolvedAt ?? now) : null;
        c.closedAt = patch.status === 'closed' ? now : null;
        c.status = patch.status;
      }
      if (!Object.keys(after).length) return c;
      const saved = await m.save(c);
      await this.audit.record(
        {
          ...actor.context,
          action: 'support_case.updated',
          merchantId: c.merchantId,
          resource: { type: 'support_case', id },
          change: { before, after },
        },
        m,
      );
      return saved;
    });
  }

  /** An internal comment; the first one is the case's first response. */
  async comment(id: string, body: string, actor: CaseActor): Promise<SupportCaseEvent> {
    await this.get(actor.merchantIds, id);
    const now = this.clock.now();
    return this.tx.run(async (m) => {
      const c = await m.findOneByOrFail(SupportCase, { id });
      const event = await this.event(m, id, 'comment', actor.userId, body, null);
      if (!c.firstRespondedAt) c.firstRespondedAt = now;
      if (c.status === 'new') c.status = 'open';
      await m.save(c);
      await this.audit.record(
        {
          ...actor.context,
          action: 'support_case.commented',
          merchantId: c.merchantId,
          resource: { type: 'support_case', id },
          change: { after: { event_id: event.id } },
        },
        m,
      );
      return event;
    });
  }

  /** Moves the case up a tier by hand, with the reason, and tells the escalation channels. */
  async escalate(id: string, reason: string, actor: CaseActor): Promise<SupportCase> {
    await this.get(actor.merchantIds, id);
    const saved = await this.tx.run(async (m) => {
      const c = await m.findOneByOrFail(SupportCase, { id });
      if (c.tier === 'L3')
        throw new ApiError(409, {
          type: 'invalid_request_error',
          code: 'top_tier',
          message: `case ${id} is at L3 already`,
        });
      return this.raiseTier(m, c, reason, actor.userId, actor.context);
    });
    await this.notifier.notify(saved, 'support_case.escalated', reason);
    return saved;
  }

  /** One tier up, on the timeline and in the audit trail, in the caller's transaction. */
  async raiseTier(
    m: EntityManager,
    c: SupportCase,
    reason: string,
    actorId: string | null,
    context: AuditActorContext,
  ): Promise<SupportCase> {
    const from: CaseTier = c.tier;
    c.tier = nextTier(c.tier);
    if (c.status === 'new' || c.status === 'pending') c.status = 'open';
    const saved = await m.save(c);
    await this.event(m, c.id, 'escalated', actorId, reason, { from, to: c.tier });
    await this.audit.record(
      {
        ...context,
        action: 'support_case.escalated',
        merchantId: c.merchantId,
        resource: { type: 'support_case', id: c.id },
        change: { before: { tier: from }, after: { tier: c.tier } },
        reason,
      },
      m,
    );
    return saved;
  }

  async event(
    m: EntityManager,
    caseId: string,
    type: CaseEventType,
    actorId: string | null,
    body: string | null,
    data: Record<string, unknown> | null,
  ): Promise<SupportCaseEvent> {
    return m.save(m.create(SupportCaseEvent, { id: newId('cev'), caseId, type, actorId, body, data }));
  }
}
