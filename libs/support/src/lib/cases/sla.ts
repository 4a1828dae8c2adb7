import {
  addBusinessMinutes,
  businessMinutesBetween,
  clockStart,
  type BusinessCalendar,
} from './business-calendar';

export type CasePriority = 'P1' | 'P2' | 'P3' | 'P4';
export const CASE_PRIORITIES: readonly CasePriority[] = ['P1', 'P2', 'P3', 'P4'];
export type CaseTier = 'L1' | 'L2' | 'L3';
export const CASE_TIERS: readonly CaseTier[] = ['L1', 'L2', 'L3'];
export type SlaTargetName = 'first_response' | 'resolution';

export interface SlaTerms {
  firstResponseMinutes: number;
  resolutionMinutes: number;
  /** A running target with this many business minutes left or fewer is about to breach. */
  atRiskMinutes: number;
  calendar: BusinessCalendar | null;
}

export interface TargetVerdict {
  target: SlaTargetName;
  dueAt: Date;
  state: 'running' | 'met' | 'missed';
  atRisk: boolean;
  /** Business minutes to the due time (negative once it has passed); null once the target is settled. */
  minutesLeft: number | null;
  reason: string;
}

/** When a case's targets fall due: business time counted from the clock's start (the next opening). */
export function dueTimes(
  openedAt: Date,
  terms: SlaTerms,
): { clockStartedAt: Date; firstResponseDueAt: Date; resolutionDueAt: Date } {
  const started = clockStart(openedAt, terms.calendar);
  return {
    clockStartedAt: started,
    firstResponseDueAt: addBusinessMinutes(started, terms.firstResponseMinutes, terms.calendar),
    resolutionDueAt: addBusinessMinutes(started, terms.resolutionMinutes, terms.calendar),
  };
}

/** Where one target stands at `now`, with the reason in words support can read. */
export function judgeTarget(
  target: SlaTargetName,
  dueAt: Date,
  doneAt: Date | null,
  now: Date,
  terms: SlaTerms,
): TargetVerdict {
  const label = target === 'first_response' ? 'first response' : 'resolution';
  if (doneAt)
    return doneAt <= dueAt
      ? {
          target,
          dueAt,
          state: 'met',
          atRisk: false,
          minutesLeft: null,
          reason: `${label} at ${doneAt.toISOString()}, due ${dueAt.toISOString()}`,
        }
      : {
          target,
          dueAt,
          state: 'missed',
          atRisk: false,
          minutesLeft: null,
          reason: `${label} at ${doneAt.toISOString()}, after it was due at ${dueAt.toISOString()}`,
        };
  const left = Math.round(businessMinutesBetween(now, dueAt, terms.calendar) * 10) / 10;
  if (now > dueAt)
    return {
      target,
      dueAt,
      state: 'missed',
      atRisk: false,
      minutesLeft: left,
      reason: `no ${label} by ${dueAt.toISOString()}`,
    };
  const atRisk = left <= terms.atRiskMinutes;
  return {
    target,
    dueAt,
    state: 'running',
    atRisk,
    minutesLeft: left,
    reason: atRisk
      ? `${left} business minutes left for the ${label}, within the ${terms.atRiskMinutes}-minute warning`
      : `${left} business minutes left for the ${label}`,
  };
}

/** The tier a case escalates to: one up, L3 the last. */
export function nextTier(tier: CaseTier): CaseTier {
  switch (tier) {
    case 'L1':
      return 'L2';
    case 'L2':
    case 'L3':
      return 'L3';
  }
}
