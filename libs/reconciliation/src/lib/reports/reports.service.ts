import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ReportSummaryRow } from '@payrail/api-contract';
import type { GatewayErrorCode } from '@payrail/plugin-sdk';
import { SqlDialect } from '../sql-dialect';
import { groupExpression, paymentWhere, type GroupBy, type ReportFilter } from './report-filters';

/** Failures that are the card's or the bank's refusal (402 declines), as against errors and outages. */
export const DECLINE_CODES: readonly GatewayErrorCode[] = [
  'card_declined',
  'insufficient_funds',
  'expired_card',
  'incorrect_cvc',
  'invalid_card_number',
  'authentication_required',
  'fraud_suspected',
];

/** Statuses of a payment that was authorized at some point. */
const AUTHORIZED = [
  'authorized',
  'partially_captured',
  'captured',
  'partially_refunded',
  'refunded',
  'voided',
];

/**
 * The summary report: per group and currency, counts and amounts in that currency's minor units
 * (never summed across currencies), aggregated by the database. Fees and net come from
 * reconciliation (each movement's fee as the gateway reported it) where it has settlement data.
 */
@Injectable()
export class ReportsService {
  private readonly sql: SqlDialect;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.sql = new SqlDialect(dataSource);
  }

  async summary(filter: ReportFilter, groupBy: GroupBy): Promise<ReportSummaryRow[]> {
    const where = paymentWhere(this.sql, filter);
    const quote = (list: readonly string[]) => list.map((s) => `'${s}'`).join(', ');
    const declined = `p.status = 'failed' AND p.failure_code IN (${quote(DECLINE_CODES)})`;
    const rows = (await this.dataSource.query(
      `SELECT ${groupExpression(this.sql, groupBy)} AS grp, LOWER(p.currency) AS currency,
          COUNT(*) AS payment_count,
          SUM(CASE WHEN p.status IN (${quote(AUTHORIZED)}) THEN 1 ELSE 0 END) AS authorized_count,
          SUM(CASE WHEN p.status IN (${quote(AUTHORIZED)}) THEN p.amount ELSE 0 END) AS authorized_amount,
          SUM(CASE WHEN p.amount_captured > 0 THEN 1 ELSE 0 END) AS captured_count,
          SUM(p.amount_captured) AS captured_amount,
          SUM(CASE WHEN p.amount_refunded > 0 THEN 1 ELSE 0 END) AS refunded_count,
          SUM(p.amount_refunded) AS refunded_amount,
          SUM(CASE WHEN ${declined} THEN 1 ELSE 0 END) AS declined_count,
          SUM(CASE WHEN p.status = 'failed' AND NOT (${declined}) THEN 1 ELSE 0 END) AS failed_count,
          SUM(CASE WHEN f.fee IS NULL THEN 0 ELSE 1 END) AS settled_count,
          SUM(COALESCE(f.fee, 0)) AS fee_amount,
          SUM(CASE WHEN d.lost IS NULL THEN 0 ELSE 1 END) AS disputes_lost_count,
          SUM(COALESCE(d.lost, 0)) AS disputes_lost_amount
        FROM payments p
        LEFT JOIN (SELECT payment_id, SUM(fee) AS fee FROM reconciliation_items
          WHERE payment_id IS NOT NULL AND fee IS NOT NULL GROUP BY payment_id) f ON f.payment_id = p.id
        LEFT JOIN (SELECT payment_id, SUM(amount) AS lost FROM disputes
          WHERE status = 'lost' GROUP BY payment_id) d ON d.payment_id = p.id
        WHERE ${where.clause}
        GROUP BY ${groupExpression(this.sql, groupBy)}, LOWER(p.currency)
        ORDER BY grp, currency`,
      where.params,
    )) as Array<Record<string, unknown>>;
    return rows.map((r) => {
      const n = (k: string) => Number(r[k] ?? 0);
      const succeeded = n('authorized_count');
      const tried = succeeded + n('declined_count') + n('failed_count');
      const row: ReportSummaryRow = {
        group: String(r['grp']),
        currency: String(r['currency']),
        payment_count: n('payment_count'),
        authorized_count: succeeded,
        authorized_amount: n('authorized_amount'),
        captured_count: n('captured_count'),
        captured_amount: n('captured_amount'),
        refunded_count: n('refunded_count'),
        refunded_amount: n('refunded_amount'),
        declined_count: n('declined_count'),
        failed_count: n('failed_count'),
        success_rate: tried ? Math.round((succeeded / tried) * 10_000) / 10_000 : null,
        disputes_lost_count: n('disputes_lost_count'),
        disputes_lost_amount: n('disputes_lost_amount'),
      };
      if (n('settled_count') > 0) {
        row.fee_amount = n('fee_amount');
        // A lost dispute took its amount back from the merchant: it comes off the net.
        row.net_amount =
          row.captured_amount - row.refunded_amount - row.fee_amount - row.disputes_lost_amount;
      }
      return row;
    });
  }
}
