/** One gateway call's outcome, as alert conditions read it: answered (success or decline) or failed at the gateway. */
export interface CallOutcomeSample {
  at: number;
  gateway: string;
  failed: boolean;
}

export type AlertCondition =
  | { kind: 'success_rate_below'; threshold: number; windowMs: number; minCalls?: number }
  | {
      kind: 'burn_rate';
      slo: number;
      windows: ReadonlyArray<{ longMs: number; shortMs: number; factor: number }>;
    };

export interface ConditionResult {
  active: boolean;
  /** The measured value (a success rate, or the highest burn rate), for the notice. */
  value: number | null;
  description: string;
}

function errorRatio(samples: readonly CallOutcomeSample[], now: number, windowMs: number): number | null {
  let calls = 0;
  let failed = 0;
  for (const s of samples)
    if (s.at > now - windowMs && s.at <= now) {
      calls++;
      if (s.failed) failed++;
    }
  return calls ? failed / calls : null;
}

/**
 * Evaluates one condition over one gateway's calls at `now`. Pure. The burn rate is the error
 * ratio over the error budget (1 − SLO); a window pair fires when both its long and short
 * windows burn faster than its factor (Google SRE workbook, multi-window multi-burn-rate).
 */
export function evaluateCondition(
  condition: AlertCondition,
  samples: readonly CallOutcomeSample[],
  now: number,
): ConditionResult {
  switch (condition.kind) {
    case 'success_rate_below': {
      const inWindow = samples.filter((s) => s.at > now - condition.windowMs && s.at <= now);
      const ratio = errorRatio(samples, now, condition.windowMs);
      if (ratio === null || inWindow.length < (condition.minCalls ?? 1))
        return { active: false, value: null, description: 'not enough calls' };
      const success = 1 - ratio;
      return {
        active: success < condition.threshold,
        value: success,
        description: `success rate ${(success * 100).toFixed(1)} % over ${condition.windowMs / 60_000} min (threshold ${condition.threshold * 100} %)`,
      };
    }
    case 'burn_rate': {
      const budget = 1 - condition.slo;
      let highest: number | null = null;
      let firing: string | null = null;
      for (const w of condition.windows) {
        const long = errorRatio(samples, now, w.longMs);
        const short = errorRatio(samples, now, w.shortMs);
        if (long === null || short === null) continue;
        const burn = Math.min(long, short) / budget;
        highest = highest === null ? burn : Math.max(highest, burn);
        if (!firing && long / budget > w.factor && short / budget > w.factor)
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
  }
}

/** The shipped multi-window burn-rate pairs: 14.4x over 1 h and 5 min, 6x over 6 h and 30 min. */
export const DEFAULT_BURN_WINDOWS = [
  { longMs: 3600_000, shortMs: 5 * 60_000, factor: 14.4 },
  { longMs: 6 * 3600_000, shortMs: 30 * 60_000, factor: 6 },
] as const;
