import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';
import type { AlertConditionResource, AlertSeverityValue } from '@payrail/api-contract';

/** A stored alert rule: a condition over calls, health or backlogs, how long it must hold, who hears of it. */
@Entity('alert_rules')
export class AlertRuleRecord extends BaseRecord {
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', length: 16 })
  severity!: AlertSeverityValue;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** The condition in its wire shape (seconds), as the API takes and answers it. */
  @Column({ type: 'simple-json' })
  condition!: AlertConditionResource;

  @Column({ name: 'for_seconds', type: 'integer', default: 0 })
  forSeconds!: number;

  @Column({ name: 'channel_ids', type: 'simple-json' })
  channelIds!: string[];

  /** The shipped rule this row was seeded from (`success_rate_baseline`, …); null for a rule someone added. */
  @Index({ unique: true })
  @Column({ name: 'builtin_key', type: 'varchar', length: 60, nullable: true })
  builtinKey!: string | null;
}
