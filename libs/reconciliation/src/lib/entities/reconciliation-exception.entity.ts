import { Column, Entity, Index } from 'typeorm';
import { BaseRecord, bigintAsNumber } from '@payrail/database';

export type ExceptionStatus = 'open' | 'acknowledged' | 'resolved';

/** A result that is not a match, with both sides and its resolution, kept across runs. */
@Entity('reconciliation_exceptions')
@Index(['connectionId', 'targetKey', 'kind'], { unique: true })
@Index(['status', 'gateway', 'kind'])
@Index(['lastRunId'])
@Index(['connectionId', 'occurredAt'])
export class ReconciliationException extends BaseRecord {
  @Column({ name: 'connection_id', type: 'varchar', length: 40 })
  connectionId!: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column({ type: 'varchar', length: 40 })
  gateway!: string;

  @Column({ name: 'target_key', type: 'varchar', length: 320 })
  targetKey!: string;

  @Column({ type: 'varchar', length: 24 })
  kind!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: ExceptionStatus;

  /** The run that found it first, and the latest run that still found it. */
  @Column({ name: 'run_id', type: 'varchar', length: 40 })
  runId!: string;

  @Column({ name: 'last_run_id', type: 'varchar', length: 40 })
  lastRunId!: string;

  @Column({ name: 'payment_id', type: 'varchar', length: 40, nullable: true })
  paymentId!: string | null;

  @Column({ name: 'attempt_id', type: 'varchar', length: 40, nullable: true })
  attemptId!: string | null;

  @Column({ name: 'record_id', type: 'varchar', length: 40, nullable: true })
  recordId!: string | null;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  @Column({ name: 'payrail_amount', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  payrailAmount!: number | null;

  @Column({ name: 'gateway_amount', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  gatewayAmount!: number | null;

  /** Why the engine decided this (the rule and the values it compared). */
  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  /** Payrail's side: ids, amounts, statuses and times (never personal data). */
  @Column({ name: 'payrail_side', type: 'simple-json', nullable: true })
  payrailSide!: Record<string, unknown> | null;

  /** The gateway's side: its raw record(s) as imported. */
  @Column({ name: 'gateway_side', type: 'simple-json', nullable: true })
  gatewaySide!: Record<string, unknown> | null;

  /** When the movement (or the record) happened. */
  @Column({ name: 'occurred_at', type: Date })
  occurredAt!: Date;

  @Column({ name: 'first_seen_at', type: Date })
  firstSeenAt!: Date;

  @Column({ name: 'last_seen_at', type: Date })
  lastSeenAt!: Date;

  /** `accept_gateway`, `write_off`, `linked`, or `auto_matched` when a later record settled it. */
  @Column({ type: 'varchar', length: 24, nullable: true })
  resolution!: string | null;

  @Column({ name: 'resolution_note', type: 'varchar', length: 1000, nullable: true })
  resolutionNote!: string | null;

  /** The refund or dispute a `linked` resolution points at. */
  @Column({ name: 'linked_reference', type: 'varchar', length: 200, nullable: true })
  linkedReference!: string | null;

  @Column({ name: 'resolved_by', type: 'varchar', length: 40, nullable: true })
  resolvedBy!: string | null;

  @Column({ name: 'resolved_at', type: Date, nullable: true })
  resolvedAt!: Date | null;
}
