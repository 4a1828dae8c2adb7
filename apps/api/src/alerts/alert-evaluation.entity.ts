import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';

/** One evaluation interval, claimed by the instance that evaluates it: a second run of the same interval finds the claim and does nothing. */
@Entity('alert_evaluations')
export class AlertEvaluationRecord extends BaseRecord {
  /** `floor(time / interval)` of the evaluation. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 20 })
  slot!: string;

  @Column({ name: 'evaluated_at', type: Date })
  evaluatedAt!: Date;

  @Column({ type: 'integer', default: 0 })
  notices!: number;
}
