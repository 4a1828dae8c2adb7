import type { GatewayConnection, PaymentGateway } from '../lib/gateway';
import {
  mergeSettlementRecord,
  settlementPages,
  type SettlementPayout,
  type SettlementRecord,
} from '../lib/settlements';

export interface CollectedSettlements {
  /** Every record of the window, folded by dedupe key as an importer would. */
  records: SettlementRecord[];
  payouts: SettlementPayout[];
  pages: number;
}

/** Walks a (small) window into memory, for specs: an importer would write each page instead. */
export async function collectSettlements(
  gateway: Pick<PaymentGateway, 'listSettlements'>,
  connection: GatewayConnection,
  window: { from: Date; to: Date; pageSize?: number },
): Promise<CollectedSettlements> {
  const seen = new Map<string, SettlementRecord>();
  const payouts = new Map<string, SettlementPayout>();
  let pages = 0;
  for await (const page of settlementPages(gateway, connection, window)) {
    pages++;
    for (const record of page.records) {
      const earlier = seen.get(record.dedupeKey);
      seen.set(record.dedupeKey, earlier ? mergeSettlementRecord(earlier, record) : record);
    }
    for (const payout of page.payouts) payouts.set(payout.id, payout);
  }
  return { records: [...seen.values()], payouts: [...payouts.values()], pages };
}

/**
 * A payout's entries: the records carrying its id, or for a gateway that links none
 * (`entries: 'since_previous_payout'`) the records of its currency since the previous payout.
 */
export function payoutEntries(
  payout: SettlementPayout,
  records: readonly SettlementRecord[],
  payouts: readonly SettlementPayout[],
): SettlementRecord[] {
  if (payout.entries !== 'since_previous_payout')
    return records.filter((r) => r.payoutId === payout.id && r.kind !== 'payout');
  const previous = payouts
    .filter((p) => p.currency === payout.currency && p.createdAt < payout.createdAt)
    .reduce<Date | undefined>(
      (latest, p) => (!latest || p.createdAt > latest ? p.createdAt : latest),
      undefined,
    );
  return records.filter(
    (r) =>
      r.kind !== 'payout' &&
      r.currency === payout.currency &&
      r.status !== 'failed' &&
      r.occurredAt <= payout.createdAt &&
      (!previous || r.occurredAt > previous),
  );
}
