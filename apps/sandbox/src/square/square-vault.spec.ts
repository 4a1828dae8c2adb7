import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SquareClient } from 'square';
import { sdkClient, squareError, usd } from './sdk-spec-helpers';
import { loadSquareOpenApi, startSquareSandbox, type SquareSandbox } from './index';

const openApi = loadSquareOpenApi();
let sandbox: SquareSandbox;
let square: SquareClient;
let n = 0;
const key = () => `sbx-vault-${process.pid}-${++n}`;

beforeAll(async () => {
  sandbox = await startSquareSandbox({ port: 0, record: true, refundDelayMs: 20 });
  square = sdkClient(sandbox.url);
});

afterAll(async () => {
  await sandbox.close();
});

describe('Square sandbox: customers and cards on file', () => {
  it('creates, reads, lists, updates and deletes a customer', async () => {
    const { customer } = await square.customers.create({
      idempotencyKey: key(),
      givenName: 'Ada',
      familyName: 'Lovelace',
      emailAddress: 'ada@example.test',
    });
    expect(customer).toMatchObject({
      givenName: 'Ada',
      emailAddress: 'ada@example.test',
      version: BigInt(0),
    });
    const id = String(customer?.id);
    const updated = await square.customers.update({ customerId: id, phoneNumber: '+1 555 555 0100' });
    expect(updated.customer).toMatchObject({ phoneNumber: '+1 555 555 0100', version: BigInt(1) });
    expect((await square.customers.get({ customerId: id })).customer?.familyName).toBe('Lovelace');
    const page = await square.customers.list();
    expect(page.data.map((c) => c.id)).toContain(id);
    const bad = await squareError(square.customers.create({ emailAddress: 'not-an-email' }));
    expect(bad.errors[0]).toMatchObject({ code: 'INVALID_EMAIL_ADDRESS', field: 'email_address' });
    expect((await squareError(square.customers.create({}))).statusCode).toBe(400);
    await square.customers.delete({ customerId: id });
    expect((await squareError(square.customers.get({ customerId: id }))).statusCode).toBe(404);
  });

  it('saves a card for a customer, charges it twice (once merchant-initiated), disables it for good', async () => {
    const { customer } = await square.customers.create({ idempotencyKey: key(), givenName: 'Grace' });
    const customerId = String(customer?.id);
    const { card } = await square.cards.create({
      idempotencyKey: key(),
      sourceId: sandbox.issueNonce(),
      card: { customerId },
    });
    expect(card).toMatchObject({ customerId, last4: '1111', enabled: true });
    const cardId = String(card?.id);
    expect((await square.cards.list({ customerId })).data.map((c) => c.id)).toEqual([cardId]);
    const first = await square.payments.create({
      sourceId: cardId,
      customerId,
      idempotencyKey: key(),
      amountMoney: usd(1200),
    });
    const second = await square.payments.create({
      sourceId: cardId,
      customerId,
      idempotencyKey: key(),
      amountMoney: usd(1300),
      customerDetails: { customerInitiated: false, sellerKeyedIn: false },
    });
    expect([first.payment?.status, second.payment?.status]).toEqual(['COMPLETED', 'COMPLETED']);
    const stranger = await squareError(
      square.payments.create({ sourceId: cardId, idempotencyKey: key(), amountMoney: usd(100) }),
    );
    expect(stranger.errors[0]).toMatchObject({ field: 'customer_id' });
    const disabled = await square.cards.disable({ cardId });
    expect(disabled.card?.enabled).toBe(false);
    expect((await square.cards.list({ customerId })).data).toEqual([]);
    const after = await squareError(
      square.payments.create({ sourceId: cardId, customerId, idempotencyKey: key(), amountMoney: usd(100) }),
    );
    expect(after.errors[0]).toMatchObject({ code: 'CARD_DECLINED' });
  });

  it('refuses a card for a customer that does not exist, and disables cards when their customer is deleted', async () => {
    const missing = await squareError(
      square.cards.create({
        idempotencyKey: key(),
        sourceId: sandbox.issueNonce(),
        card: { customerId: 'NOPE' },
      }),
    );
    expect(missing.statusCode).toBe(404);
    const { customer } = await square.customers.create({ idempotencyKey: key(), companyName: 'Shop' });
    const { card } = await square.cards.create({
      idempotencyKey: key(),
      sourceId: sandbox.issueNonce(),
      card: { customerId: String(customer?.id) },
    });
    await square.customers.delete({ customerId: String(customer?.id) });
    expect((await square.cards.get({ cardId: String(card?.id) })).card?.enabled).toBe(false);
  });
});

