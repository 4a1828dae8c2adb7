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

  /** The amount a payout entry reports for this payment or refund. */
  reported(id: string, amount: number): number {
    return amount + (this.shifts.get(id) ?? 0);
  }
}
