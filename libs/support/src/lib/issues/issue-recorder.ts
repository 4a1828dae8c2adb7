import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { newId, TransactionRunner } from '@payrail/database';
import { redactText } from '@payrail/plugin-sdk';
import type { IssueKind } from './issue.entity';

export interface Occurrence {
  kind: IssueKind;
  /** Payment failures: the operation (`authorize`, `capture`…). */
  operation?: string | null;
  gateway?: string | null;
  /** A taxonomy code, or a system error's kind. */
  code: string;
  gatewayCode?: string | null;
  /** System errors: where it happened (a connection, a queue, an endpoint). */
  source?: string | null;
  title: string;
  detail?: string | null;
  paymentId?: string | null;
  merchantId?: string | null;
  at?: Date;
}

/** What groups occurrences into one issue. */
export function fingerprintOf(o: Occurrence): string {
  const parts =
    o.kind === 'payment_failure'
      ? [o.kind, o.operation ?? '', o.gateway ?? '', o.code, o.gatewayCode ?? '']
      : [o.kind, o.code, o.source ?? ''];
  return parts.join('|').slice(0, 300);
}

/** SQLite keeps TypeORM's datetimes as UTC text; PostgreSQL takes the Date. */
const sqliteTime = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

/**
 * Counts a failure into its issue as it happens: one upsert on the fingerprint (a resolved issue
 * that recurs reopens as a regression; an ignored one stays ignored), plus the day's count and
 * the payment it touched. Runs in the caller's transaction when given one, so the count commits
 * with the failure itself.
 */
@Injectable()
export class IssueRecorder {
  private readonly logger = new Logger('IssueLog');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
  ) {}

  private get postgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  async record(o: Occurrence, m?: EntityManager): Promise<string> {
    const runner = m ?? this.dataSource.manager;
    const at = o.at ?? new Date();
    const time = this.postgres ? at : sqliteTime(at);
    const detail = o.detail ? redactText(o.detail).slice(0, 500) : null;
    // Placeholders in order for either driver ($n on PostgreSQL, ? on SQLite).
    const params: unknown[] = [];
    const v = (value: unknown) => {
      params.push(value);
      return this.postgres ? `$${params.length}` : '?';
    };
    const rows: Array<{ id: string }> = await runner.query(
      `INSERT INTO issues (id, created_at, updated_at, fingerprint, kind, operation, gateway, code, gateway_code,
                           source, title, status, regression, count, first_seen_at, last_seen_at, last_detail)
       VALUES (${v(newId('iss'))}, ${v(time)}, ${v(time)}, ${v(fingerprintOf(o))}, ${v(o.kind)}, ${v(o.operation ?? null)},
               ${v(o.gateway ?? null)}, ${v(o.code.slice(0, 64))}, ${v(o.gatewayCode ? o.gatewayCode.slice(0, 100) : null)},
               ${v(o.source ? o.source.slice(0, 200) : null)}, ${v(o.title.slice(0, 300))}, 'open', false, 1,
               ${v(time)}, ${v(time)}, ${v(detail)})
       ON CONFLICT (fingerprint) DO UPDATE SET
         count = issues.count + 1,
         last_seen_at = excluded.last_seen_at,
         updated_at = excluded.updated_at,
         last_detail = excluded.last_detail,
         regression = CASE WHEN issues.status = 'resolved' THEN true ELSE issues.regression END,
         resolved_at = CASE WHEN issues.status = 'resolved' THEN NULL ELSE issues.resolved_at END,
         status = CASE WHEN issues.status = 'resolved' THEN 'open' ELSE issues.status END
       RETURNING id`,
      params,
    );
    const id = rows[0].id;
    const ph = (n: number) =>
      Array.from({ length: n }, (_, i) => (this.postgres ? `$${i + 1}` : '?')).join(', ');
    await runner.query(
      `INSERT INTO issue_days (issue_id, day, count) VALUES (${ph(2)}, 1)
       ON CONFLICT (issue_id, day) DO UPDATE SET count = issue_days.count + 1`,
      [id, at.toISOString().slice(0, 10)],
    );
    if (o.paymentId && o.merchantId)
      await runner.query(
        `INSERT INTO issue_payments (issue_id, payment_id, merchant_id, seen_at) VALUES (${ph(4)})
         ON CONFLICT DO NOTHING`,
        [id, o.paymentId, o.merchantId, time],
      );
    return id;
  }

  /**
   * Apart from the caller's work, in a transaction of its own, so a reader never sees the count
   * without its day or its payment; a failure to count never hides the error being counted.
   */
  async recordQuietly(o: Occurrence): Promise<void> {
    try {
      await this.tx.run((m) => this.record(o, m), { durability: 'lazy' });
    } catch (error) {
      this.logger.warn(`could not count ${o.kind} ${o.code} into the issue log: ${(error as Error).message}`);
    }
  }
}
