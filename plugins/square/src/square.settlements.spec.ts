import { randomUUID } from 'node:crypto';
import type { GatewayConnection } from '@payrail/plugin-sdk';
import { collectSettlements, payoutEntries } from '@payrail/plugin-sdk/testing';
import { loadSquareOpenApi, startSquareSandbox, type SquareSandbox } from '@payrail/sandbox/square';
import { SquareGateway } from './square.gateway';
import { squareSandboxConnection } from './testing/sandbox-connection';

const gateway = new SquareGateway();
let sandbox: SquareSandbox;
let connection: GatewayConnection;

beforeAll(async () => {
  sandbox = await startSquareSandbox({ port: 0, record: true });
  connection = squareSandboxConnection(sandbox, 'conn_square_settlements');
});

afterAll(async () => {
  await sandbox?.close();
});

async function control(action: string, body: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const answer = await fetch(`${sandbox.url}/_sandbox/settlements/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await answer.json()) as Record<string, unknown>;
  if (answer.status !== 200) throw new Error(`${action}: ${answer.status} ${JSON.stringify(json)}`);
  return json;
}

async function paid(amount: number, refund = 0): Promise<{ payment: string; refund?: string }> {
  const auth = await gateway.authorize(connection, {
    paymentId: `pay_${randomUUID()}`,
    attemptId: `att_${randomUUID()}`,
    idempotencyKey: randomUUID(),
    amount: { amount, currency: 'USD' },
    token: 'cnon:card-nonce-ok',
  });
  if (!auth.ok) throw auth.error;
  const captured = await gateway.capture(connection, {
    reference: auth.value.reference,
    attemptId: `att_${randomUUID()}`,
    idempotencyKey: randomUUID(),
    amount: { amount, currency: 'USD' },
    final: true,
  });
  if (!captured.ok) throw captured.error;
  if (!refund) return { payment: auth.value.reference };
  const back = await gateway.refund(connection, {
    reference: auth.value.reference,
    attemptId: `att_${randomUUID()}`,
    idempotencyKey: randomUUID(),
    amount: { amount: refund, currency: 'USD' },
    captures: captured.value.snapshot.captures,
  });
  if (!back.ok) throw back.error;
  return { payment: auth.value.reference, refund: back.value.refund.reference };
}

const window = () => ({
  from: new Date(Date.now() - 3600_000),
  to: new Date(Date.now() + 3600_000),
  pageSize: 2,
});
const settled = () => new Promise((resolve) => setTimeout(resolve, 150));

describe('Square settlement import against the sandbox', () => {
  it('imports payments and refunds with fees, then the payout whose entries add up to it, each movement once', async () => {
    const a = await paid(10000, 3000);
    const b = await paid(2000);
    await settled();
    const before = await collectSettlements(gateway, connection, window());
    // The fee schedule: 2.9 % + 30 per payment; refunds give no fee back.
    expect(before.records.find((r) => r.dedupeKey === `payment:${a.payment}`)).toMatchObject({
      kind: 'charge',
      paymentReference: a.payment,
      captureReference: a.payment,
      amount: 10000,
      fee: 320,
      net: 9680,
      status: 'available',
    });
    expect(before.records.find((r) => r.refundReference === a.refund)).toMatchObject({
      kind: 'refund',
      paymentReference: a.payment,
      amount: -3000,
    });

    await control('payout');
    const after = await collectSettlements(gateway, connection, window());
    expect(after.payouts).toHaveLength(1);
    const [payout] = after.payouts;
    expect(payout).toMatchObject({ status: 'paid', currency: 'USD', amount: 9680 - 3000 + 1912 });
    const entries = payoutEntries(payout, after.records, after.payouts);
    expect(entries.map((r) => r.dedupeKey).sort()).toEqual(
      [`payment:${a.payment}`, `refund:${a.refund}`, `payment:${b.payment}`].sort(),
    );
    expect(entries.every((r) => r.status === 'paid_out' && r.id.startsWith('poe_'))).toBe(true);
    expect(entries.reduce((sum, r) => sum + r.net, 0)).toBe(payout.amount);
    // The same charge, seen first in the payment list and then as a payout entry, is one record.
    expect(after.records.filter((r) => r.paymentReference === b.payment)).toHaveLength(1);
  });

  it('shows each injected discrepancy in the next payout, and a late payment once released', async () => {
    const disputed = await paid(3000);
    const shifted = await paid(1000);
    const missing = await paid(1100);
    const late = await paid(1200);
    const dispute = (await control('dispute', { reference: disputed.payment })) as {
      dispute: { id: string };
    };
    await control('fee', { amount: 99 });
    await control('shift', { reference: shifted.payment, delta: 1 });
    const unknown = (await control('unknown', { amount: 555 })) as { payment: { id: string } };
    await control('missing', { reference: missing.payment });
    await control('late', { reference: late.payment });
    await control('payout');

    const seen = await collectSettlements(gateway, connection, window());
    expect(seen.records.find((r) => r.kind === 'dispute')).toMatchObject({
      gatewayType: 'DISPUTE',
      disputeReference: dispute.dispute.id,
      amount: -3000,
    });
    expect(seen.records.filter((r) => r.gatewayType === 'FEE')).toEqual([
      expect.objectContaining({ kind: 'fee', amount: -99, net: -99 }),
    ]);
    expect(seen.records.find((r) => r.paymentReference === shifted.payment)).toMatchObject({ amount: 1001 });
    expect(seen.records.find((r) => r.paymentReference === unknown.payment.id)).toMatchObject({
      kind: 'charge',
      amount: 555,
    });
    expect(seen.records.some((r) => r.paymentReference === missing.payment)).toBe(false);
    expect(seen.records.some((r) => r.paymentReference === late.payment)).toBe(false);
    for (const payout of seen.payouts) {
      const entries = payoutEntries(payout, seen.records, seen.payouts);
      expect(entries.reduce((sum, r) => sum + r.net, 0)).toBe(payout.amount);
    }

    expect(await control('release')).toEqual({ released: 1 });
    await control('payout');
    const later = await collectSettlements(gateway, connection, window());
    expect(later.records.filter((r) => r.paymentReference === late.payment)).toEqual([
      expect.objectContaining({ kind: 'charge', amount: 1200, status: 'paid_out' }),
    ]);
  });

  it('refuses a control without its reference', async () => {
    await expect(control('missing', {})).rejects.toThrow(/reference/);
  });

  it('answered only what the official OpenAPI spec allows', () => {
    const openApi = loadSquareOpenApi();
    expect(sandbox.exchanges.some((x) => x.path.includes('/payout-entries'))).toBe(true);
    expect(
      sandbox.exchanges.flatMap((x) => openApi.validate(x.method, x.path, x.status, x.responseBody)),
    ).toEqual([]);
  });
});
