import type { GatewayCaptureRecord, RefundPart } from '@payrail/plugin-sdk';

/** A refund that holds part of the captured money: made, or still pending or in doubt. */
export interface HeldRefund {
  amount: number;
  parts: RefundPart[] | null;
}

/**
 * Where a new refund of `amount` is taken from, on a gateway that refunds per capture: the
 * newest captures with room first, split across several when one has too little. Room is a
 * capture's amount less what refunds already hold of it; refunds without an allocation (made
 * before allocations were kept) are counted newest first, as the gateway took them. `null`
 * when the captures have less room than `amount` altogether.
 */
export function allocateRefund(
  captures: readonly GatewayCaptureRecord[],
  held: readonly HeldRefund[],
  amount: number,
): RefundPart[] | null {
  const newestFirst = [...captures].reverse();
  const room = new Map(newestFirst.map((c) => [c.reference, c.amount]));
  const take = (want: number): RefundPart[] => {
    const parts: RefundPart[] = [];
    for (const capture of newestFirst) {
      if (want === 0) break;
      const part = Math.min(room.get(capture.reference) ?? 0, want);
      if (part <= 0) continue;
      room.set(capture.reference, (room.get(capture.reference) ?? 0) - part);
      parts.push({ captureReference: capture.reference, amount: part });
      want -= part;
    }
    return parts;
  };
  for (const refund of held)
    for (const part of refund.parts ?? [])
      room.set(part.captureReference, (room.get(part.captureReference) ?? 0) - part.amount);
  for (const refund of held) if (!refund.parts) take(refund.amount);
  const left = [...room.values()].reduce((sum, r) => sum + Math.max(r, 0), 0);
  if (amount <= 0 || left < amount) return null;
  return take(amount);
}
