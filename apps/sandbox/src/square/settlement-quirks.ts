/**
 * What the settlement controls changed about the ledger: payments and refunds hidden from the
 * lists and the payouts (for good, or until released), and amounts a payout entry reports off by
 * some minor units.
 */
export class SquareSettlementQuirks {
  private readonly hidden = new Map<string, 'missing' | 'late'>();
  private readonly shifts = new Map<string, number>();

  hide(id: string, how: 'missing' | 'late'): void {
    this.hidden.set(id, how);
  }

  visible(id: string): boolean {
    return !this.hidden.has(id);
  }

  /** Late payments and refunds appear now (and go into the next payout). */
  release(): number {
    let released = 0;
    for (const [id, how] of this.hidden)
      if (how === 'late') {
        this.hidden.delete(id);
        released++;
      }
    return released;
  }

  shift(id: string, delta: number): void {
    this.shifts.set(id, (this.shifts.get(id) ?? 0) + delta);
  }

  /** The amount the gateway reports for this payment or refund. */
  reported(id: string, amount: number): number {
    return amount + (this.shifts.get(id) ?? 0);
  }

  /** A payment or refund as the lists report it: a shifted amount shows there too (not in a single read). */
  asReported<T extends { id: string; amount_money: { amount: number } }>(item: T): T {
    const delta = this.shifts.get(item.id);
    if (!delta) return item;
    const copy = structuredClone(item) as T & { total_money?: { amount: number } };
    copy.amount_money.amount += delta;
    if (copy.total_money) copy.total_money.amount += delta;
    return copy;
  }
}
