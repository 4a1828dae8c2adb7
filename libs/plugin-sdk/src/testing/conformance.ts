import { randomUUID } from 'node:crypto';
import type { GatewayErrorCode, Outcome } from '../lib/errors';
import { GatewayError, GATEWAY_ERROR_CODES } from '../lib/errors';
import type {
  CardDetails,
  GatewayConnection,
  GatewayPaymentSnapshot,
  PaymentGateway,
  WebhookRequest,
} from '../lib/gateway';
import {
  mergeSettlementRecord,
  settlementPages,
  type SettlementPayout,
  type SettlementRecord,
  type SettlementKind,
  type SettlementStatus,
} from '../lib/settlements';
import { payoutEntries } from './settlements';

const SETTLEMENT_KINDS: readonly SettlementKind[] = ['charge', 'refund', 'dispute', 'fee', 'payout', 'other'];
const SETTLEMENT_STATUSES: readonly SettlementStatus[] = [
  'pending',
  'available',
  'paid_out',
  'reversed',
  'failed',
];

/** How to provoke one error code the plugin claims to map. */
export interface FailureCase {
  code: GatewayErrorCode;
  /** Which operation fails: authorization (most declines), the first capture (PayPal's declined capture) or tokenization. */
  stage: 'authorize' | 'capture' | 'tokenize';
  token?: () => Promise<string> | string;
  card?: CardDetails;
  /** A connection that provokes it (bad key, restricted key…), when the trigger is the connection. */
  connection?: () => GatewayConnection;
  amount?: number;
  label?: string;
}

export interface ConformanceOptions {
  /** Shown in the suite's title. */
  name: string;
  /** Called once when the suite is collected (its capabilities choose the cases) and again before it runs. */
  gateway: () => PaymentGateway;
  /** A test-mode connection to the gateway's sandbox. */
  connection: () => GatewayConnection;
  currency?: string;
  /** Minor units; large enough to split into four captures. Default 10000. */
  amount?: number;
  /** A token that authorizes; called once for every payment (some gateways' tokens are single use). */
  approvedToken: () => Promise<string> | string;
  /** A raw test card that tokenizes and authorizes, when the gateway takes raw cards. */
  approvedCard?: CardDetails;
  failures: FailureCase[];
  /** A delivery the gateway would send about `reference`, signed as the gateway signs it now. */
  signedWebhook: (reference: string) => Promise<WebhookRequest>;
  /** The same, signed too long ago to be accepted; omit where the scheme carries no time. */
  staleWebhook?: (reference: string) => Promise<WebhookRequest>;
  /** A connection with credentials the gateway refuses. */
  badCredentials: () => GatewayConnection;
  /** A connection whose calls cannot finish in time; the kit expects `gateway_timeout`, indeterminate. */
  slowConnection?: () => GatewayConnection;
  /** Called before settlements are listed, for sandboxes that settle on demand. */
  beforeSettlements?: () => Promise<void>;
  /** Makes the sandbox pay out its balance now; the kit then checks a payout's entries add up to it. */
  payOut?: () => Promise<void>;
}

/** Folds records into `seen` by dedupe key, as an importer would. */
function collect(seen: Map<string, SettlementRecord>, records: SettlementRecord[]): void {
  for (const record of records) {
    const earlier = seen.get(record.dedupeKey);
    seen.set(record.dedupeKey, earlier ? mergeSettlementRecord(earlier, record) : record);
  }
}

function expectOk<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) {
    throw new Error(`expected success, got ${outcome.error.code}: ${outcome.error.message}`);
  }
  return outcome.value;
}

function expectFailure<T>(outcome: Outcome<T>, codes?: GatewayErrorCode | GatewayErrorCode[]): GatewayError {
  if (outcome.ok)
    throw new Error(`expected a failure${codes ? ` (${[codes].flat().join(' or ')})` : ''}, got success`);
  expect(outcome.error).toBeInstanceOf(GatewayError);
  expect(GATEWAY_ERROR_CODES).toContain(outcome.error.code);
  if (codes) expect([codes].flat()).toContain(outcome.error.code);
  return outcome.error;
}

