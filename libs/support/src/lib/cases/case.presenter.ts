import type {
  SlaPolicyResource,
  SupportCalendarResource,
  SupportCaseEventResource,
  SupportCaseResource,
} from '@payrail/api-contract';
import type { SlaPolicy, SupportCalendar, SupportCase, SupportCaseEvent } from './case.entities';
import { hhmm } from './cases.dto';
import { judgeTarget, type TargetVerdict } from './sla';

const target = (v: TargetVerdict) => ({
  due_at: v.dueAt.toISOString(),
  state: v.state,
  minutes_left: v.minutesLeft,
  at_risk: v.atRisk,
  reason: v.reason,
});

export function presentCase(c: SupportCase, now: Date, timeline?: SupportCaseEvent[]): SupportCaseResource {
  const cal = c.slaTerms.calendar;
  return {
    object: 'support_case',
    id: c.id,
    subject: c.subject,
    description: c.description,
    priority: c.priority,
    status: c.status,
    tier: c.tier,
    merchant_id: c.merchantId,
    requester_id: c.requesterId,
    assignee_id: c.assigneeId,
    payment_ids: c.paymentIds,
    issue_ids: c.issueIds,
    opened_at: c.openedAt.toISOString(),
    clock_started_at: c.clockStartedAt.toISOString(),
    first_responded_at: c.firstRespondedAt?.toISOString() ?? null,
    resolved_at: c.resolvedAt?.toISOString() ?? null,
    closed_at: c.closedAt?.toISOString() ?? null,
    sla: {
      first_response: target(
        judgeTarget('first_response', c.firstResponseDueAt, c.firstRespondedAt, now, c.slaTerms),
      ),
      resolution: target(judgeTarget('resolution', c.resolutionDueAt, c.resolvedAt, now, c.slaTerms)),
      calendar: cal
        ? `${cal.timeZone} ${hhmm(cal.startMinute)}–${hhmm(cal.endMinute)} on days ${cal.workingDays.join(',')}`
        : null,
    },
    ...(timeline ? { timeline: timeline.map(presentCaseEvent) } : {}),
  };
}

export function presentCaseEvent(e: SupportCaseEvent): SupportCaseEventResource {
  return {
    id: e.id,
    type: e.type,
    actor_id: e.actorId,
    body: e.body,
    data: e.data,
    created_at: e.createdAt.toISOString(),
  };
}

export function presentCalendar(c: SupportCalendar): SupportCalendarResource {
  return {
    object: 'support_calendar',
    id: c.id,
    name: c.name,
    time_zone: c.timeZone,
    working_days: c.workingDays,
    opens: hhmm(c.startMinute),
    closes: hhmm(c.endMinute),
    holidays: c.holidays,
  };
}

export function presentPolicy(p: SlaPolicy): SlaPolicyResource {
  return {
    object: 'sla_policy',
    id: p.id,
    priority: p.priority,
    first_response_minutes: p.firstResponseMinutes,
    resolution_minutes: p.resolutionMinutes,
    at_risk_minutes: p.atRiskMinutes,
    calendar_id: p.calendarId,
  };
}