describe('Square sandbox: disputes', () => {
  let hooks: Server;
  const received: { type: string; state?: string }[] = [];

  beforeAll(async () => {
    hooks = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const event = JSON.parse(raw) as { type: string; data: { object: { dispute?: { state: string } } } };
        received.push({ type: event.type, state: event.data.object.dispute?.state });
        res.end();
      });
    });
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', () => resolve()));
    await square.webhooks.subscriptions.create({
      idempotencyKey: key(),
      subscription: {
        name: 'disputes',
        eventTypes: ['dispute.created', 'dispute.state.updated', 'dispute.evidence.added'],
        notificationUrl: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/square`,
      },
    });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => hooks.close(() => resolve()));
  });

  it('opens a dispute by control, takes evidence, is won, and moves the money in the payout', async () => {
    const { payment } = await square.payments.create({
      sourceId: 'cnon:card-nonce-ok',
      idempotencyKey: key(),
      amountMoney: usd(4200),
    });
    const disputeId = sandbox.openDispute(String(payment?.id), 'NOT_AS_DESCRIBED');
    const { dispute } = await square.disputes.get({ disputeId });
    expect(dispute).toMatchObject({ state: 'EVIDENCE_REQUIRED', reason: 'NOT_AS_DESCRIBED' });
    expect(dispute?.amountMoney?.amount).toBe(BigInt(4200));
    expect((await square.disputes.list()).data.map((d) => d.id)).toContain(disputeId);
    const evidence = await square.disputes.createEvidenceText({
      disputeId,
      idempotencyKey: key(),
      evidenceType: 'PROOF_OF_DELIVERY_DOCUMENTATION',
      evidenceText: 'Delivered 2026-11-20, signed by the cardholder.',
    });
    expect(evidence.evidence?.disputeId).toBe(disputeId);
    expect((await square.disputes.evidence.list({ disputeId })).data).toHaveLength(1);
    expect((await square.disputes.submitEvidence({ disputeId })).dispute?.state).toBe('PROCESSING');
    sandbox.resolveDispute(disputeId, 'WON');
    expect((await square.disputes.get({ disputeId })).dispute?.state).toBe('WON');
    const [payoutId] = sandbox.settle();
    const entries = (await square.payouts.listEntries({ payoutId })).data;
    const disputeEntries = entries.filter((e) => e.typeDisputeDetails?.disputeId === disputeId);
    expect(disputeEntries.map((e) => Number(e.netAmountMoney?.amount)).sort((a, b) => a - b)).toEqual([
      -4200, 4200,
    ]);
    // Webhooks go out beside the API answers; a loaded machine can take seconds to deliver them.
    const deadline = Date.now() + 10_000;
    while (received.filter((r) => r.type.startsWith('dispute.')).length < 4 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received.map((r) => r.type)).toEqual(
      expect.arrayContaining(['dispute.created', 'dispute.evidence.added', 'dispute.state.updated']),
    );
  });

  it('accepts a dispute (lost), and refuses evidence once it is decided', async () => {
    const { payment } = await square.payments.create({
      sourceId: 'cnon:card-nonce-ok',
      idempotencyKey: key(),
      amountMoney: usd(900),
    });
    const disputeId = sandbox.openDispute(String(payment?.id));
    expect((await square.disputes.accept({ disputeId })).dispute?.state).toBe('ACCEPTED');
    const late = await squareError(
      square.disputes.createEvidenceText({ disputeId, idempotencyKey: key(), evidenceText: 'too late' }),
    );
    expect(late.statusCode).toBe(400);
  });

  it('answers every recorded exchange as the Square OpenAPI spec describes', () => {
    expect(sandbox.exchanges.length).toBeGreaterThan(20);
    const problems = sandbox.exchanges.flatMap((e) =>
      openApi.validate(e.method, e.path, e.status, e.responseBody),
    );
    expect(problems).toEqual([]);
  });
});
