import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { BaseRecord } from '@payrail/database';

export type IssueStatus = 'open' | 'acknowledged' | 'resolved' | 'ignored';
export const ISSUE_STATUSES: readonly IssueStatus[] = ['open', 'acknowledged', 'resolved', 'ignored'];
export type IssueKind = 'payment_failure' | 'system_error';

/** One kind of failure: every occurrence with the same fingerprint counts here. */
@Entity('issues')
@Index(['fingerprint'], { unique: true })
export class Issue extends BaseRecord {
  @Column({ type: 'varchar', length: 300 })
  fingerprint!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: IssueKind;

  @Column({ type: 'varchar', length: 32, nullable: true })
  operation!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  gateway!: string | null;

  /** The taxonomy code of a payment failure, or the kind of a system error (`gateway_timeout`, `webhook_signature_invalid`…). */
  @Column({ type: 'varchar', length: 64 })
  code!: string;

  @Column({ name: 'gateway_code', type: 'varchar', length: 100, nullable: true })
  gatewayCode!: string | null;

  /** Where a system error comes from: a connection, a queue, an endpoint. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  source!: string | null;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: IssueStatus;

  /** It came back after it was resolved. */
  @Column({ type: 'boolean', default: false })
  regression!: boolean;

  @Column({ type: 'integer', default: 0 })
  count!: number;

  @Column({ name: 'first_seen_at', type: Date })
  firstSeenAt!: Date;

  @Column({ name: 'last_seen_at', type: Date })
  lastSeenAt!: Date;

  @Column({ name: 'resolved_at', type: Date, nullable: true })
  resolvedAt!: Date | null;

  /** What the latest occurrence said (redacted, never card data). */
  @Column({ name: 'last_detail', type: 'varchar', length: 500, nullable: true })
  lastDetail!: string | null;
}

/** A payment an issue touched. */
@Entity('issue_payments')
export class IssuePayment {
  @PrimaryColumn({ name: 'issue_id', type: 'varchar', length: 40 })
  issueId!: string;

  @PrimaryColumn({ name: 'payment_id', type: 'varchar', length: 40 })
  paymentId!: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column({ name: 'seen_at', type: Date })
  seenAt!: Date;
}

/** Occurrences of an issue per UTC day: the trend. */
@Entity('issue_days')
export class IssueDay {
  @PrimaryColumn({ name: 'issue_id', type: 'varchar', length: 40 })
  issueId!: string;

  @PrimaryColumn({ type: 'varchar', length: 10 })
  day!: string;

  @Column({ type: 'integer', default: 0 })
  count!: number;
}
