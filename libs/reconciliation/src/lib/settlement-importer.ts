import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { newId, TransactionRunner } from '@payrail/database';
import { ConnectionService } from '@payrail/gateways';
import {
  settlementPages,
  type SettlementPage,
  type SettlementPayout,
  type SettlementRecord,
} from '@payrail/plugin-sdk';
import type { ReconciliationRun } from './entities/reconciliation-run.entity';
import { SettlementRecordRow } from './entities/settlement-record.entity';
import { SqlDialect } from './sql-dialect';

/** What one page of the plugin's settlement data carries (plugin-sdk `SettlementPage`). */
export type ImportedRecord = SettlementRecord;
export type ImportedPayout = SettlementPayout;

const PAGE_SIZE = 500;

/**
 * Imports a connection's settlement data for a run's window through its plugin, page by page,
 * each page in one transaction. Rows are unique per connection on the plugin's dedupe key: seen
 * again, the gateway's later status, availability, payout and raw row replace the stored ones,
 * and nothing is added twice.
 */
@Injectable()
export class SettlementImporter {
  private readonly sql: SqlDialect;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly connections: ConnectionService,
  ) {
    this.sql = new SqlDialect(dataSource);
  }

  /** The number of records the window added; `onProgress` hears a rough percentage of the import. */
  async importWindow(
    run: ReconciliationRun,
    onProgress: (percent: number) => Promise<unknown>,
  ): Promise<number> {
    const record = await this.connections.findById(run.connectionId);
    if (!record) throw new Error(`connection ${run.connectionId} no longer exists`);
    const gateway = this.connections.gatewayFor(record);
    if (!gateway.capabilities.settlementReports) return 0;
    const connection = await this.connections.toGatewayConnection(record);
    let added = 0;
    let pages = 0;
    const sincePrevious = new Map<string, SettlementPayout>();
    for await (const page of settlementPages(gateway, connection, {
      from: run.windowFrom,
      to: run.windowTo,
      pageSize: PAGE_SIZE,
    })) {
      added += await this.tx.run((m) => this.store(m, run, page));
      for (const payout of page.payouts)
        if (payout.entries === 'since_previous_payout') sincePrevious.set(payout.id, payout);
      pages += 1;
      await onProgress(Math.round(40 * (1 - 1 / (pages + 1))));
    }
    if (sincePrevious.size)
      await this.tx.run((m) => this.linkSincePrevious(m, run.connectionId, [...sincePrevious.values()]));
    return added;
  }

  /**
   * A payout that names no rows (PayPal's withdrawals) takes as its entries the same-currency
   * records after the previous payout, up to its own time; rows already linked stay as they are.
   * The gateway's clock counts whole seconds, so rows in the payout's own second are its entries
   * only when, with them, the entries add up to the payout; otherwise they wait for the next one.
   */
  private async linkSincePrevious(
    m: EntityManager,
    connectionId: string,
    payouts: SettlementPayout[],
  ): Promise<void> {
    const p = (i: number) => this.sql.p(i);
    for (const payout of [...payouts].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
      const currency = payout.currency.toLowerCase();
      const until = this.sql.date(payout.createdAt);
      const [previous] = (await m.query(
        `SELECT MAX(gateway_created_at) AS at FROM settlement_payouts
          WHERE connection_id = ${p(1)} AND currency = ${p(2)} AND gateway_created_at < ${p(3)}
            AND status NOT IN ('failed', 'canceled')`,
        [connectionId, currency, until],
      )) as Array<{ at: unknown }>;
      // Placeholders are positional on SQLite: each statement lists its values in the order used.
      const scope = [connectionId, currency, ...(previous?.at ? [previous.at] : [])];
      const where = (first: number) =>
        `connection_id = ${p(first)} AND currency = ${p(first + 1)} AND payout_id IS NULL AND kind <> 'payout'` +
        (previous?.at ? ` AND occurred_at > ${p(first + 2)}` : '');
      const next = scope.length + 1;
      const [sums] = (await m.query(
        `SELECT COALESCE(SUM(net), 0) AS through FROM settlement_records
          WHERE ${where(1)} AND occurred_at <= ${p(next)}`,
        [...scope, until],
      )) as Array<{ through: unknown }>;
      const includeSameSecond = Number(sums?.through ?? 0) === payout.amount;
      await m.query(
        `UPDATE settlement_records SET payout_id = ${p(1)}
          WHERE ${where(2)} AND occurred_at ${includeSameSecond ? '<=' : '<'} ${p(next + 1)}`,
        [payout.id, ...scope, until],
      );
    }
  }

  /** One page: records upserted on their dedupe key, payouts on their id. Returns how many records are new. */
  async store(
    m: EntityManager,
    run: Pick<ReconciliationRun, 'id' | 'connectionId' | 'merchantId' | 'gateway'>,
    page: Pick<SettlementPage, 'records' | 'payouts'>,
  ): Promise<number> {
    let added = 0;
    const now = this.sql.date(new Date());
    // The same key twice in one page is one row: the later wins, as a later import would.
    const records = [...new Map(page.records.map((r) => [r.dedupeKey, r])).values()];
    const payouts = [...new Map(page.payouts.map((p) => [p.id, p])).values()];
    if (records.length) {
      const known = await m.find(SettlementRecordRow, {
        where: { connectionId: run.connectionId, dedupKey: In(records.map((r) => r.dedupeKey)) },
        select: { id: true, dedupKey: true },
      });
      const seen = new Set(known.map((k) => k.dedupKey));
      added = records.filter((r) => !seen.has(r.dedupeKey)).length;
      const rows = records.map((r) => [
        newId('srec'),
        run.connectionId,
        run.merchantId,
        run.gateway,
        r.dedupeKey,
        r.id,
        r.kind,
        r.gatewayType.slice(0, 40),
        r.paymentReference ?? null,
        r.captureReference ?? null,
        r.refundReference ?? null,
        r.disputeReference ?? null,
        r.payoutId ?? null,
        r.status,
        r.currency.toLowerCase(),
        r.amount,
        r.fee,
        r.net,
        this.sql.date(r.occurredAt),
        r.availableOn ? this.sql.date(r.availableOn) : null,
        JSON.stringify(r.raw ?? {}),
        run.id,
        now,
        now,
      ]);
      await this.sql.insertMany(
        m,
        `INSERT INTO settlement_records (id, connection_id, merchant_id, gateway, dedup_key, reference, kind, gateway_type,
          payment_reference, capture_reference, refund_reference, dispute_reference, payout_id, status, currency,
          amount, fee, net, occurred_at, available_on, raw, import_run_id, created_at, updated_at)`,
        24,
        rows,
        `ON CONFLICT (connection_id, dedup_key) DO UPDATE SET reference = excluded.reference, status = excluded.status,
          available_on = COALESCE(excluded.available_on, settlement_records.available_on),
          payout_id = COALESCE(excluded.payout_id, settlement_records.payout_id),
          raw = excluded.raw, updated_at = excluded.updated_at
        WHERE ${this.sql.differs('settlement_records.reference', 'excluded.reference')}
          OR ${this.sql.differs('settlement_records.status', 'excluded.status')}
          OR (excluded.available_on IS NOT NULL AND ${this.sql.differs('settlement_records.available_on', 'excluded.available_on')})
          OR (excluded.payout_id IS NOT NULL AND ${this.sql.differs('settlement_records.payout_id', 'excluded.payout_id')})
          OR settlement_records.raw <> excluded.raw`,
      );
    }
    if (payouts.length) {
      const rows = payouts.map((p) => [
        newId('spo'),
        run.connectionId,
        p.id,
        p.status,
        p.currency.toLowerCase(),
        p.amount,
        p.fee,
        this.sql.date(p.createdAt),
        p.arrivalDate ? this.sql.date(p.arrivalDate) : null,
        JSON.stringify(p.raw ?? {}),
        now,
        now,
      ]);
      await this.sql.insertMany(
        m,
        `INSERT INTO settlement_payouts (id, connection_id, payout_id, status, currency, amount, fee,
          gateway_created_at, arrival_date, raw, created_at, updated_at)`,
        12,
        rows,
        `ON CONFLICT (connection_id, payout_id) DO UPDATE SET status = excluded.status, amount = excluded.amount,
          fee = excluded.fee, arrival_date = excluded.arrival_date, raw = excluded.raw, updated_at = excluded.updated_at`,
      );
    }
    return added;
  }
}
