import { Column, Entity, Index } from 'typeorm';
import { BaseRecord } from '@payrail/database';
import type { BusinessCalendar } from './business-calendar';
import type { CasePriority, CaseTier, SlaTargetName, SlaTerms } from './sla';

/** Working days and hours in a time zone, with holidays: what an SLA clock counts. */
@Entity('support_calendars')
export class SupportCalendar extends BaseRecord {
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'time_zone', type: 'varchar', length: 64 })
  timeZone!: string;

  /** ISO weekdays, 1 = Monday. */
  @Column({ name: 'working_days', type: 'simple-json' })
  workingDays!: number[];

  @Column({ name: 'start_minute', type: 'integer' })
  startMinute!: number;

  @Column({ name: 'end_minute', type: 'integer' })
  endMinute!: number;

  /** Local dates, `YYYY-MM-DD`. */
  @Column({ type: 'simple-json' })
  holidays!: string[];
}

export function calendarOf(c: SupportCalendar): BusinessCalendar {
  return {
    timeZone: c.timeZone,
    workingDays: c.workingDays,
    startMinute: c.startMinute,
    endMinute: c.endMinute,
    holidays: c.holidays,
  };
}

/** A priority's targets, in business minutes of its calendar (none: round the clock). */
@Entity('support_sla_policies')
@Index(['priority'], { unique: true })
export class SlaPolicy extends BaseRecord {
  @Column({ type: 'varchar', length: 2 })
  priority!: CasePriority;

  @Column({ name: 'first_response_minutes', type: 'integer' })
  firstResponseMinutes!: number;

  @Column({ name: 'resolution_minutes', type: 'integer' })
  resolutionMinutes!: number;

  @Column({ name: 'at_risk_minutes', type: 'integer' })
  atRiskMinutes!: number;

  @Column({ name: 'calendar_id', type: 'varchar', length: 40, nullable: true })
  calendarId!: string | null;
}

export type CaseStatus = 'new' | 'open' | 'pending' | 'resolved' | 'closed';
export const CASE_STATUSES: readonly CaseStatus[] = ['new', 'open', 'pending', 'resolved', 'closed'];

/** A support case: who asked, about what, at which tier, and its SLA clock. */
@Entity('support_cases')
@Index(['status', 'firstResponseDueAt'])
export class SupportCase extends BaseRecord {
  @Column({ type: 'varchar', length: 200 })
  subject!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', length: 2 })
  priority!: CasePriority;

  @Column({ type: 'varchar', length: 16 })
  status!: CaseStatus;

  @Column({ type: 'varchar', length: 2 })
  tier!: CaseTier;

  @Column({ name: 'merchant_id', type: 'varchar', length: 40, nullable: true })
  merchantId!: string | null;

  @Column({ name: 'requester_id', type: 'varchar', length: 40, nullable: true })
  requesterId!: string | null;

  @Column({ name: 'assignee_id', type: 'varchar', length: 40, nullable: true })
  assigneeId!: string | null;

  @Column({ name: 'payment_ids', type: 'simple-json' })
  paymentIds!: string[];

  @Column({ name: 'issue_ids', type: 'simple-json' })
  issueIds!: string[];

  @Column({ name: 'opened_at', type: Date })
  openedAt!: Date;

  /** When business time started counting (a case opened on Saturday: Monday's opening). */
  @Column({ name: 'clock_started_at', type: Date })
  clockStartedAt!: Date;

  @Column({ name: 'first_response_due_at', type: Date })
  firstResponseDueAt!: Date;

  @Column({ name: 'resolution_due_at', type: Date })
  resolutionDueAt!: Date;

  @Column({ name: 'first_responded_at', type: Date, nullable: true })
  firstRespondedAt!: Date | null;

  @Column({ name: 'resolved_at', type: Date, nullable: true })
  resolvedAt!: Date | null;

  @Column({ name: 'closed_at', type: Date, nullable: true })
  closedAt!: Date | null;

  /** The policy and calendar as they were when the case opened: its clock keeps them. */
  @Column({ name: 'sla_terms', type: 'simple-json' })
  slaTerms!: SlaTerms;

  /** Targets that have escalated the case already (each does once). */
  @Column({ name: 'escalated_targets', type: 'simple-json' })
  escalatedTargets!: SlaTargetName[];

  /** Targets whose breach has been recorded and notified. */
  @Column({ name: 'breached_targets', type: 'simple-json' })
  breachedTargets!: SlaTargetName[];
}

export type CaseEventType =
  | 'opened'
  | 'comment'
  | 'status_changed'
  | 'assigned'
  | 'priority_changed'
  | 'escalated'
  | 'sla_at_risk'
  | 'sla_breached'
  | 'notified';

/** One line of a case's timeline; comments are internal. */
@Entity('support_case_events')
@Index(['caseId', 'createdAt'])
export class SupportCaseEvent extends BaseRecord {
  @Column({ name: 'case_id', type: 'varchar', length: 40 })
  caseId!: string;

  @Column({ type: 'varchar', length: 32 })
  type!: CaseEventType;

  /** The console user; null for Payrail itself (SLA escalation). */
  @Column({ name: 'actor_id', type: 'varchar', length: 40, nullable: true })
  actorId!: string | null;

  @Column({ type: 'text', nullable: true })
  body!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  data!: Record<string, unknown> | null;
}
