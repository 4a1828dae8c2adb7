import type { ConditionResult } from './alert-conditions';

/** Calls and gateway failures of one subject over one window, as a database count answers them. */
export interface CallCounts {
  calls: number;
  failed: number;
}

/** Conditions evaluated over counted calls and read figures rather than individual outcomes. */
export type AggregateCondition =
  | { kind: 'success_rate_below'; threshold: number; windowMs: number; minCalls?: number }
  | {
      kind: 'burn_rate';
      slo: number;
      windows: ReadonlyArray<{ longMs: number; shortMs: number; factor: number }>;
    }
  | {
      kind: 'success_rate_baseline';
      maxDrop: number;
      windowMs: number;
      baselineDays: number;
      minCalls: number;
    }
  | { kind: 'gateway_down'; failedChecks: number }
  | { kind: 'threshold'; metric: string; above: number };

/** What a condition reads; each evaluator asks only for what its kind needs. */
export interface AggregateInputs {
  /** Counts over the window ending now (null: none counted). */
  counts?: (windowMs: number) => CallCounts | null;
  /** The same window on each of the previous days (1 = yesterday at this time), for a baseline. */
  baseline?: (windowMs: number, daysBack: number) => CallCounts | null;
  /** The connection's circuit and its latest health checks, newest first. */
  health?: { circuit: 'closed' | 'half_open' | 'open'; recentChecks: ReadonlyArray<{ healthy: boolean }> };
  /** The figure a threshold reads. */
  metric?: number | null;
}

const minutes = (ms: number) => `${ms / 60_000} min`;
const percent = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;

/**
 * Evaluates one condition for one subject at one time. Pure. The success-rate and burn-rate
 * conditions say the same as `evaluateCondition` does over samples, from counts instead, so a
 * busy platform's hours of calls are never read row by row.
 */
export function evaluateAggregate(condition: AggregateCondition, inputs: AggregateInputs): ConditionResult {
  switch (condition.kind) {
    case 'success_rate_below': {
      const c = inputs.counts?.(condition.windowMs) ?? null;
      if (!c || c.calls === 0 || c.calls < (condition.minCalls ?? 1))
        return { active: false, value: null, description: 'not enough calls' };
      const success = 1 - c.failed / c.calls;
      return {
        active: success < condition.threshold,
        value: success,
        description: `success rate ${percent(success)} over ${minutes(condition.windowMs)} (threshold ${condition.threshold * 100} %)`,
      };
    }
    case 'burn_rate': {
      const budget = 1 - condition.slo;
      let highest: number | null = null;
      let firing: string | null = null;
      for (const w of condition.windows) {
        const long = inputs.counts?.(w.longMs);
        const short = inputs.counts?.(w.shortMs);
        if (!long?.calls || !short?.calls) continue;
        const longBurn = long.failed / long.calls / budget;
        const shortBurn = short.failed / short.calls / budget;
        const burn = Math.min(longBurn, shortBurn);
        highest = highest === null ? burn : Math.max(highest, burn);
        if (!firing && longBurn > w.factor && shortBurn > w.factor)
          firing = `${w.factor}x over ${w.longMs / 60_000} and ${w.shortMs / 60_000} min`;
      }
      return {
        active: firing !== null,
        value: highest,
        description: firing
          ? `error budget of ${condition.slo * 100} % burning ${firing}`
          : `burn rate ${highest === null ? 'unknown' : highest.toFixed(2)} against ${condition.slo * 100} %`,
      };
    }
    case 'success_rate_baseline': {
      const now = inputs.counts?.(condition.windowMs) ?? null;
      let calls = 0;
      let failed = 0;
      for (let day = 1; day <= condition.baselineDays; day++) {
        const c = inputs.baseline?.(condition.windowMs, day);
        if (c) {
          calls += c.calls;
          failed += c.failed;
        }
      }
      if (!now || now.calls < condition.minCalls || calls < condition.minCalls)
        return { active: false, value: null, description: 'not enough calls for a baseline' };
      const success = 1 - now.failed / now.calls;
      const baseline = 1 - failed / calls;
      return {
        active: success < baseline - condition.maxDrop,
        value: success,
        description: `success rate ${percent(success)} over ${minutes(condition.windowMs)} against ${percent(baseline)} at this time over the previous ${condition.baselineDays} days (fires ${condition.maxDrop * 100} points below)`,
      };
    }
    case 'gateway_down': {
      const h = inputs.health;
      if (!h) return { active: false, value: null, description: 'no health information' };
      if (h.circuit === 'open') return { active: true, value: 1, description: 'the circuit is open' };
      const last = h.recentChecks.slice(0, condition.failedChecks);
      if (last.length === condition.failedChecks && last.every((c) => !c.healthy))
        return {
          active: true,
          value: 1,
          description: `the last ${condition.failedChecks} health checks failed`,
        };
      return { active: false, value: 0, description: 'health checks pass and the circuit is not open' };
    }
    case 'threshold': {
      const value = inputs.metric ?? null;
      if (value === null) return { active: false, value: null, description: `${condition.metric} unknown` };
      return {
        active: value > condition.above,
        value,
        description: `${condition.metric} is ${Math.round(value * 100) / 100} (threshold ${condition.above})`,
      };
    }
  }
}
