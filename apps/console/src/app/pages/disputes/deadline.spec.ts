import type { AdminDisputeResource } from '@payrail/api-contract';
import { byDeadline, timeLeft } from './deadline';

const now = Date.parse('2026-03-01T12:00:00Z');

function dispute(
  id: string,
  status: AdminDisputeResource['status'],
  dueBy: string | null,
): AdminDisputeResource {
  return {
    id,
    object: 'dispute',
    merchant_id: 'mer_1',
    mode: 'test',
    payment_id: `pay_${id}`,
    gateway: 'stripe',
    gateway_reference: `dp_${id}`,
    amount: 1000,
    currency: 'usd',
    reason: 'fraudulent',
    status,
    gateway_status: status,
    inquiry: false,
    evidence_due_by: dueBy,
    evidence_submitted_at: null,
    created_at: `2026-02-0${id}T00:00:00Z`,
    updated_at: `2026-02-0${id}T00:00:00Z`,
  };
}

describe('dispute deadlines', () => {
  it('puts open disputes first by nearest deadline, answered ones after, newest first', () => {
    const sorted = byDeadline([
      dispute('1', 'won', '2026-03-02T00:00:00Z'),
      dispute('2', 'needs_response', '2026-03-09T00:00:00Z'),
      dispute('3', 'needs_response', '2026-03-03T00:00:00Z'),
      dispute('4', 'under_review', null),
    ]);
    expect(sorted.map((d) => d.id)).toEqual(['3', '2', '4', '1']);
  });

  it('says the time left in days, then hours, and when it has passed', () => {
    expect(timeLeft('2026-03-08T13:00:00Z', now)).toBe('7 days left');
    expect(timeLeft('2026-03-02T09:00:00Z', now)).toBe('21 hours left');
    expect(timeLeft('2026-03-01T13:00:00Z', now)).toBe('under 2 hours left');
    expect(timeLeft('2026-03-01T11:00:00Z', now)).toBe('overdue');
    expect(timeLeft(null, now)).toBe('no deadline');
  });
});
