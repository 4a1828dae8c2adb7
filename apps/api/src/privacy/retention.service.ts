import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, register } from 'prom-client';
import type { EntityManager } from 'typeorm';
import { AuditService, type AuditActorContext } from '@payrail/audit';
import { TransactionRunner } from '@payrail/database';
import { PAYRAIL_CONFIG, type PayrailConfig } from '../app/config';
import { updateById } from './raw-update';
import { RETENTION_CLASSES, type RetentionClass, type RetentionTarget } from './retention-classes';

const DAY_MS = 24 * 3600_000;
/** Rows removed per transaction: small enough to keep locks short, large enough to finish a day's backlog. */
export const RETENTION_BATCH = 500;

const purged =
  (register.getSingleMetric('payrail_retention_purged_rows_total') as Counter<'class'> | undefined) ??
  new Counter({
    name: 'payrail_retention_purged_rows_total',
    help: 'Rows removed (or emptied) by the retention purge, by retention class',
    labelNames: ['class'],
  });
const lastPurge =
  (register.getSingleMetric('payrail_retention_last_purge_seconds') as Gauge | undefined) ??
  new Gauge({
    name: 'payrail_retention_last_purge_seconds',
    help: 'When the retention purge last finished (Unix time)',
  });

export interface RetentionClassReport {
  name: string;
  description: string;
  days: number;
  cutoff: string;
  /** Dry run: rows that would go now; purge: rows that went. */
  rows: number;
}

export interface RetentionReport {
  dry_run: boolean;
  at: string;
  classes: RetentionClassReport[];
}

/** An open access request needs every row of its merchant: none of them goes while it is open. */
const OPEN_ACCESS_REQUEST = (merchantColumn: string) =>
  `NOT EXISTS (SELECT 1 FROM privacy_requests r WHERE r.merchant_id = t.${merchantColumn} AND r.type = 'access' AND r.status IN ('pending', 'processing', 'blocked'))`;

function conditions(target: RetentionTarget): string {
  return [
    `${target.age} < :cutoff`,
    ...(target.when ?? []),
    ...(target.merchantColumn ? [OPEN_ACCESS_REQUEST(target.merchantColumn)] : []),
  ]
    .map((c) => `(${c})`)
    .join(' AND ');
}

/** The retention purge: per class, rows older than its period go, in batches, each batch one transaction. */
@Injectable()
export class RetentionService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    @Inject(PAYRAIL_CONFIG) private readonly config: PayrailConfig,
  ) {}

  days(name: string): number {
    return (
      this.config.retentionDays[name] ?? RETENTION_CLASSES.find((c) => c.name === name)?.defaultDays ?? 0
    );
  }

  private cutoff(retention: RetentionClass, now: Date): Date {
    return new Date(now.getTime() - this.days(retention.name) * DAY_MS);
  }

  /** What a purge now would take, per class; changes nothing. */
  async dryRun(now = new Date()): Promise<RetentionReport> {
    const m = this.tx.dataSource.manager;
    const classes: RetentionClassReport[] = [];
    for (const retention of RETENTION_CLASSES) {
      const cutoff = this.cutoff(retention, now);
      let rows = 0;
      for (const target of retention.targets) {
        const found = await m
          .createQueryBuilder()
          .select('COUNT(*)', 'n')
          .from(target.table, 't')
          .where(conditions(target), { cutoff })
          .getRawOne<{ n: string | number }>();
        rows += Number(found?.n ?? 0);
      }
      classes.push(this.report(retention, cutoff, rows));
    }
    return { dry_run: true, at: now.toISOString(), classes };
  }

  /** Removes what retention no longer allows; one audit entry for the run, with the counts per class. */
  async purge(now = new Date(), context?: AuditActorContext): Promise<RetentionReport> {
    const classes: RetentionClassReport[] = [];
    for (const retention of RETENTION_CLASSES) {
      const cutoff = this.cutoff(retention, now);
      let rows = 0;
      for (const target of retention.targets) rows += await this.purgeTarget(target, cutoff);
      if (rows) purged.inc({ class: retention.name }, rows);
      classes.push(this.report(retention, cutoff, rows));
    }
    await this.audit.record({
      ...(context ?? { actor: { type: 'system', id: 'payrail' } }),
      action: 'retention.purged',
      resource: { type: 'retention', id: null },
      change: {
        after: Object.fromEntries(classes.map((c) => [c.name, { rows: c.rows, cutoff: c.cutoff }])),
      },
    });
    lastPurge.set(Date.now() / 1000);
    return { dry_run: false, at: now.toISOString(), classes };
  }

  private report(retention: RetentionClass, cutoff: Date, rows: number): RetentionClassReport {
    return {
      name: retention.name,
      description: retention.description,
      days: this.days(retention.name),
      cutoff: cutoff.toISOString(),
      rows,
    };
  }

  private async purgeTarget(target: RetentionTarget, cutoff: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const removed = await this.tx.run(async (m) => {
        const ids = (
          await m
            .createQueryBuilder()
            .select('t.id', 'id')
            .from(target.table, 't')
            .where(conditions(target), { cutoff })
            .orderBy('t.id')
            .limit(RETENTION_BATCH)
            .getRawMany<{ id: string }>()
        ).map((r) => r.id);
        if (!ids.length) return 0;
        if (target.clear) {
          await updateById(m, target.table, target.clear, ids);
          return ids.length;
        }
        for (const child of target.children ?? []) await this.removeChildren(m, child, ids);
        await m.createQueryBuilder().delete().from(target.table).where('id IN (:...ids)', { ids }).execute();
        return ids.length;
      });
      total += removed;
      if (removed < RETENTION_BATCH) return total;
    }
  }

  private async removeChildren(
    m: EntityManager,
    child: NonNullable<RetentionTarget['children']>[number],
    parentIds: string[],
  ): Promise<void> {
    if (child.children?.length) {
      const ids = (
        await m
          .createQueryBuilder()
          .select('c.id', 'id')
          .from(child.table, 'c')
          .where(`c.${child.column} IN (:...parentIds)`, { parentIds })
          .getRawMany<{ id: string }>()
      ).map((r) => r.id);
      if (ids.length) for (const grandchild of child.children) await this.removeChildren(m, grandchild, ids);
    }
    await m
      .createQueryBuilder()
      .delete()
      .from(child.table)
      .where(`${child.column} IN (:...parentIds)`, { parentIds })
      .execute();
  }
}
