import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SquareClient, WebhooksHelper } from 'square';
import { sdkClient, squareError, usd } from './sdk-spec-helpers';
import { loadSquareOpenApi, SQUARE_SANDBOX_DEFAULTS, startSquareSandbox, type SquareSandbox } from './index';

const openApi = loadSquareOpenApi();
let sandbox: SquareSandbox;
let square: SquareClient;
let n = 0;
const key = () => `sbx-spec-${process.pid}-${++n}`;

beforeAll(async () => {
  sandbox = await startSquareSandbox({ port: 0, record: true, refundDelayMs: 20 });
  square = sdkClient(sandbox.url);
});

afterAll(async () => {
  await sandbox.close();
});

const authorize = (amount = 1000, sourceId = 'cnon:card-nonce-ok', idempotencyKey = key()) =>
  square.payments.create({ sourceId, idempotencyKey, amountMoney: usd(amount), autocomplete: false });

describe('Square sandbox', () => {
  it('refuses an unknown access token with 401 and Square error objects', async () => {
    const stranger = new SquareClient({
      token: 'EAAAnot-a-known-token',
      baseUrl: sandbox.url,
      maxRetries: 0,
    });
    const error = await squareError(stranger.locations.list());
    expect(error.statusCode).toBe(401);
    expect(error.errors[0]).toMatchObject({ category: 'AUTHENTICATION_ERROR', code: 'UNAUTHORIZED' });
  });

  it('lets a read-only token read but answers its writes with 403 INSUFFICIENT_SCOPES', async () => {
    const reader = new SquareClient({
      token: SQUARE_SANDBOX_DEFAULTS.readOnlyAccessToken,
      baseUrl: sandbox.url,
      maxRetries: 0,
    });
    expect((await reader.locations.list()).locations?.[0]?.id).toBe(SQUARE_SANDBOX_DEFAULTS.locationId);
    const error = await squareError(
      reader.payments.create({
        sourceId: 'cnon:card-nonce-ok',
        idempotencyKey: key(),
        amountMoney: usd(100),
      }),
    );
    expect(error.statusCode).toBe(403);
    expect(error.errors[0].code).toBe('INSUFFICIENT_SCOPES');
  });

  it('authorizes with autocomplete=false, replays a keyed create and refuses the key with other parameters', async () => {
    const idempotencyKey = key();
    const first = await authorize(1500, 'cnon:card-nonce-ok', idempotencyKey);
    expect(first.payment).toMatchObject({ status: 'APPROVED', cardDetails: { status: 'AUTHORIZED' } });
    expect(first.payment?.totalMoney?.amount).toBe(BigInt(1500));
    const replay = await authorize(1500, 'cnon:card-nonce-ok', idempotencyKey);
    expect(replay.payment?.id).toBe(first.payment?.id);
    const error = await squareError(authorize(1600, 'cnon:card-nonce-ok', idempotencyKey));
    expect(error.statusCode).toBe(400);
    expect(error.errors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it.each([
    ['cnon:card-nonce-declined', 'GENERIC_DECLINE'],
    ['cnon:card-nonce-rejected-cvv', 'CVV_FAILURE'],
    ['cnon:card-nonce-rejected-postalcode', 'ADDRESS_VERIFICATION_FAILURE'],
    ['cnon:card-nonce-rejected-expiration', 'INVALID_EXPIRATION'],
    ['ccof:customer-card-id-declined', 'GENERIC_DECLINE'],
  ])('declines %s with %s and leaves a FAILED payment in the error body', async (nonce, code) => {
    const error = await squareError(authorize(1000, nonce));
    expect(error.statusCode).toBe(400);
    expect(error.errors[0]).toMatchObject({
      category: 'PAYMENT_METHOD_ERROR',
      code,
      detail: `Authorization error: '${code}'`,
    });
    expect((error.body as { payment: { status: string } }).payment.status).toBe('FAILED');
  });

  it('spends an issued nonce once; the already-used test nonce always fails', async () => {
    const nonce = sandbox.issueNonce();
    expect((await authorize(1000, nonce)).payment?.status).toBe('APPROVED');
    expect((await squareError(authorize(1000, nonce))).errors[0].code).toBe('CARD_TOKEN_USED');
    expect((await squareError(authorize(1000, 'cnon:card-nonce-already-used'))).errors[0].code).toBe(
      'CARD_TOKEN_USED',
    );
  });

  it('turns card-entry error triggers into declines (CVV 911)', async () => {
    const nonce = sandbox.issueNonce({ card_number: '4111111111111111', cvv: '911' });
    expect((await squareError(authorize(1000, nonce))).errors[0].code).toBe('CVV_FAILURE');
  });

  it('lowers the amount of an APPROVED payment, completes it, and refuses to complete it again', async () => {
    const id = (await authorize(2000)).payment?.id as string;
    const tooHigh = await squareError(
      square.payments.update({ paymentId: id, idempotencyKey: key(), payment: { amountMoney: usd(2001) } }),
    );
    expect(tooHigh.errors[0].code).toBe('AMOUNT_TOO_HIGH');
    const updated = await square.payments.update({
      paymentId: id,
      idempotencyKey: key(),
      payment: { amountMoney: usd(1200) },
    });
    expect(updated.payment?.totalMoney?.amount).toBe(BigInt(1200));
    expect(updated.payment?.approvedMoney?.amount).toBe(BigInt(2000));
    const completed = await square.payments.complete({ paymentId: id });
    expect(completed.payment).toMatchObject({ status: 'COMPLETED', cardDetails: { status: 'CAPTURED' } });
    expect(completed.payment?.processingFee?.[0]?.amountMoney?.amount).toBe(BigInt(65));
    const again = await squareError(square.payments.complete({ paymentId: id }));
    expect(again.errors[0].code).toBe('DELAYED_TRANSACTION_CAPTURED');
    const update = await squareError(
      square.payments.update({ paymentId: id, idempotencyKey: key(), payment: { amountMoney: usd(100) } }),
    );
    expect(update.errors[0].code).toBe('DELAYED_TRANSACTION_CAPTURED');
  });

  it('cancels an APPROVED payment, by id or by the create idempotency key', async () => {
    const id = (await authorize()).payment?.id as string;
    expect((await square.payments.cancel({ paymentId: id })).payment?.status).toBe('CANCELED');
    expect((await squareError(square.payments.complete({ paymentId: id }))).errors[0].code).toBe(
      'DELAYED_TRANSACTION_CANCELED',
    );
    const idempotencyKey = key();
    const other = (await authorize(1000, 'cnon:card-nonce-ok', idempotencyKey)).payment?.id as string;
    await square.payments.cancelByIdempotencyKey({ idempotencyKey });
    expect((await square.payments.get({ paymentId: other })).payment?.cardDetails?.status).toBe('VOIDED');
    await square.payments.cancelByIdempotencyKey({ idempotencyKey: 'never-used' });
  });

  it('answers an unknown payment with 404 NOT_FOUND', async () => {
    const error = await squareError(square.payments.get({ paymentId: 'nope' }));
    expect(error.statusCode).toBe(404);
    expect(error.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND' });
  });

  it('refunds in parts, completes refunds asynchronously and refuses to over-refund', async () => {
    const id = (
      await square.payments.create({
        sourceId: 'cnon:card-nonce-ok',
        idempotencyKey: key(),
        amountMoney: usd(1000),
      })
    ).payment?.id as string;
    const first = await square.refunds.refundPayment({
      idempotencyKey: key(),
      paymentId: id,
      amountMoney: usd(400),
      reason: 'partial',
    });
    expect(first.refund).toMatchObject({ status: 'PENDING', paymentId: id });
    await square.refunds.refundPayment({ idempotencyKey: key(), paymentId: id, amountMoney: usd(600) });
    const over = await squareError(
      square.refunds.refundPayment({ idempotencyKey: key(), paymentId: id, amountMoney: usd(1) }),
    );
    expect(over.errors[0]).toMatchObject({ category: 'REFUND_ERROR', code: 'REFUND_AMOUNT_INVALID' });
    const payment = (await square.payments.get({ paymentId: id })).payment;
    expect(payment?.refundedMoney?.amount).toBe(BigInt(1000));
    expect(payment?.refundIds).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const refund = await square.refunds.get({ refundId: first.refund?.id as string });
    expect(refund.refund?.status).toBe('COMPLETED');
    const listed = await square.refunds.list({ beginTime: new Date(Date.now() - 60_000).toISOString() });
    expect(listed.data.map((r) => r.id)).toContain(first.refund?.id);
  });

  it('stores a card from a nonce and charges the card id repeatedly', async () => {
    const created = await square.cards.create({
      idempotencyKey: key(),
      sourceId: sandbox.issueNonce(),
      card: { cardholderName: 'Ada Buyer' },
    });
    const cardId = created.card?.id as string;
    expect(cardId).toMatch(/^ccof:/);
    expect((await authorize(500, cardId)).payment?.status).toBe('APPROVED');
    expect((await authorize(500, cardId)).payment?.status).toBe('APPROVED');
  });

  it('lists payments by time range, newest first, with a cursor', async () => {
    const beginTime = new Date(Date.now() - 1000).toISOString();
    const a = (await authorize(111)).payment?.id;
    const b = (await authorize(222)).payment?.id;
    const pageOne = await square.payments.list({ beginTime, limit: 1 });
    expect(pageOne.data.map((p) => p.id)).toHaveLength(1);
    const all: string[] = [];
    for await (const payment of await square.payments.list({ beginTime, limit: 1 }))
      all.push(payment.id as string);
    expect(all).toEqual(expect.arrayContaining([a, b]));
    const error = await squareError(square.payments.list({ beginTime: 'yesterday' }));
    expect(error.errors[0].code).toBe('INVALID_TIME');
  });

  it('settles completed payments into a payout with gross, fee and net entries', async () => {
    const id = (
      await square.payments.create({
        sourceId: 'cnon:card-nonce-ok',
        idempotencyKey: key(),
        amountMoney: usd(10000),
      })
    ).payment?.id as string;
    const [payoutId] = sandbox.settle();
    const payouts = await square.payouts.list({ locationId: SQUARE_SANDBOX_DEFAULTS.locationId });
    expect(payouts.data.map((p) => p.id)).toContain(payoutId);
    const entries = await square.payouts.listEntries({ payoutId });
    const charge = entries.data.find((e) => e.typeChargeDetails?.paymentId === id);
    expect(charge).toMatchObject({ type: 'CHARGE' });
    expect(charge?.grossAmountMoney?.amount).toBe(BigInt(10000));
    expect(charge?.feeAmountMoney?.amount).toBe(BigInt(-320));
    expect(charge?.netAmountMoney?.amount).toBe(BigInt(9680));
    expect(sandbox.settle()).toEqual([]);
  });

  it('creates a webhook subscription and delivers signed payment events to it', async () => {
    const received: { body: string; signature: string }[] = [];
    const receiver: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          body: Buffer.concat(chunks).toString('utf8'),
          signature: String(req.headers['x-square-hmacsha256-signature']),
        });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const notificationUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/conn_sq`;
      const { subscription } = await square.webhooks.subscriptions.create({
        idempotencyKey: key(),
        subscription: {
          name: 'spec',
          eventTypes: ['payment.created', 'payment.updated'],
          notificationUrl,
        },
      });
      expect(subscription?.signatureKey?.length).toBeGreaterThan(10);
      const id = (await authorize()).payment?.id as string;
      await square.payments.complete({ paymentId: id });
      // Webhooks go out beside the API answers; a loaded machine can take seconds to deliver them.
      const deadline = Date.now() + 10_000;
      while (received.filter((r) => r.body.includes(id)).length < 2 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const mine = received.filter((r) => r.body.includes(id));
      expect(mine.map((r) => JSON.parse(r.body).type)).toEqual(['payment.created', 'payment.updated']);
      for (const delivery of mine) {
        const valid = await WebhooksHelper.verifySignature({
          requestBody: delivery.body,
          signatureHeader: delivery.signature,
          signatureKey: subscription?.signatureKey as string,
          notificationUrl,
        });
        expect(valid).toBe(true);
      }
      const event = JSON.parse(mine[1].body);
      expect(event).toMatchObject({
        merchant_id: SQUARE_SANDBOX_DEFAULTS.merchantId,
        data: { type: 'payment', id, object: { payment: { id, status: 'COMPLETED' } } },
      });
      await square.webhooks.subscriptions.delete({ subscriptionId: subscription?.id as string });
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('explains what is wrong with a bad request', async () => {
    const error = await squareError(
      square.payments.create({
        sourceId: 'cnon:card-nonce-ok',
        idempotencyKey: 'x'.repeat(46),
        amountMoney: usd(1),
      }),
    );
    expect(error.errors[0]).toMatchObject({ code: 'VALUE_TOO_LONG', field: 'idempotency_key' });
    const currency = await squareError(
      square.payments.create({
        sourceId: 'cnon:card-nonce-ok',
        idempotencyKey: key(),
        amountMoney: { amount: BigInt(100), currency: 'EUR' },
      }),
    );
    expect(currency.errors[0]).toMatchObject({
      code: 'UNSUPPORTED_CURRENCY',
      field: 'amount_money.currency',
    });
  });

  it('delays answers under a /_sandbox/latency/{ms} base URL prefix', async () => {
    const slow = new SquareClient({
      token: SQUARE_SANDBOX_DEFAULTS.accessToken,
      baseUrl: `${sandbox.url}/_sandbox/latency/300`,
      maxRetries: 0,
      timeoutInSeconds: 0.1,
    });
    // The SDK reports its own timeout as a SquareError whose message is "timeout".
    await expect(slow.locations.list()).rejects.toThrow(/timeout/i);
  });

  it('answers every recorded exchange as the Square OpenAPI spec describes', () => {
    expect(sandbox.exchanges.length).toBeGreaterThan(20);
    const problems = sandbox.exchanges.flatMap((x) =>
      openApi.validate(x.method, x.path, x.status, x.responseBody),
    );
    expect(problems).toEqual([]);
  });
});
