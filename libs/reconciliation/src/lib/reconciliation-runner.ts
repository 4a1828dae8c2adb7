import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService, SYSTEM_ACTOR } from '@payrail/audit';
import { TransactionRunner } from '@payrail/database';
import { Clock } from '@payrail/identity';
import { ReconciliationException } from './entities/reconciliation-exception.entity';
import { ReconciliationRun, type CurrencyTotals } from './entities/reconciliation-run.entity';
import {
  GroupedStream,
  movementQuery,
  recordQuery,
  toMovement,
  toPayout,
  toRecord,
  type Window,
} from './ledger-reads';
import {
  checkPayout,
  digestLine,
  matchByAmount,
  matchPayment,
  RESULT_KINDS,
  type GatewayRecord,
  type MatchResult,
  type MatchRules,
  type Movement,
} from './matching';
import {
  DEFAULT_DATE_TOLERANCE_MS,
  RECONCILIATION_OPTIONS,
  settlementDelayFor,
  type ReconciliationOptions,
} from './reconciliation.options';
import { ResultWriter } from './result-writer';
import { SettlementImporter } from './settlement-importer';
import { SqlDialect } from './sql-dialect';

const WRITE_BATCH = 2_000;

/**
 * Executes a run: imports the window's gateway records, then walks Payrail's movements and the
 * records side by side in payment-reference order (both streamed, so memory stays flat), judges
 * each payment's group with the pure rules of `matching.ts`, checks the window's payouts, and
 * stores results, exceptions, counts, totals and the digest.
 */
