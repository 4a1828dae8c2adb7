import type { AdminDisputeResource } from '@payrail/api-contract';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Disputes still needing a response first, by nearest evidence deadline; the rest after, newest first. */
export function byDeadline(disputes: readonly AdminDisputeResource[]): AdminDisputeResource[] {
  const due = (d: AdminDisputeResource) =>
    d.status === 'needs_response' && d.evidence_due_by ? Date.parse(d.evidence_due_by) : Infinity;
  return [...disputes].sort(
    (a, b) => due(a) - due(b) || (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0),
  );
}

/** How long is left before an evidence deadline, in words: `3 days left`, `5 hours left`, `overdue`. */
export function timeLeft(dueBy: string | null, now: number): string {
  if (!dueBy) return 'no deadline';
  const left = Date.parse(dueBy) - now;
  if (left <= 0) return 'overdue';
  if (left >= 2 * DAY) return `${Math.floor(left / DAY)} days left`;
  if (left >= 2 * HOUR) return `${Math.floor(left / HOUR)} hours left`;
  return 'under 2 hours left';
}
