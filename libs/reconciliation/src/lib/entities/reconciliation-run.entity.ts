import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed';
export type RunTrigger = 'scheduled' | 'manual';

/** Gross, fees and net of one currency, in its minor units. */
export interface CurrencyTotals {
  currency: string;
  gross: number;
  fees: number;
  net: number;
}

/** One reconciliation of a connection over a window: what was imported, how every movement matched. */
@Entity('reconciliation_runs')
@Index(['connectionId', 'createdAt'])
export class ReconciliationRun extends BaseRecord {
  @Column({ name: 'connection_id', type: 'varchar', length: 40 })
  connectionId!: string;

  @Column({ name: 'merchant_id', type: 'varchar', length: 40 })
  merchantId!: string;

  @Column({ type: 'varchar', length: 40 })
  gateway!: string;

  @Column({ type: 'varchar', length: 16 })
  trigger!: RunTrigger;

  @Column({ name: 'requested_by', type: 'varchar', length: 40, nullable: true })
  requestedBy!: string | null;

  @Column({ name: 'window_from', type: Date })
  windowFrom!: Date;

  @Column({ name: 'window_to', type: Date })
  windowTo!: Date;

  @Column({ type: 'varchar', length: 16 })
  status!: RunStatus;

  /** 0 to 100. */
  @Column({ type: 'integer', default: 0 })
  progress!: number;

  @Column({ name: 'imported_count', type: 'integer', default: 0 })
  importedCount!: number;

  /** Results by kind (`matched`, `amount_mismatch`…, `expected`). */
  @Column({ type: 'simple-json' })
  counts!: Record<string, number>;

  @Column({ type: 'simple-json' })
  totals!: CurrencyTotals[];

  /** SHA-256 of the run's results in a fixed order: the same input gives the same digest. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  digest!: string | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  @Column({ name: 'started_at', type: Date, nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: Date, nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error!: string | null;
}
