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
  M,
  M_TYPES,
  movementQuery,
  R,
  R_TYPES,
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
import { ResultWriter, type ResultBatch } from './result-writer';
import { SettlementImporter } from './settlement-importer';
import { SqlDialect } from './sql-dialect';

/**
 * Results per write, each a transaction. SQLite's are small enough that a batch dies young (it is
 * garbage before the collector would move it to the old generation, which is what a run's peak
 * memory is made of). PostgreSQL's hold their items as COPY bytes outside the heap (see
 * `CopyTextBuffer`), so they can be larger: fewer statements, each written while the next batch
 * is matched.
 */
const WRITE_BATCH = { sqlite: 2_000, postgres: 10_000 };
/** Digest lines hashed at a time. */
const HASH_LINES = 200;
/**
 * Rows per read from each side. On PostgreSQL a read is a slice of one COPY stream, not a round
 * trip, so a small batch costs nothing there and lets each batch die before the young
 * generation's second collection: at 2,000 rows most of them were copied and promoted.
 */
const READ_BATCH = { sqlite: 2_000, postgres: 500 };
/** Items written by a run past which PostgreSQL's statistics of the table are refreshed. */
const ANALYZE_AFTER_WRITES = 100_000;

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

  /**
   * The matching half of a run, over what is stored: for the import, and for the bench. When the
   * connection's latest completed run covered the same window, a first pass only computes the
   * digest; if it is that run's and no record or attempt changed since that run finished, the
   * stored items are already this run's and nothing is rewritten (its exceptions are carried
   * over). Otherwise, or with no such run, one pass writes every result.
   */
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
    const previous = await this.previousOfWindow(run);
    if (previous?.digest && previous.finishedAt) {
      const dry = await this.pass(run, rules, window, null, (p) =>
        onProgress(40 + Math.floor((p * 25) / 100)),
      );
      if (
        dry.digest === previous.digest &&
        (dry.lastChange === null || dry.lastChange < previous.finishedAt)
      ) {
        await this.carryOver(run, previous, now);
        await this.retire(run, window, dry.written);
        return dry;
      }
      const full = await this.pass(run, rules, window, new ResultWriter(this.sql, run, now), (p) =>
        onProgress(65 + Math.floor((p * 30) / 100)),
      );
      await this.retire(run, window, full.written);
      await this.analyzeAfter(full.written);
      return full;
    }
    const full = await this.pass(run, rules, window, new ResultWriter(this.sql, run, now), (p) =>
      onProgress(40 + Math.floor((p * 55) / 100)),
    );
    await this.retire(run, window, full.written);
    await this.analyzeAfter(full.written);
    return full;
  }

  /**
   * After a large write PostgreSQL's statistics of the items lag until autovacuum gets to them,
   * and an export planned on "nearly empty" joins them in a nested loop: they are refreshed at
   * once (a sample, a fraction of a second).
   */
  private async analyzeAfter(written: number): Promise<void> {
    if (this.sql.postgres && written >= ANALYZE_AFTER_WRITES)
      await this.dataSource.query('ANALYZE reconciliation_items');
  }

  /** The connection's latest completed run, when it covered exactly this window. */
  private async previousOfWindow(run: ReconciliationRun): Promise<ReconciliationRun | null> {
    const latest = await this.dataSource
      .getRepository(ReconciliationRun)
      .createQueryBuilder('r')
      .where('r.connectionId = :c', { c: run.connectionId })
      .andWhere("r.status = 'completed'")
      .andWhere('r.id <> :id', { id: run.id })
      .orderBy('r.finishedAt', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .getOne();
    if (!latest) return null;
    const same =
      latest.windowFrom.getTime() === run.windowFrom.getTime() &&
      latest.windowTo.getTime() === run.windowTo.getTime();
    return same ? latest : null;
  }

  /** The exceptions the previous run saw are this run's too: the same results, so the same exceptions. */
  private async carryOver(run: ReconciliationRun, previous: ReconciliationRun, now: Date): Promise<void> {
    const p = (i: number) => this.sql.p(i);
    await this.dataSource.query(
      `UPDATE reconciliation_exceptions SET last_run_id = ${p(1)}, last_seen_at = ${p(2)}, updated_at = ${p(3)}
        WHERE connection_id = ${p(4)} AND last_run_id = ${p(5)}`,
      [run.id, this.sql.date(now), this.sql.date(now), run.connectionId, previous.id],
    );
  }

  /**
   * One walk of both sides in payment-reference order, judging each payment's group; with a
   * writer, every result that belongs to the window is stored as it goes (`onProgress` in percent
   * of the walk).
   */
  private async pass(
    run: ReconciliationRun,
    rules: MatchRules,
    window: Window,
    writer: ResultWriter | null,
    onProgress: (percent: number) => Promise<unknown>,
  ): Promise<{
    counts: Record<string, number>;
    totals: CurrencyTotals[];
    digest: string;
    written: number;
    lastChange: Date | null;
  }> {
    // Both sides are read a tolerance wider, so a movement at the window's edge still finds its record.
    const wide: Window = {
      ...window,
      from: new Date(window.from.getTime() - rules.dateToleranceMs),
      to: new Date(window.to.getTime() + rules.dateToleranceMs),
    };
    // Compared as milliseconds: a relational operator on two Dates converts both to primitives first.
    const [fromMs, toMs] = [window.from.getTime(), window.to.getTime()];
    const inWindow = (at: Date) => {
      const ms = at.getTime();
      return ms >= fromMs && ms < toMs;
    };
    const belongs = (r: MatchResult) => inWindow(r.movement ? r.movement.at : r.at);

    const expected = await this.countRecords(wide);
    let seen = 0;
    let reported = 0;
    const hash = createHash('sha256');
    const counts: Record<string, number> = Object.fromEntries(RESULT_KINDS.map((k) => [k, 0]));
    let batch = writer?.batch() ?? null;
    let written = 0;
    let unflushed = 0;
    // The digest's lines, hashed a few hundred at a time (the same digest as line by line): the
    // text is garbage before the collector would have to copy it.
    let hashed = '';
    let hashedLines = 0;
    if (writer) await writer.prepare(this.dataSource.manager);
    // A batch in its own transaction; a plain insert that met an item is written again as an upsert.
    const store = (w: ResultWriter, b: ResultBatch) =>
      this.tx
        .lazy((m) => w.write(m, b))
        .catch((error: unknown) => {
          if (w.conflicted(error)) return this.tx.lazy((m) => w.write(m, b));
          throw error;
        });
    // One write in flight at a time, so reading and matching go on while the database writes.
    let writing: Promise<void> = Promise.resolve();
    let failure: unknown = null;
    const settle = async () => {
      await writing;
      if (failure) throw failure;
    };
    const flush = async () => {
      const full = batch;
      batch = writer?.batch() ?? null;
      unflushed = 0;
      await settle();
      hash.update(hashed);
      hashed = '';
      hashedLines = 0;
      // SQLite writes on this thread, so it is simply awaited; PostgreSQL writes in its own process
      // while this one goes on reading and matching.
      if (writer && full?.size && !this.sql.postgres) await store(writer, full);
      else if (writer && full?.size)
        writing = store(writer, full).then(
          () => undefined,
          (error: unknown) => void (failure = error),
        );
      const percent = Math.floor((100 * seen) / Math.max(1, expected));
      if (percent >= reported + 10) {
        reported = percent;
        await onProgress(Math.min(100, percent));
      }
    };
    const emit = async (results: MatchResult[]) => {
      for (const r of results.sort((a, b) =>
        a.targetKey < b.targetKey ? -1 : a.targetKey > b.targetKey ? 1 : 0,
      )) {
        if (!belongs(r)) continue;
        counts[r.kind] += 1;
        hashed += `${digestLine(r)}\n`;
        if (++hashedLines >= HASH_LINES) {
          hash.update(hashed);
          hashed = '';
          hashedLines = 0;
        }
        written += 1;
        unflushed += 1;
        if (writer && batch) writer.add(batch, r);
      }
      if (unflushed >= (this.sql.postgres ? WRITE_BATCH.postgres : WRITE_BATCH.sqlite)) await flush();
    };
    // The window's totals, from the records as they stream past (payout rows are not read).
    const sums = new Map<string, CurrencyTotals>();
    // The newest `updated_at` read, as the driver gave it: most rows are compared without a Date.
    let newest: unknown = null;
    const touch = (updatedAt: unknown) => {
      if (newest === null || this.sql.later(updatedAt, newest)) newest = updatedAt;
    };
    const tally = (r: GatewayRecord) => {
      if (r.status === 'failed' || !inWindow(r.occurredAt)) return;
      let t = sums.get(r.currency);
      if (!t) sums.set(r.currency, (t = { currency: r.currency, gross: 0, fees: 0, net: 0 }));
      t.gross += r.amount;
      t.fees += r.fee;
      t.net += r.net;
    };

    const readBatch = this.sql.postgres ? READ_BATCH.postgres : READ_BATCH.sqlite;
    const mq = movementQuery(this.sql, wide);
    const rq = recordQuery(this.sql, wide);
    const movements = new GroupedStream<Movement>(
      this.sql.rows(mq.text, mq.params, readBatch, M_TYPES)[Symbol.asyncIterator](),
      (row) => {
        touch(row[M.updatedAt]);
        return toMovement(this.sql, row);
      },
      (m) => m.paymentReference ?? '',
    );
    const records = new GroupedStream<GatewayRecord>(
      this.sql.rows(rq.text, rq.params, readBatch, R_TYPES)[Symbol.asyncIterator](),
      (row) => {
        touch(row[R.updatedAt]);
        const record = toRecord(this.sql, row);
        tally(record);
        return record;
      },
      (r) => r.paymentReference ?? '',
      (n) => (seen += n),
    );
    const leftMovements: Movement[] = [];
    const leftRecords: GatewayRecord[] = [];
    for (;;) {
      // Each side answers at once while its batch lasts; only a batch boundary is awaited (both
      // sides' reads together, as on PostgreSQL each is a round trip).
      let mk = movements.peekKey();
      let rk = records.peekKey();
      if (mk instanceof Promise || rk instanceof Promise) [mk, rk] = await Promise.all([mk, rk]);
      const key = mk === null ? rk : rk === null ? mk : mk < rk ? mk : rk;
      if (key === null) break;
      let ms = movements.take(key);
      let rs = records.take(key);
      if (ms instanceof Promise || rs instanceof Promise) [ms, rs] = await Promise.all([ms, rs]);
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
    await settle();
    const totals = [...sums.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1));
    const lastChange = newest === null ? null : this.sql.readDate(newest);
    return { counts, totals, digest: hash.digest('hex'), written, lastChange };
  }

  /** The records the merge will read (an index-only count): what the run's progress is measured in. */
  private async countRecords(w: Window): Promise<number> {
    const p = (i: number) => this.sql.p(i);
    const [r] = (await this.dataSource.query(
      `SELECT COUNT(*) AS n FROM settlement_records WHERE connection_id = ${p(1)} AND occurred_at >= ${p(2)} AND occurred_at < ${p(3)}`,
      [w.connectionId, this.sql.date(w.from), this.sql.date(w.to)],
    )) as Array<{ n: unknown }>;
    return Number(r.n);
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

  /**
   * What an earlier run found in this window and this run no longer does (`written`: the items
   * this run stored there): its item goes, and its exception resolves itself (a late record arrived, or the data was corrected), with an audit entry.
   */
  private async retire(run: ReconciliationRun, w: Window, written: number): Promise<void> {
    const p = (i: number) => this.sql.p(i);
    // Only when the window holds more items than this run wrote is one of them another run's (an index-only count).
    const [{ n }] = (await this.dataSource.query(
      `SELECT COUNT(*) AS n FROM reconciliation_items WHERE connection_id = ${p(1)}
        AND occurred_at >= ${p(2)} AND occurred_at < ${p(3)}`,
      [run.connectionId, this.sql.date(w.from), this.sql.date(w.to)],
    )) as Array<{ n: unknown }>;
    if (Number(n) > written)
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