@Injectable()
export class ReconciliationRunner {
  private readonly logger = new Logger('Reconciliation');
  private readonly sql: SqlDialect;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly importer: SettlementImporter,
    private readonly clock: Clock,
    @Inject(RECONCILIATION_OPTIONS) private readonly options: ReconciliationOptions,
  ) {
    this.sql = new SqlDialect(dataSource);
  }

  async execute(runId: string, { importRecords = true } = {}): Promise<ReconciliationRun> {
    const runs = this.dataSource.getRepository(ReconciliationRun);
    const run = await runs.findOneByOrFail({ id: runId });
    if (run.status === 'completed') return run;
    const started = Date.now();
    await runs.update(run.id, { status: 'running', startedAt: this.clock.now(), progress: 0, error: null });
    try {
      if (importRecords) {
        run.importedCount = await this.importer.importWindow(run, (progress) =>
          runs.update(run.id, { progress: Math.min(40, progress) }),
        );
        await runs.update(run.id, { importedCount: run.importedCount, progress: 40 });
      }
      const outcome = await this.match(run, (progress) => runs.update(run.id, { progress }));
      await runs.update(run.id, {
        status: 'completed',
        progress: 100,
        counts: outcome.counts,
        totals: outcome.totals,
        digest: outcome.digest,
        durationMs: Date.now() - started,
        finishedAt: this.clock.now(),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`run ${run.id} failed: ${message}`);
      await runs.update(run.id, {
        status: 'failed',
        error: message.slice(0, 500),
        durationMs: Date.now() - started,
        finishedAt: this.clock.now(),
      });
    }
    return runs.findOneByOrFail({ id: run.id });
  }

  /** The matching half of a run, over what is stored: for the import, and for the bench. */
  async match(
    run: ReconciliationRun,
    onProgress: (percent: number) => Promise<unknown> = async () => undefined,
  ): Promise<{ counts: Record<string, number>; totals: CurrencyTotals[]; digest: string }> {
    const now = this.clock.now();
    const rules: MatchRules = {
      now,
      settlementDelayMs: settlementDelayFor(run.gateway, this.options),
      dateToleranceMs: this.options.dateToleranceMs ?? DEFAULT_DATE_TOLERANCE_MS,
    };
    const window: Window = { connectionId: run.connectionId, from: run.windowFrom, to: run.windowTo };
    // Both sides are read a tolerance wider, so a movement at the window's edge still finds its record.
    const wide: Window = {
      ...window,
      from: new Date(window.from.getTime() - rules.dateToleranceMs),
      to: new Date(window.to.getTime() + rules.dateToleranceMs),
    };
    const inWindow = (at: Date) => at >= window.from && at < window.to;
    const belongs = (r: MatchResult) => inWindow(r.movement ? r.movement.at : r.at);

    const expected = await this.countBoth(wide);
    let seen = 0;
    let reported = 0;
    const advance = (n: number) => {
      seen += n;
    };
    const writer = new ResultWriter(this.sql, run, now);
    const hash = createHash('sha256');
    const counts: Record<string, number> = Object.fromEntries(RESULT_KINDS.map((k) => [k, 0]));
    let pending: MatchResult[] = [];
    const flush = async () => {
      const batch = pending;
      pending = [];
      if (batch.length) await this.tx.lazy((m) => writer.write(m, batch));
      const percent = 40 + Math.floor((55 * seen) / Math.max(1, expected));
      if (percent >= reported + 5) {
        reported = percent;
        await onProgress(Math.min(95, percent));
      }
    };
    const emit = async (results: MatchResult[]) => {
      for (const r of results.sort((a, b) =>
        a.targetKey < b.targetKey ? -1 : a.targetKey > b.targetKey ? 1 : 0,
      )) {
        if (!belongs(r)) continue;
        counts[r.kind] += 1;
        hash.update(`${digestLine(r)}\n`);
        pending.push(r);
      }
      if (pending.length >= WRITE_BATCH) await flush();
    };

    const mq = movementQuery(this.sql, wide);
    const rq = recordQuery(this.sql, wide);
    const movements = new GroupedStream<Movement>(
      this.sql.batches(mq.text, mq.params)[Symbol.asyncIterator](),
      (row) => toMovement(this.sql, row),
      (m) => m.paymentReference ?? '',
      advance,
    );
    const records = new GroupedStream<GatewayRecord>(
      this.sql.batches(rq.text, rq.params)[Symbol.asyncIterator](),
      (row) => toRecord(this.sql, row),
      (r) => r.paymentReference ?? '',
      advance,
    );
    const leftMovements: Movement[] = [];
    const leftRecords: GatewayRecord[] = [];
    for (;;) {
      const [mk, rk] = await Promise.all([movements.peekKey(), records.peekKey()]);
      const key = mk === null ? rk : rk === null ? mk : mk < rk ? mk : rk;
      if (key === null) break;
      const [ms, rs] = await Promise.all([movements.take(key), records.take(key)]);
      if (key === '') {
        // Neither side names a payment: only the fallback rule can pair them.
        leftMovements.push(...ms.filter((m) => m.status === 'succeeded'));
        leftRecords.push(...rs);
        continue;
      }
      const group = matchPayment(ms, rs);
      leftMovements.push(...group.unpaired);
      await emit(group.results);
    }
    await emit(matchByAmount(leftMovements, leftRecords, rules));
    await emit(await this.payoutResults(window));
    await flush();
    const digest = hash.digest('hex');
    await this.retire(run, window);
    return { counts, totals: await this.totals(window), digest };
  }

  private async countBoth(w: Window): Promise<number> {
    const p = (i: number) => this.sql.p(i);
    const params = [w.connectionId, this.sql.date(w.from), this.sql.date(w.to)];
    const [m] = (await this.dataSource.query(
      `SELECT COUNT(*) AS n FROM payment_attempts a JOIN payments p ON p.id = a.payment_id
        WHERE p.connection_id = ${p(1)} AND a.operation IN ('capture', 'refund') AND a.created_at >= ${p(2)} AND a.created_at < ${p(3)}`,
      params,
    )) as Array<{ n: unknown }>;
    const [r] = (await this.dataSource.query(
      `SELECT COUNT(*) AS n FROM settlement_records WHERE connection_id = ${p(1)} AND occurred_at >= ${p(2)} AND occurred_at < ${p(3)}`,
      params,
    )) as Array<{ n: unknown }>;
    return Number(m.n) + Number(r.n);
  }

  /** Each payout created in the window against the sum of its entries, wherever they fell. */
  private async payoutResults(w: Window): Promise<MatchResult[]> {
    const p = (i: number) => this.sql.p(i);
    const rows = (await this.dataSource.query(
      `SELECT o.payout_id, o.currency, o.amount, o.gateway_created_at,
          (SELECT COALESCE(SUM(r.net), 0) FROM settlement_records r
            WHERE r.connection_id = o.connection_id AND r.payout_id = o.payout_id AND r.kind <> 'payout') AS entries_net,
          (SELECT COUNT(*) FROM settlement_records r
            WHERE r.connection_id = o.connection_id AND r.payout_id = o.payout_id AND r.kind <> 'payout') AS entries
        FROM settlement_payouts o
        WHERE o.connection_id = ${p(1)} AND o.gateway_created_at >= ${p(2)} AND o.gateway_created_at < ${p(3)}
          AND o.status NOT IN ('failed', 'canceled')
        ORDER BY o.payout_id${this.sql.byteOrder}`,
      [w.connectionId, this.sql.date(w.from), this.sql.date(w.to)],
    )) as Record<string, unknown>[];
    return rows
      .map((row) => checkPayout(toPayout(this.sql, row), Number(row['entries_net']), Number(row['entries'])))
      .filter((r): r is MatchResult => r !== null);
  }

  /** Gross, fees and net per currency of the gateway's records in the window (payouts aside): never summed across currencies. */
  private async totals(w: Window): Promise<CurrencyTotals[]> {
    const p = (i: number) => this.sql.p(i);
    const rows = (await this.dataSource.query(
      `SELECT currency, SUM(amount) AS gross, SUM(fee) AS fees, SUM(net) AS net FROM settlement_records
        WHERE connection_id = ${p(1)} AND occurred_at >= ${p(2)} AND occurred_at < ${p(3)} AND kind <> 'payout'
          AND status NOT IN ('failed')
        GROUP BY currency ORDER BY currency`,
      [w.connectionId, this.sql.date(w.from), this.sql.date(w.to)],
    )) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      currency: String(r['currency']).toLowerCase(),
      gross: Number(r['gross']),
      fees: Number(r['fees']),
      net: Number(r['net']),
    }));
  }

  /**
   * What an earlier run found in this window and this run no longer does: its item goes, and its
   * exception resolves itself (a late record arrived, or the data was corrected), with an audit entry.
   */
  private async retire(run: ReconciliationRun, w: Window): Promise<void> {
    const p = (i: number) => this.sql.p(i);
    await this.dataSource.query(
      `DELETE FROM reconciliation_items WHERE connection_id = ${p(1)} AND run_id <> ${p(2)}
        AND occurred_at >= ${p(3)} AND occurred_at < ${p(4)}`,
      [run.connectionId, run.id, this.sql.date(w.from), this.sql.date(w.to)],
    );
    const repo = this.dataSource.getRepository(ReconciliationException);
    const stale = await repo
      .createQueryBuilder('x')
      .where('x.connectionId = :c', { c: run.connectionId })
      .andWhere('x.lastRunId <> :run', { run: run.id })
      .andWhere('x.status IN (:...open)', { open: ['open', 'acknowledged'] })
      .andWhere('x.occurredAt >= :from AND x.occurredAt < :to', { from: w.from, to: w.to })
      .getMany();
    if (!stale.length) return;
    const items = await this.dataSource.query(
      `SELECT target_key, kind FROM reconciliation_items WHERE connection_id = ${p(1)} AND target_key IN (${stale
        .map((_, i) => p(i + 2))
        .join(', ')})`,
      [run.connectionId, ...stale.map((x) => x.targetKey)],
    );
    const now = this.clock.now();
    const kindNow = new Map(
      (items as Array<{ target_key: string; kind: string }>).map((i) => [i.target_key, i.kind]),
    );
    await this.tx.run(async (m) => {
      for (const x of stale) {
        const note = `run ${run.id} finds ${kindNow.get(x.targetKey) ?? 'nothing to reconcile'} here now`;
        await m.update(ReconciliationException, x.id, {
          status: 'resolved',
          resolution: 'auto_matched',
          resolutionNote: note,
          resolvedAt: now,
          resolvedBy: null,
        });
        await this.audit.record(
          {
            ...SYSTEM_ACTOR,
            action: 'reconciliation.exception_resolved',
            merchantId: x.merchantId,
            resource: { type: 'reconciliation_exception', id: x.id },
            change: {
              before: { status: x.status, kind: x.kind },
              after: { status: 'resolved', resolution: 'auto_matched' },
            },
            reason: note,
          },
          m,
        );
      }
    });
  }
}
