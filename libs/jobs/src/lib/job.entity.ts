import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';
import type { JobState } from './job-queue';

/** One unit of background work on the database backend. */
@Entity('jobs')
@Index(['queue', 'state', 'runAt'])
@Index(['state', 'runAt'])
export class Job extends BaseRecord {
  @Column({ type: 'varchar', length: 64 })
  queue!: string;

  @Column({ type: 'simple-json' })
  payload!: Record<string, unknown> | unknown[] | null;

  @Column({ type: 'varchar', length: 16 })
  state!: JobState;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'max_attempts', type: 'integer' })
  maxAttempts!: number;

  @Column({ name: 'run_at', type: Date })
  runAt!: Date;

  /** While active: when the claim lapses and another worker may take the job over. */
  @Column({ name: 'locked_until', type: Date, nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: 'last_error', type: 'varchar', length: 1000, nullable: true })
  lastError!: string | null;

  @Column({ name: 'finished_at', type: Date, nullable: true })
  finishedAt!: Date | null;

  @Index({ unique: true })
  @Column({ name: 'unique_key', type: 'varchar', length: 200, nullable: true })
  uniqueKey!: string | null;
}
