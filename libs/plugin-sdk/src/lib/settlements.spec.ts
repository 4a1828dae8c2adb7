import { fail, GatewayError, succeed } from './errors';
import {
  decodeSettlementCursor,
  encodeSettlementCursor,
  mergeSettlementRecord,
  settlementPages,
  settlementWindowProblem,
  type SettlementPage,
  type SettlementRecord,
  type SettlementRequest,
} from './settlements';

const record = (over: Partial<SettlementRecord> = {}): SettlementRecord => ({
  id: 'txn_1',
  dedupeKey: 'txn_1',
  kind: 'charge',
  gatewayType: 'charge',
  paymentReference: 'pi_1',
  currency: 'USD',
  amount: 1000,
  fee: 59,
  net: 941,
  occurredAt: new Date('2026-11-01T00:00:00Z'),
  status: 'pending',
  raw: { id: 'txn_1' },
  ...over,
});

describe('mergeSettlementRecord', () => {
  it('takes the later status, payout and raw row', () => {
    const merged = mergeSettlementRecord(
      record(),
      record({ status: 'paid_out', payoutId: 'po_1', raw: { id: 'txn_1', seen: 2 } }),
    );
    expect(merged).toMatchObject({ status: 'paid_out', payoutId: 'po_1', raw: { seen: 2 } });
  });

  it('never clears a payout, nor the status that came with it, when the later sighting has none', () => {
    const earlier = record({ status: 'paid_out', payoutId: 'po_1', availableOn: new Date(0) });
    const merged = mergeSettlementRecord(earlier, record({ status: 'available' }));
    expect(merged).toMatchObject({ payoutId: 'po_1', status: 'paid_out', availableOn: new Date(0) });
  });
});

describe('settlementPages', () => {
  const pages: SettlementPage[] = [
    { records: [record()], payouts: [], nextCursor: 'b' },
    { records: [], payouts: [], nextCursor: 'c' },
    { records: [record({ id: 'txn_2', dedupeKey: 'txn_2' })], payouts: [] },
  ];
  const gateway = {
    calls: [] as (string | undefined)[],
    async listSettlements(_c: unknown, request: SettlementRequest) {
      this.calls.push(request.cursor);
      const index = request.cursor ? request.cursor.charCodeAt(0) - 'a'.charCodeAt(0) : 0;
      if (index === 1 && request.pageSize === 13) return fail(new GatewayError('gateway_unavailable'));
      return succeed(pages[index]);
    },
  };

  it('walks every page, empty ones included, passing each cursor back', async () => {
    gateway.calls = [];
    const seen: string[] = [];
    const cursors: (string | undefined)[] = [];
    for await (const page of settlementPages(gateway, {}, { from: new Date(0), to: new Date(1) }, (cursor) =>
      cursors.push(cursor),
    ))
      seen.push(...page.records.map((r) => r.id));
    expect(seen).toEqual(['txn_1', 'txn_2']);
    expect(gateway.calls).toEqual([undefined, 'b', 'c']);
    expect(cursors).toEqual(['b', 'c', undefined]);
  });

  it('throws a failed page as its GatewayError, after the pages before it', async () => {
    const seen: number[] = [];
    const walk = async () => {
      for await (const page of settlementPages(
        gateway,
        {},
        { from: new Date(0), to: new Date(1), pageSize: 13 },
      ))
        seen.push(page.records.length);
    };
    await expect(walk()).rejects.toMatchObject({ code: 'gateway_unavailable', retryable: true });
    expect(seen).toEqual([1]);
  });
});

describe('cursors and windows', () => {
  const isState = (s: unknown): s is { n: number } => typeof (s as { n?: unknown })?.n === 'number';

  it('round-trips a plugin state and refuses what it did not make', () => {
    expect(decodeSettlementCursor(encodeSettlementCursor({ n: 3 }), isState)).toEqual({ n: 3 });
    expect(() => decodeSettlementCursor('bm90IGpzb24', isState)).toThrow(/cursor is not one/);
    expect(() => decodeSettlementCursor(encodeSettlementCursor({ m: 1 }), isState)).toThrow(GatewayError);
  });

  it('names what is wrong with a window', () => {
    expect(settlementWindowProblem({ from: new Date(1), to: new Date(1) })?.param).toBe('from');
    expect(settlementWindowProblem({ from: new Date(0), to: new Date(NaN) })?.param).toBe('to');
    expect(settlementWindowProblem({ from: new Date(0), to: new Date(1) })).toBeUndefined();
  });
});