/**
 * The shared suite every gateway plugin runs against its sandbox: a plugin is done when it
 * passes. It declares jest `describe`/`it` blocks, so call it at the top level of a spec.
 */
export function describeGatewayConformance(options: ConformanceOptions): void {
  const currency = options.currency ?? 'USD';
  const total = options.amount ?? 10000;
  const money = (amount: number) => ({ amount, currency });
  const key = (label: string) => `conf-${label}-${randomUUID()}`;
  let gateway: PaymentGateway;
  let connection: GatewayConnection;

  async function authorize(amount = total, token?: string): Promise<GatewayPaymentSnapshot> {
    const paymentId = `pay_${randomUUID()}`;
    const outcome = await gateway.authorize(connection, {
      paymentId,
      attemptId: `att_${randomUUID()}`,
      idempotencyKey: key('auth'),
      amount: money(amount),
      token: token ?? (await options.approvedToken()),
      description: 'conformance kit',
      customer: { email: 'buyer@example.com', name: 'Conformance Buyer' },
    });
    const snapshot = expectOk(outcome);
    expect(snapshot.status).toBe('authorized');
    return snapshot;
  }

  async function capture(reference: string, amount: number, final = true) {
    return gateway.capture(connection, {
      reference,
      attemptId: `att_${randomUUID()}`,
      idempotencyKey: key('cap'),
      amount: money(amount),
      final,
    });
  }

  async function refund(snapshot: GatewayPaymentSnapshot, amount: number) {
    return gateway.refund(connection, {
      reference: snapshot.reference,
      attemptId: `att_${randomUUID()}`,
      idempotencyKey: key('ref'),
      amount: money(amount),
      captures: snapshot.captures,
    });
  }

  // What the gateway declares decides, at collection time, which cases run: a case for a
  // capability it lacks is reported as skipped, never passed without running.
  const declared = options.gateway().capabilities;
  const itWhen = (runs: boolean | undefined) => (runs ? it : it.skip);
  const { slowConnection, payOut } = options;

  describe(`${options.name} gateway conformance`, () => {
    beforeAll(() => {
      gateway = options.gateway();
      connection = options.connection();
    });

    it('describes itself: code, name, version, fields and capabilities', () => {
      expect(gateway.code).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(gateway.displayName.length).toBeGreaterThan(0);
      expect(gateway.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(gateway.fields.some((f) => f.secret && f.required)).toBe(true);
      for (const field of gateway.fields) expect(field.key).toMatch(/^[a-zA-Z][a-zA-Z0-9_]*$/);
      const caps = gateway.capabilities;
      expect(caps.currencies === '*' || caps.currencies.includes(currency)).toBe(true);
    });

    it('accepts its sandbox credentials in test mode', async () => {
      const check = expectOk(await gateway.checkCredentials(connection));
      expect(check).toMatchObject({ valid: true, mode: 'test', problems: [] });
    });

    it('refuses bad credentials as authentication_failed or an invalid verdict', async () => {
      const outcome = await gateway.checkCredentials(options.badCredentials());
      if (outcome.ok) {
        expect(outcome.value.valid).toBe(false);
        expect(outcome.value.problems.length).toBeGreaterThan(0);
      } else {
        expectFailure(outcome, 'authentication_failed');
      }
    });

    it('refuses a live connection that points anywhere but the gateway itself', async () => {
      const live: GatewayConnection = { ...connection, mode: 'live' };
      const outcome = await gateway
        .checkCredentials(live)
        .catch((error: unknown) => ({ ok: false as const, error: error as GatewayError }));
      expect(outcome.ok).toBe(false);
    });

    it('reports itself healthy against the sandbox', async () => {
      const report = await gateway.healthCheck(connection);
      expect(report.healthy).toBe(true);
      expect(report.latencyMs).toBeGreaterThanOrEqual(0);
    });

    it('tokenizes a raw test card, or refuses raw cards when it declares no tokenization', async () => {
      const card = options.approvedCard ?? {
        number: '4242424242424242',
        expMonth: 12,
        expYear: new Date().getFullYear() + 3,
        cvc: '123',
      };
      const outcome = await gateway.tokenize(connection, { card, idempotencyKey: key('tok') });
      if (!gateway.capabilities.tokenization) {
        expectFailure(outcome, 'invalid_request');
        return;
      }
      const result = expectOk(outcome);
      expect(result.token.length).toBeGreaterThan(0);
      expect(result.token).not.toContain(card.number);
      if (result.card?.last4) expect(result.card.last4).toBe(card.number.slice(-4));
      await authorize(total, result.token);
    });

    it('authorizes, syncs, captures in full and refunds in full', async () => {
      const authorized = await authorize();
      expect(authorized.reference.length).toBeGreaterThan(0);
      expect(authorized.amountCapturable).toBe(total);
      expect(authorized.amountCaptured).toBe(0);
      expect(authorized.currency.toUpperCase()).toBe(currency);

      const synced = expectOk(await gateway.sync(connection, { reference: authorized.reference }));
      expect(synced).toMatchObject({
        reference: authorized.reference,
        status: 'authorized',
        amountCapturable: total,
      });

      const captured = expectOk(await capture(authorized.reference, total));
      expect(captured.snapshot.status).toBe('captured');
      expect(captured.snapshot.amountCaptured).toBe(total);
      expect(captured.capture.amount).toBe(total);

      const refunded = expectOk(await refund(captured.snapshot, total));
      expect(refunded.refund.amount).toBe(total);
      expect(['succeeded', 'pending']).toContain(refunded.refund.status);
      const after = expectOk(await gateway.sync(connection, { reference: authorized.reference }));
      expect(after.status).toBe('refunded');
      expect(after.amountRefunded).toBe(total);
      expect(after.refunds.map((r) => r.reference)).toContain(refunded.refund.reference);
    });

    it('replays a keyed authorization instead of charging twice', async () => {
      const request = {
        paymentId: `pay_${randomUUID()}`,
        attemptId: `att_${randomUUID()}`,
        idempotencyKey: key('replay'),
        amount: money(total),
        token: await options.approvedToken(),
      };
      const first = expectOk(await gateway.authorize(connection, request));
      const second = expectOk(await gateway.authorize(connection, request));
      expect(second.reference).toBe(first.reference);
    });

    itWhen(declared.partialCapture)('captures part of an authorization and releases the rest', async () => {
      const authorized = await authorize();
      const captured = expectOk(await capture(authorized.reference, total / 2));
      expect(captured.snapshot.amountCaptured).toBe(total / 2);
      expect(captured.snapshot.amountCapturable).toBe(0);
      expect(captured.snapshot.status).toBe('captured');
      expectFailure(await capture(authorized.reference, total / 4));
    });

    itWhen(declared.multipleCaptures)('captures several times when it allows multiple captures', async () => {
      const authorized = await authorize();
      const first = expectOk(await capture(authorized.reference, total / 4, false));
      expect(first.snapshot.status).toBe('partially_captured');
      expect(first.snapshot.amountCapturable).toBe(total - total / 4);
      const second = expectOk(await capture(authorized.reference, total / 4, true));
      expect(second.snapshot.amountCaptured).toBe(total / 2);
      expect(second.snapshot.status).toBe('captured');
      expect(second.capture.reference).not.toBe(first.capture.reference);
    });

    itWhen(declared.partialRefund)(
      'refunds in two parts, then refuses to refund more than was captured',
      async () => {
        const authorized = await authorize();
        const captured = expectOk(await capture(authorized.reference, total)).snapshot;
        const first = expectOk(await refund(captured, total / 4));
        expect(first.refund.amount).toBe(total / 4);
        const mid = expectOk(await gateway.sync(connection, { reference: authorized.reference }));
        expect(mid.status).toBe('partially_refunded');
        expect(mid.amountRefunded).toBe(total / 4);
        expectOk(await refund(mid, total - total / 4));
        const done = expectOk(await gateway.sync(connection, { reference: authorized.reference }));
        expect(done.status).toBe('refunded');
        expect(done.amountRefunded).toBe(total);
        expectFailure(await refund(done, 1));
      },
    );

    itWhen(declared.void)('voids an authorization, after which it cannot be captured', async () => {
      const authorized = await authorize();
      const voided = expectOk(
        await gateway.void(connection, {
          reference: authorized.reference,
          attemptId: `att_${randomUUID()}`,
          idempotencyKey: key('void'),
        }),
      );
      expect(voided.status).toBe('voided');
      expect(voided.amountCapturable).toBe(0);
      expectFailure(await capture(authorized.reference, total));
      const synced = expectOk(await gateway.sync(connection, { reference: authorized.reference }));
      expect(synced.status).toBe('voided');
    });

    it('refuses to capture more than was authorized', async () => {
      const authorized = await authorize();
      expectFailure(await capture(authorized.reference, total + 1));
    });

    for (const failure of options.failures) {
      it(`maps ${failure.label ?? failure.code} at ${failure.stage} to ${failure.code}`, async () => {
        const conn = failure.connection ? failure.connection() : connection;
        const amount = failure.amount ?? total;
        if (failure.stage === 'tokenize') {
          const card = failure.card ?? options.approvedCard;
          if (!card) throw new Error('a tokenize failure case needs a card');
          const error = expectFailure(
            await gateway.tokenize(conn, { card, idempotencyKey: key('tokfail') }),
            failure.code,
          );
          expect(error.userMessage.length).toBeGreaterThan(0);
          return;
        }
        const token = failure.token ? await failure.token() : await options.approvedToken();
        const auth = await gateway.authorize(conn, {
          paymentId: `pay_${randomUUID()}`,
          attemptId: `att_${randomUUID()}`,
          idempotencyKey: key('fail'),
          amount: money(amount),
          token,
          customer: { name: failure.card?.name },
        });
        if (failure.stage === 'authorize') {
          const error = expectFailure(auth, failure.code);
          expect(error.userMessage.length).toBeGreaterThan(0);
          expect(error.indeterminate).toBe(failure.code === 'gateway_timeout');
          return;
        }
        const snapshot = expectOk(auth);
        const error = expectFailure(
          await gateway.capture(conn, {
            reference: snapshot.reference,
            attemptId: `att_${randomUUID()}`,
            idempotencyKey: key('capfail'),
            amount: money(amount),
            final: true,
          }),
          failure.code,
        );
        expect(error.userMessage.length).toBeGreaterThan(0);
      });
    }

    itWhen(!!slowConnection)(
      'times out as gateway_timeout, indeterminate, when the gateway is too slow',
      async () => {
        const outcome = await gateway
          .authorize(slowConnection!(), {
            paymentId: `pay_${randomUUID()}`,
            attemptId: `att_${randomUUID()}`,
            idempotencyKey: key('slow'),
            amount: money(total),
            token: await options.approvedToken(),
          })
          .catch((error: unknown) => ({ ok: false as const, error: error as GatewayError }));
        const error = expectFailure(outcome, 'gateway_timeout');
        expect(error.indeterminate).toBe(true);
        expect(error.retryable).toBe(true);
      },
    );

    itWhen(declared.webhooks)('verifies a signed webhook and refuses a forged one', async () => {
      const authorized = await authorize();
      expectOk(await capture(authorized.reference, total));
      const delivery = await options.signedWebhook(authorized.reference);
      const events = expectOk(await gateway.verifyWebhook(connection, delivery));
      expect(events.length).toBeGreaterThan(0);
      for (const event of events) {
        expect(event.id.length).toBeGreaterThan(0);
        expect(event.occurredAt).toBeInstanceOf(Date);
      }
      expect(events.some((e) => e.reference === authorized.reference)).toBe(true);

      const body = delivery.rawBody.toString('utf8');
      const tampered = body.replace(/[0-9]/, (d) => String((Number(d) + 1) % 10));
      expect(tampered).not.toBe(body);
      expectFailure(await gateway.verifyWebhook(connection, { ...delivery, rawBody: Buffer.from(tampered) }));
      const unsigned = Object.fromEntries(
        Object.entries(delivery.headers).filter(([name]) => !/sig|transmission|auth-algo|cert/i.test(name)),
      );
      expectFailure(await gateway.verifyWebhook(connection, { ...delivery, headers: unsigned }));
      if (options.staleWebhook)
        expectFailure(
          await gateway.verifyWebhook(connection, await options.staleWebhook(authorized.reference)),
        );
    });

    itWhen(declared.settlementReports)(
      'lists settlements page by page: a charge and a refund with fees, references and the raw row',
      async () => {
        const authorized = await authorize();
        const captured = expectOk(await capture(authorized.reference, total));
        const refunded = expectOk(await refund(captured.snapshot, total / 4));
        await options.beforeSettlements?.();
        const now = Date.now();
        const window = { from: new Date(now - 24 * 3600_000), to: new Date(now + 3600_000) };
        const seen = new Map<string, SettlementRecord>();
        let pages = 0;
        for await (const page of settlementPages(gateway, connection, { ...window, pageSize: 2 })) {
          pages++;
          expect(new Set(page.records.map((r) => r.dedupeKey)).size).toBe(page.records.length);
          collect(seen, page.records);
          if (pages > 500) throw new Error('settlement pages never end');
        }
        const records = [...seen.values()];
        const mine = records.filter((r) => r.paymentReference === authorized.reference);
        const charge = mine.find((r) => r.kind === 'charge');
        expect(charge).toBeDefined();
        if (!charge) return;
        expect(charge.amount).toBe(total);
        expect(charge.currency).toBe(currency);
        expect(charge.fee).toBeGreaterThan(0);
        expect(charge.captureReference ?? charge.paymentReference).toBe(captured.capture.reference);
        const back = mine.find((r) => r.kind === 'refund');
        expect(back).toMatchObject({ amount: -total / 4, refundReference: refunded.refund.reference });
        for (const record of records) {
          expect(
            Number.isInteger(record.amount) && Number.isInteger(record.fee) && Number.isInteger(record.net),
          ).toBe(true);
          expect(record.net).toBe(record.amount - record.fee);
          expect(record.currency).toMatch(/^[A-Z]{3}$/);
          expect(SETTLEMENT_KINDS).toContain(record.kind);
          expect(SETTLEMENT_STATUSES).toContain(record.status);
          expect(record.id.length).toBeGreaterThan(0);
          expect(record.occurredAt.getTime()).not.toBeNaN();
          expect(JSON.parse(JSON.stringify(record.raw))).toEqual(record.raw);
        }
      },
    );

    itWhen(declared.settlementReports && !!payOut)("pays out: a payout's entries add up to it", async () => {
      const authorized = await authorize();
      expectOk(await capture(authorized.reference, total));
      await options.beforeSettlements?.();
      await payOut!();
      const now = Date.now();
      const seen = new Map<string, SettlementRecord>();
      const payouts: SettlementPayout[] = [];
      for await (const page of settlementPages(gateway, connection, {
        from: new Date(now - 3600_000),
        to: new Date(now + 3600_000),
      })) {
        collect(seen, page.records);
        payouts.push(...page.payouts);
      }
      const records = [...seen.values()];
      const charge = records.find((r) => r.paymentReference === authorized.reference && r.kind === 'charge');
      expect(charge).toBeDefined();
      const payout = charge?.payoutId
        ? payouts.find((p) => p.id === charge.payoutId)
        : payouts.find(
            (p) => p.entries === 'since_previous_payout' && charge && p.createdAt >= charge.occurredAt,
          );
      expect(payout).toBeDefined();
      if (!payout) return;
      const entries = payoutEntries(payout, records, payouts);
      expect(entries).toContainEqual(expect.objectContaining({ dedupeKey: charge?.dedupeKey }));
      expect(entries.every((r) => r.currency === payout.currency)).toBe(true);
      expect(entries.reduce((sum, r) => sum + r.net, 0)).toBe(payout.amount);
    });

    itWhen(declared.settlementReports)(
      'refuses a window that ends before it starts and a cursor it did not issue',
      async () => {
        const now = new Date();
        expectFailure(await gateway.listSettlements(connection, { from: now, to: now }), 'invalid_request');
        expectFailure(
          await gateway.listSettlements(connection, {
            from: new Date(now.getTime() - 3600_000),
            to: now,
            cursor: 'not-a-cursor',
          }),
          'invalid_request',
        );
      },
    );
  });
}
