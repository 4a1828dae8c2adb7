import { advanceAlerts } from './alert-engine';
import { evaluateAggregate } from './alert-aggregates';

const MINUTE = 60_000;

describe('conditions over counted calls and read figures', () => {
  it('reads a success rate below its threshold, and says nothing with too few calls', () => {
    const condition = {
      kind: 'success_rate_below' as const,
      threshold: 0.8,
      windowMs: 5 * MINUTE,
      minCalls: 10,
    };
    expect(evaluateAggregate(condition, { counts: () => ({ calls: 100, failed: 30 }) })).toMatchObject({
      active: true,
      value: 0.7,
    });
    expect(evaluateAggregate(condition, { counts: () => ({ calls: 100, failed: 10 }) }).active).toBe(false);
    expect(evaluateAggregate(condition, { counts: () => ({ calls: 5, failed: 5 }) }).active).toBe(false);
  });

  it('compares the window with the same window on earlier days', () => {
    const condition = {
      kind: 'success_rate_baseline' as const,
      maxDrop: 0.1,
      windowMs: 3600_000,
      baselineDays: 7,
      minCalls: 20,
    };
    const baseline = () => ({ calls: 100, failed: 1 });
    expect(
      evaluateAggregate(condition, { counts: () => ({ calls: 100, failed: 30 }), baseline }).active,
    ).toBe(true);
    expect(evaluateAggregate(condition, { counts: () => ({ calls: 100, failed: 5 }), baseline }).active).toBe(
      false,
    );
    // No history: no baseline, no alert.
    expect(
      evaluateAggregate(condition, { counts: () => ({ calls: 100, failed: 90 }), baseline: () => null })
        .active,
    ).toBe(false);
  });

  it('is down with an open circuit or failing checks, and reads thresholds', () => {
    const down = { kind: 'gateway_down' as const, failedChecks: 3 };
    const bad = { healthy: false };
    expect(evaluateAggregate(down, { health: { circuit: 'open', recentChecks: [] } }).active).toBe(true);
    expect(
      evaluateAggregate(down, { health: { circuit: 'closed', recentChecks: [bad, bad, bad] } }).active,
    ).toBe(true);
    expect(
      evaluateAggregate(down, { health: { circuit: 'closed', recentChecks: [bad, bad, { healthy: true }] } })
        .active,
    ).toBe(false);
    const dead = { kind: 'threshold' as const, metric: 'jobs_dead', above: 0 };
    expect(evaluateAggregate(dead, { metric: 2 }).active).toBe(true);
    expect(evaluateAggregate(dead, { metric: 0 }).active).toBe(false);
  });
});

describe('the state step over observations', () => {
  const rule = { id: 'alr_1', name: 'JobsDead', severity: 'warning' as const, forMs: 2 * MINUTE };
  const holds = (active: boolean) => ({
    active,
    value: active ? 1 : 0,
    description: active ? 'dead' : 'fine',
  });

  it('waits the for-duration, fires once, resolves once, and resolves what is no longer observed', () => {
    let previous = new Map();
    const statuses: string[] = [];
    const states: string[] = [];
    for (const [t, active] of [
      [0, true],
      [1, true],
      [2, true],
      [3, true],
      [4, false],
    ] as const) {
      const step = advanceAlerts({
        observations: [{ rule, subject: {}, result: holds(active) }],
        previous,
        silences: [],
        now: t * MINUTE,
      });
      statuses.push(...step.notices.map((n) => n.status));
      states.push([...step.alerts.values()][0]?.state ?? 'none');
      previous = step.alerts;
    }
    expect(states).toEqual(['pending', 'pending', 'firing', 'firing', 'resolved']);
    expect(statuses).toEqual(['firing', 'resolved']);

    const firing = advanceAlerts({
      observations: [{ rule: { ...rule, forMs: 0 }, subject: {}, result: holds(true) }],
      previous: new Map(),
      silences: [],
      now: 0,
    });
    const gone = advanceAlerts({ observations: [], previous: firing.alerts, silences: [], now: MINUTE });
    expect(gone.notices.map((n) => n.status)).toEqual(['resolved']);
    expect([...gone.alerts.values()][0].annotations['description']).toBe('no longer evaluated');
  });
});
