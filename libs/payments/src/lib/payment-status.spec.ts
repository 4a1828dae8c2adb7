import {
  assertTransition,
  canTransition,
  claimableFrom,
  IllegalTransitionError,
  PAYMENT_STATUSES,
  statusRank,
  TRANSITIONS,
} from './payment-status';

describe('payment state machine', () => {
  it('follows the lifecycle of a captured and refunded payment', () => {
    const path = [
      'requires_payment_method',
      'authorizing',
      'authorized',
      'capturing',
      'captured',
      'partially_refunded',
      'refunded',
    ] as const;
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1], path[i])).toBe(true);
  });

  it('never leaves a final state', () => {
    for (const final of ['refunded', 'voided', 'failed'] as const) {
      for (const to of PAYMENT_STATUSES) if (to !== final) expect(canTransition(final, to)).toBe(false);
    }
  });

  it('refuses to void a captured payment or capture a voided one', () => {
    expect(canTransition('captured', 'voided')).toBe(false);
    expect(canTransition('voided', 'capturing')).toBe(false);
  });

  it('lets an in-doubt payment settle wherever the gateway says it is', () => {
    expect(TRANSITIONS.unknown).toEqual(
      expect.arrayContaining(['authorized', 'captured', 'failed', 'voided']),
    );
  });

  it('ranks later states above earlier ones so late events cannot move a payment backwards', () => {
    expect(statusRank('captured')).toBeGreaterThan(statusRank('authorized'));
    expect(statusRank('refunded')).toBeGreaterThan(statusRank('partially_refunded'));
  });
});

describe('the state machine as the claims use it', () => {
  it('lets a capture start only from a settled, capturable status', () => {
    expect(claimableFrom('capturing')).toEqual(['authorized', 'partially_captured', 'partially_refunded']);
  });

  it('lets a void start only from an authorization nothing was captured from', () => {
    expect(claimableFrom('voided')).toEqual(['requires_action', 'authorized']);
  });

  it('lets a refund start only once something was captured, never while a call is in doubt', () => {
    expect(claimableFrom('partially_refunded', 'refunded')).toEqual([
      'partially_captured',
      'captured',
      'partially_refunded',
    ]);
  });

  it('refuses an illegal move with an error that names both statuses', () => {
    expect(() => assertTransition('captured', 'voided')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('refunded', 'captured')).toThrow(/from refunded to captured/);
    expect(() => assertTransition('authorized', 'capturing')).not.toThrow();
  });
});
