import { randomUUID } from 'node:crypto';
import type { GatewayConnection } from '@payrail/plugin-sdk';
import { collectSettlements, payoutEntries } from '@payrail/plugin-sdk/testing';
import {
  loadStripeOpenApi,
  startStripeSandbox,
  STRIPE_SANDBOX_DEFAULTS,
  type StripeSandbox,
} from '@payrail/sandbox/stripe';
import { StripeGateway } from './index';

const gateway = new StripeGateway();
let sandbox: StripeSandbox;
let connection: GatewayConnection;

beforeAll(async () => {
  sandbox = await startStripeSandbox({ port: 0, record: true });
  connection = {
    id: 'conn_stripe_settlements',
    mode: 'test',
    baseUrl: sandbox.url,
    timeoutMs: 5000,
    values: { secretKey: STRIPE_SANDBOX_DEFAULTS.secretKey },
  };
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

/** A payment through the plugin: authorized, captured in full, optionally part refunded. */
async function paid(amount: number, refund = 0): Promise<{ pi: string; charge: string; refund?: string }> {
  const auth = await gateway.authorize(connection, {
    paymentId: `pay_${randomUUID()}`,
    attemptId: `att_${randomUUID()}`,
    idempotencyKey: randomUUID(),
    amount: { amount, currency: 'USD' },
    token: 'pm_card_visa',
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
  if (!refund) return { pi: auth.value.reference, charge: captured.value.capture.reference };
  const back = await gateway.refund(connection, {
    reference: auth.value.reference,
    attemptId: `att_${randomUUID()}`,
    idempotencyKey: randomUUID(),
    amount: { amount: refund, currency: 'USD' },
    captures: captured.value.snapshot.captures,
  });
  if (!back.ok) throw back.error;
  return {
    pi: auth.value.reference,
    charge: captured.value.capture.reference,
    refund: back.value.refund.reference,
  };
}

const window = () => ({
  from: new Date(Date.now() - 3600_000),
  to: new Date(Date.now() + 3600_000),
  pageSize: 3,
});

describe('Stripe settlement import against the sandbox', () => {
  it('imports charges and refunds with fees, then the payout with its entries adding up to it', async () => {
    const a = await paid(10000, 2500);
    const b = await paid(4321);
    const before = await collectSettlements(gateway, connection, window());
    const chargeA = before.records.find((r) => r.kind === 'charge' && r.paymentReference === a.pi);
    // The fee schedule: 2.9 % + 30 per charge, nothing back on a refund.
    expect(chargeA).toMatchObject({
      captureReference: a.charge,
      amount: 10000,
      fee: 320,
      net: 9680,
      currency: 'USD',
      status: 'pending',
      gatewayType: 'charge',
    });
    expect(chargeA?.payoutId).toBeUndefined();
    expect(chargeA?.raw).toMatchObject({ object: 'balance_transaction', source: { id: a.charge } });
    expect(before.records.find((r) => r.refundReference === a.refund)).toMatchObject({
      kind: 'refund',
      paymentReference: a.pi,
      captureReference: a.charge,
      amount: -2500,
      fee: 0,
    });

    await control('payout');
    const after = await collectSettlements(gateway, connection, window());
    expect(after.pages).toBeGreaterThan(2);
    expect(after.payouts).toHaveLength(1);
    const [payout] = after.payouts;
    expect(payout).toMatchObject({ status: 'paid', currency: 'USD', amount: 9680 - 2500 + 4321 - 155 });
    const entries = payoutEntries(payout, after.records, after.payouts);
    expect(entries.map((r) => r.paymentReference).sort()).toEqual([a.pi, a.pi, b.pi].sort());
    expect(entries.every((r) => r.status === 'paid_out')).toBe(true);
    expect(entries.reduce((sum, r) => sum + r.net, 0)).toBe(payout.amount);
    expect(after.records.filter((r) => r.kind === 'payout')).toEqual([
      expect.objectContaining({ amount: -payout.amount, payoutId: payout.id }),
    ]);
  });

  it('shows each injected discrepancy as the gateway would report it, and a late row once released', async () => {
    const disputed = await paid(2000);
    const shifted = await paid(3000);
    const missing = await paid(4000);
    const late = await paid(5000);
    await control('dispute', { reference: disputed.pi });
    await control('fee', { amount: 250, currency: 'usd' });
    await control('shift', { reference: shifted.pi, delta: 1 });
    const unknown = (await control('unknown', { amount: 777 })) as { source: string };
    await control('missing', { reference: missing.pi });
    await control('late', { reference: late.pi });

    const seen = await collectSettlements(gateway, connection, window());
    const of = (pi: string, kind: string) =>
      seen.records.filter((r) => r.paymentReference === pi && r.kind === kind);
    expect(of(disputed.pi, 'dispute')).toEqual([
      expect.objectContaining({ amount: -2000, fee: 1500, net: -3500, captureReference: disputed.charge }),
    ]);
    expect(of(disputed.pi, 'dispute')[0].disputeReference).toMatch(/^dp_/);
    expect(seen.records.filter((r) => r.kind === 'fee' && r.amount === -250)).toHaveLength(1);
    expect(of(shifted.pi, 'charge')).toEqual([expect.objectContaining({ amount: 3001 })]);
    expect(seen.records.find((r) => r.captureReference === unknown.source)).toMatchObject({
      kind: 'charge',
      amount: 777,
    });
    expect(of(missing.pi, 'charge')).toEqual([]);
    expect(of(late.pi, 'charge')).toEqual([]);

    expect(await control('release')).toEqual({ released: 1 });
    const later = await collectSettlements(gateway, connection, window());
    expect(later.records.filter((r) => r.paymentReference === late.pi)).toEqual([
      expect.objectContaining({ kind: 'charge', amount: 5000 }),
    ]);
    expect(later.records.filter((r) => r.paymentReference === missing.pi)).toEqual([]);
  });

  it('refuses a bad control body by name', async () => {
    await expect(control('shift', { delta: 1 })).rejects.toThrow(/reference is required/);
    await expect(control('fee', { amount: 'lots' })).rejects.toThrow(/amount must be a whole number/);
  });

  it('answered only what the official OpenAPI spec allows', () => {
    const validator = loadStripeOpenApi();
    const seen = sandbox.exchanges.filter((e) => e.route);
    expect(seen.some((e) => e.path.startsWith('/v1/payouts'))).toBe(true);
    expect(seen.flatMap((e) => validator.validate(e))).toEqual([]);
  });
});
