import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { AuditService, SYSTEM_ACTOR, type AuditActorContext } from '@payrail/audit';
import { isUniqueViolation, newId, TransactionRunner } from '@payrail/database';
import { isTimeZone } from './business-calendar';
import { calendarOf, SlaPolicy, SupportCalendar } from './case.entities';
import type { CasePriority, SlaTerms } from './sla';

export interface CalendarInput {
  name: string;
  timeZone: string;
  workingDays: number[];
  startMinute: number;
  endMinute: number;
  holidays: string[];
}

export interface PolicyInput {
  priority: CasePriority;
  firstResponseMinutes: number;
  resolutionMinutes: number;
  atRiskMinutes: number;
  calendarId: string | null;
}

/** What a fresh install works with until an admin changes it: weekday office hours in UTC, P1 round the clock. */
const DEFAULT_POLICIES: Array<Omit<PolicyInput, 'calendarId'> & { businessHours: boolean }> = [
  {
    priority: 'P1',
    firstResponseMinutes: 15,
    resolutionMinutes: 240,
    atRiskMinutes: 5,
    businessHours: false,
  },
  {
    priority: 'P2',
    firstResponseMinutes: 60,
    resolutionMinutes: 480,
    atRiskMinutes: 15,
    businessHours: true,
  },
  {
    priority: 'P3',
    firstResponseMinutes: 240,
    resolutionMinutes: 1440,
    atRiskMinutes: 60,
    businessHours: true,
  },
  {
    priority: 'P4',
    firstResponseMinutes: 480,
    resolutionMinutes: 2400,
    atRiskMinutes: 120,
    businessHours: true,
  },
];

export function checkCalendar(c: CalendarInput): void {
  if (!c.name.trim() || c.name.length > 100)
    throw ApiError.invalid('name', 'name must be 1 to 100 characters');
  if (!isTimeZone(c.timeZone))
    throw ApiError.invalid(
      'time_zone',
      `time_zone '${c.timeZone.slice(0, 64)}' is not an IANA time zone such as Europe/Berlin`,
    );
  if (
    !c.workingDays.length ||
    c.workingDays.some((d) => !Number.isInteger(d) || d < 1 || d > 7) ||
    new Set(c.workingDays).size !== c.workingDays.length
  )
    throw ApiError.invalid(
      'working_days',
      'working_days must be distinct ISO weekdays from 1 (Monday) to 7 (Sunday)',
    );
  if (c.endMinute <= c.startMinute) throw ApiError.invalid('closes', 'closes must be after opens');
  for (const h of c.holidays)
    if (!/^\d{4}-\d{2}-\d{2}$/.test(h) || Number.isNaN(Date.parse(`${h}T00:00:00Z`)))
      throw ApiError.invalid('holidays', `holiday '${h.slice(0, 20)}' is not a YYYY-MM-DD date`);
}

/** SLA policies per priority and the business-hours calendars they run on. */
@Injectable()
export class SupportPoliciesService {
  private readonly logger = new Logger('SupportPolicies');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  calendars(): Promise<SupportCalendar[]> {
    return this.dataSource.getRepository(SupportCalendar).find({ order: { name: 'ASC' } });
  }

  policies(): Promise<SlaPolicy[]> {
    return this.dataSource.getRepository(SlaPolicy).find({ order: { priority: 'ASC' } });
  }

  async createCalendar(input: CalendarInput, context: AuditActorContext): Promise<SupportCalendar> {
    checkCalendar(input);
    return this.tx.run(async (m) => {
      const saved = await m.save(m.create(SupportCalendar, { id: newId('cal'), ...input }));
      await this.audit.record(
        {
          ...context,
          action: 'support_calendar.created',
          resource: { type: 'support_calendar', id: saved.id },
          change: { after: input },
        },
        m,
      );
      return saved;
    });
  }

  async updateCalendar(
    id: string,
    change: Partial<CalendarInput>,
    context: AuditActorContext,
  ): Promise<SupportCalendar> {
    return this.tx.run(async (m) => {
      const current = await m.findOneBy(SupportCalendar, { id });
      if (!current) throw ApiError.notFound('calendar', id);
      const before = calendarOf(current);
      const next = { name: current.name, ...before, ...change };
      checkCalendar(next);
      Object.assign(current, next);
      const saved = await m.save(current);
      await this.audit.record(
        {
          ...context,
          action: 'support_calendar.updated',
          resource: { type: 'support_calendar', id },
          change: { before, after: next },
        },
        m,
      );
      return saved;
    });
  }

