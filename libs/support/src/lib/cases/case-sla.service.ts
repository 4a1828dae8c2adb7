import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '@payrail/audit';
import { TransactionRunner } from '@payrail/database';
import { JobQueue, JobScheduler } from '@payrail/jobs';
import { SUPPORT_OPTIONS, type SupportOptions } from '../support.options';
import { SupportCase } from './case.entities';
import { CaseNotifier, type CaseNotice } from './case-notifier';
import { CasesService } from './cases.service';
import { judgeTarget, type SlaTargetName } from './sla';
import { SupportClock } from './support-clock';

export const SLA_SWEEP_QUEUE = 'support.sla_sweep';

/**
 * Watches running SLA targets: a target about to breach, or breached, escalates its case one
 * tier (each target once) and notifies; a breach is recorded and notified once. Idempotent: a
 * sweep run twice, or cut short, changes nothing a finished one would not.
 */
@Injectable()
export class CaseSlaService implements OnModuleInit {
  private readonly logger = new Logger('SupportSla');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SUPPORT_OPTIONS) private readonly options: SupportOptions,
    private readonly tx: TransactionRunner,
    private readonly cases: CasesService,
    private readonly clock: SupportClock,
    private readonly notifier: CaseNotifier,
    private readonly jobs: JobQueue,
    private readonly scheduler: JobScheduler,
  ) {}

  onModuleInit(): void {
    this.jobs.define(SLA_SWEEP_QUEUE, async () => void (await this.sweep()), {
      maxAttempts: 1,
      concurrency: 1,
    });
    if (this.options.slaSweepMs) this.scheduler.every(SLA_SWEEP_QUEUE, this.options.slaSweepMs);
  }

  /** Returns how many cases it escalated or marked breached. */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    const open = await this.dataSource.getRepository(SupportCase).find({
      where: { status: In(['new', 'open', 'pending']) },
      take: 1000,
      order: { firstResponseDueAt: 'ASC' },
    });
    let touched = 0;
    for (const candidate of open) {
      const notices: Array<{ type: CaseNotice; reason: string }> = [];
      const changed = await this.tx.run(async (m) => {
        const c = await m.findOneBy(SupportCase, { id: candidate.id });
        if (!c || !['new', 'open', 'pending'].includes(c.status)) return null;
        let dirty = false;
        const targets: Array<[SlaTargetName, Date, Date | null]> = [
          ['first_response', c.firstResponseDueAt, c.firstRespondedAt],
          ['resolution', c.resolutionDueAt, c.resolvedAt],
        ];
        for (const [name, dueAt, doneAt] of targets) {
          const verdict = judgeTarget(name, dueAt, doneAt, now, c.slaTerms);
          if (doneAt) continue;
          const breached = verdict.state === 'missed';
          if ((breached || verdict.atRisk) && !c.escalatedTargets.includes(name)) {
            c.escalatedTargets = [...c.escalatedTargets, name];
            await this.cases.event(m, c.id, breached ? 'sla_breached' : 'sla_at_risk', null, verdict.reason, {
              target: name,
              due_at: dueAt.toISOString(),
            });
            if (breached) c.breachedTargets = [...c.breachedTargets, name];
            if (c.tier !== 'L3') await this.cases.raiseTier(m, c, verdict.reason, null, SYSTEM_ACTOR);
            notices.push({
              type: breached ? 'support_case.sla_breached' : 'support_case.sla_at_risk',
              reason: verdict.reason,
            });
            dirty = true;
          } else if (breached && !c.breachedTargets.includes(name)) {
            c.breachedTargets = [...c.breachedTargets, name];
            await this.cases.event(m, c.id, 'sla_breached', null, verdict.reason, {
              target: name,
              due_at: dueAt.toISOString(),
            });
            notices.push({ type: 'support_case.sla_breached', reason: verdict.reason });
            dirty = true;
          }
        }
        return dirty ? m.save(c) : null;
      });
      if (!changed) continue;
      touched++;
      for (const n of notices) await this.notifier.notify(changed, n.type, n.reason);
    }
    if (touched) this.logger.log(`SLA sweep escalated or flagged ${touched} case(s)`);
    return touched;
  }
}
