import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, type DataSource } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { AuditService, type AuditActorContext } from '@payrail/audit';
import { TransactionRunner } from '@payrail/database';
import { Issue, IssueDay, IssuePayment, type IssueStatus } from './issue.entity';

export interface IssueFilters {
  merchantIds: string[] | 'all';
  status?: IssueStatus;
  gateway?: string;
  code?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** An issue id: the page after it (by last seen, newest first). */
  startingAfter?: string;
}

export interface IssueSummary {
  issue: Issue;
  payments: number;
  merchants: number;
}

/** Reading the issue log and moving issues through their statuses. */
@Injectable()
export class IssuesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  async list(f: IssueFilters): Promise<{ data: IssueSummary[]; hasMore: boolean }> {
    const qb = this.dataSource.getRepository(Issue).createQueryBuilder('i');
    if (f.status) qb.andWhere('i.status = :status', { status: f.status });
    if (f.gateway) qb.andWhere('i.gateway = :gateway', { gateway: f.gateway });
    if (f.code)
      qb.andWhere(
        new Brackets((w) => w.where('i.code = :code', { code: f.code }).orWhere('i.gateway_code = :code')),
      );
    if (f.from) qb.andWhere('i.last_seen_at >= :from', { from: f.from });
    if (f.to) qb.andWhere('i.first_seen_at < :to', { to: f.to });
    if (f.merchantIds !== 'all') {
      if (!f.merchantIds.length) return { data: [], hasMore: false };
      qb.andWhere(
        'EXISTS (SELECT 1 FROM issue_payments ip WHERE ip.issue_id = i.id AND ip.merchant_id IN (:...merchants))',
        { merchants: f.merchantIds },
      );
    }
    if (f.startingAfter) {
      const after = await this.dataSource.getRepository(Issue).findOneBy({ id: f.startingAfter });
      if (!after)
        throw ApiError.invalid('starting_after', 'starting_after is not an issue this list returned');
      qb.andWhere(
        new Brackets((w) =>
          w
            .where('i.last_seen_at < :afterSeen', { afterSeen: after.lastSeenAt })
            .orWhere('i.last_seen_at = :afterSeen AND i.id < :afterId', { afterId: after.id }),
        ),
      );
    }
    const rows = await qb
      .orderBy('i.last_seen_at', 'DESC')
      .addOrderBy('i.id', 'DESC')
      .take(f.limit + 1)
      .getMany();
    const page = rows.slice(0, f.limit);
    const counts = await this.affected(page.map((i) => i.id));
    return {
      data: page.map((issue) => ({ issue, ...(counts.get(issue.id) ?? { payments: 0, merchants: 0 }) })),
      hasMore: rows.length > f.limit,
    };
  }

  /** One issue the admin may see: a system error (no merchant) only for admins across all merchants. */
  async get(merchantIds: string[] | 'all', id: string): Promise<IssueSummary> {
    const issue = await this.dataSource.getRepository(Issue).findOneBy({ id });
    if (!issue) throw ApiError.notFound('issue', id);
    if (merchantIds !== 'all') {
      const visible =
        merchantIds.length > 0 &&
        (await this.dataSource
          .getRepository(IssuePayment)
          .createQueryBuilder('ip')
          .where('ip.issue_id = :id AND ip.merchant_id IN (:...merchantIds)', { id, merchantIds })
          .getExists());
      if (!visible) throw ApiError.notFound('issue', id);
    }
    const counts = await this.affected([id]);
    return { issue, ...(counts.get(id) ?? { payments: 0, merchants: 0 }) };
  }

  /** Occurrences per day for the last `days` days, oldest first, zeros included. */
  async trend(
    issueId: string,
    days: number,
    now = new Date(),
  ): Promise<Array<{ day: string; count: number }>> {
    const start = new Date(now.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
    const rows = await this.dataSource
      .getRepository(IssueDay)
      .createQueryBuilder('d')
      .where('d.issue_id = :issueId AND d.day >= :start', { issueId, start })
      .getMany();
    const byDay = new Map(rows.map((r) => [r.day, r.count]));
    return Array.from({ length: days }, (_, i) => {
      const day = new Date(now.getTime() - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10);
      return { day, count: byDay.get(day) ?? 0 };
    });
  }

  /** Several issues' trends at once (for a list). */
  async trends(issueIds: string[], days: number, now = new Date()): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>(issueIds.map((id) => [id, Array(days).fill(0)]));
    if (!issueIds.length) return out;
    const startMs = now.getTime() - (days - 1) * 86_400_000;
    const rows = await this.dataSource
      .getRepository(IssueDay)
      .createQueryBuilder('d')
      .where('d.issue_id IN (:...issueIds) AND d.day >= :start', {
        issueIds,
        start: new Date(startMs).toISOString().slice(0, 10),
      })
      .getMany();
    for (const r of rows) {
      const index = Math.round(
        (Date.parse(`${r.day}T00:00:00Z`) -
          Date.parse(`${new Date(startMs).toISOString().slice(0, 10)}T00:00:00Z`)) /
          86_400_000,
      );
      const series = out.get(r.issueId);
      if (series && index >= 0 && index < days) series[index] = r.count;
    }
    return out;
  }

  /** The payments an issue touched, newest first, the admin's merchants only. */
  async payments(
    issueId: string,
    merchantIds: string[] | 'all',
    limit: number,
    startingAfter?: string,
  ): Promise<{ data: IssuePayment[]; hasMore: boolean }> {
    const qb = this.dataSource
      .getRepository(IssuePayment)
      .createQueryBuilder('ip')
      .where('ip.issue_id = :issueId', { issueId });
    if (merchantIds !== 'all')
      qb.andWhere('ip.merchant_id IN (:...merchantIds)', {
        merchantIds: merchantIds.length ? merchantIds : ['-'],
      });
    if (startingAfter) qb.andWhere('ip.payment_id < :after', { after: startingAfter });
    const rows = await qb
      .orderBy('ip.payment_id', 'DESC')
      .take(limit + 1)
      .getMany();
    return { data: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  async setStatus(
    merchantIds: string[] | 'all',
    id: string,
    status: IssueStatus,
    context: AuditActorContext,
  ): Promise<IssueSummary> {
    await this.get(merchantIds, id);
    await this.tx.run(async (m) => {
      const issue = await m.findOneByOrFail(Issue, { id });
      if (issue.status === status) return;
      const before = issue.status;
      issue.status = status;
      issue.resolvedAt = status === 'resolved' ? new Date() : null;
      // A regression is news until someone resolves it again.
      if (status === 'resolved') issue.regression = false;
      await m.save(issue);
      await this.audit.record(
        {
          ...context,
          action: 'issue.status_changed',
          resource: { type: 'issue', id },
          change: { before: { status: before }, after: { status } },
        },
        m,
      );
    });
    return this.get(merchantIds, id);
  }

  private async affected(ids: string[]): Promise<Map<string, { payments: number; merchants: number }>> {
    if (!ids.length) return new Map();
    const rows: Array<{ issue_id: string; payments: string | number; merchants: string | number }> =
      await this.dataSource
        .getRepository(IssuePayment)
        .createQueryBuilder('ip')
        .select('ip.issue_id', 'issue_id')
        .addSelect('COUNT(*)', 'payments')
        .addSelect('COUNT(DISTINCT ip.merchant_id)', 'merchants')
        .where('ip.issue_id IN (:...ids)', { ids })
        .groupBy('ip.issue_id')
        .getRawMany();
    return new Map(
      rows.map((r) => [r.issue_id, { payments: Number(r.payments), merchants: Number(r.merchants) }]),
    );
  }
}