  async createPolicy(input: PolicyInput, context: AuditActorContext): Promise<SlaPolicy> {
    await this.checkPolicy(input);
    try {
      return await this.tx.run(async (m) => {
        const saved = await m.save(m.create(SlaPolicy, { id: newId('sla'), ...input }));
        await this.audit.record(
          {
            ...context,
            action: 'sla_policy.created',
            resource: { type: 'sla_policy', id: saved.id },
            change: { after: input },
          },
          m,
        );
        return saved;
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ApiError(409, {
          type: 'invalid_request_error',
          code: 'policy_exists',
          message: `${input.priority} has a policy already: change it instead`,
          param: 'priority',
        });
      throw error;
    }
  }

  async updatePolicy(
    id: string,
    change: Partial<Omit<PolicyInput, 'priority'>>,
    context: AuditActorContext,
  ): Promise<SlaPolicy> {
    return this.tx.run(async (m) => {
      const current = await m.findOneBy(SlaPolicy, { id });
      if (!current) throw ApiError.notFound('SLA policy', id);
      const before = {
        firstResponseMinutes: current.firstResponseMinutes,
        resolutionMinutes: current.resolutionMinutes,
        atRiskMinutes: current.atRiskMinutes,
        calendarId: current.calendarId,
      };
      const next = { ...before, ...change };
      await this.checkPolicy({ priority: current.priority, ...next });
      Object.assign(current, next);
      const saved = await m.save(current);
      await this.audit.record(
        {
          ...context,
          action: 'sla_policy.updated',
          resource: { type: 'sla_policy', id },
          change: { before, after: next },
        },
        m,
      );
      return saved;
    });
  }

  /** The terms a new case of this priority runs on. */
  async termsFor(priority: CasePriority): Promise<SlaTerms> {
    const policy = await this.dataSource.getRepository(SlaPolicy).findOneBy({ priority });
    if (!policy)
      throw ApiError.invalid(
        'priority',
        `no SLA policy for ${priority}: an admin adds one under /admin/support/sla-policies`,
      );
    const calendar = policy.calendarId
      ? await this.dataSource.getRepository(SupportCalendar).findOneBy({ id: policy.calendarId })
      : null;
    return {
      firstResponseMinutes: policy.firstResponseMinutes,
      resolutionMinutes: policy.resolutionMinutes,
      atRiskMinutes: policy.atRiskMinutes,
      calendar: calendar ? { ...calendarOf(calendar) } : null,
    };
  }

  /** First start: a weekday calendar and a policy per priority, when there are none. */
  async seedIfEmpty(): Promise<void> {
    if ((await this.dataSource.getRepository(SlaPolicy).count()) > 0) return;
    try {
      await this.tx.run(async (m) => {
        const calendar = await m.save(
          m.create(SupportCalendar, {
            id: newId('cal'),
            name: 'Weekdays 09:00–17:00 UTC',
            timeZone: 'UTC',
            workingDays: [1, 2, 3, 4, 5],
            startMinute: 540,
            endMinute: 1020,
            holidays: [],
          }),
        );
        for (const { businessHours, ...p } of DEFAULT_POLICIES)
          await m.save(
            m.create(SlaPolicy, { id: newId('sla'), ...p, calendarId: businessHours ? calendar.id : null }),
          );
        await this.audit.record(
          { ...SYSTEM_ACTOR, action: 'sla_policy.seeded', resource: { type: 'sla_policy' } },
          m,
        );
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    this.logger.log('default SLA policies and calendar created');
  }

  private async checkPolicy(p: PolicyInput): Promise<void> {
    const minutes = (v: number, param: string) => {
      if (!Number.isInteger(v) || v < 1 || v > 525_600)
        throw ApiError.invalid(param, `${param} must be a whole number of minutes from 1 to 525600`);
    };
    minutes(p.firstResponseMinutes, 'first_response_minutes');
    minutes(p.resolutionMinutes, 'resolution_minutes');
    if (
      !Number.isInteger(p.atRiskMinutes) ||
      p.atRiskMinutes < 0 ||
      p.atRiskMinutes >= p.firstResponseMinutes
    )
      throw ApiError.invalid(
        'at_risk_minutes',
        'at_risk_minutes must be a whole number below first_response_minutes',
      );
    if (p.resolutionMinutes < p.firstResponseMinutes)
      throw ApiError.invalid(
        'resolution_minutes',
        'resolution_minutes must be at least first_response_minutes',
      );
    if (
      p.calendarId &&
      !(await this.dataSource.getRepository(SupportCalendar).findOneBy({ id: p.calendarId }))
    )
      throw ApiError.invalid('calendar_id', `no calendar '${p.calendarId}'`);
  }
}
