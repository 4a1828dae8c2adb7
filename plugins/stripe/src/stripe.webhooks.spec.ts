import Stripe from 'stripe';
import { verifyStripeWebhook, toWebhookEvents } from './stripe.webhooks';
import { toSettlementRecord } from './stripe.settlements';

const stripe = new Stripe('sk_test_WebhookUnitTest000000', { maxNetworkRetries: 0 });
const secret = 'whsec_UnitTestSecret0000000000';

const event = (type: string, object: Record<string, unknown>) => ({
  id: `evt_${type.replace(/\W/g, '')}`,
  object: 'event',
  created: 1_700_000_000,
  type,
  data: { object },
});

function signed(body: string, timestamp?: number) {
  const header = stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret,
    ...(timestamp ? { timestamp } : {}),
  });
  return {
    rawBody: Buffer.from(body),
    headers: { 'stripe-signature': header },
    url: 'https://payrail.example/webhooks/c',
  };
}

describe('verifyStripeWebhook', () => {
  const body = JSON.stringify(
    event('payment_intent.succeeded', {
      id: 'pi_1',
      object: 'payment_intent',
      status: 'succeeded',
      amount: 100,
      amount_received: 100,
      amount_capturable: 0,
      currency: 'usd',
      metadata: {},
      latest_charge: 'ch_1',
    }),
  );

  it('accepts a fresh signature and reads the event', () => {
    const outcome = verifyStripeWebhook(stripe, signed(body), secret);
    expect(outcome.ok && outcome.value[0]).toMatchObject({
      id: 'evt_payment_intentsucceeded',
      type: 'payment.captured',
      reference: 'pi_1',
      snapshot: { status: 'captured' },
    });
  });

  it('refuses a stale signature, another secret, a missing header and a missing secret, naming why', () => {
    const stale = verifyStripeWebhook(stripe, signed(body, Math.floor(Date.now() / 1000) - 301), secret);
    expect(!stale.ok && stale.error.message).toContain('tolerance');
    const other = verifyStripeWebhook(stripe, signed(body), 'whsec_SomebodyElse000000000');
    expect(!other.ok && other.error.code).toBe('invalid_request');
    const missing = verifyStripeWebhook(stripe, { ...signed(body), headers: {} }, secret);
    expect(!missing.ok && missing.error.param).toBe('stripe-signature');
    const noSecret = verifyStripeWebhook(stripe, signed(body), undefined);
    expect(!noSecret.ok && noSecret.error.param).toBe('webhookSecret');
  });
});

describe('toWebhookEvents', () => {
  it.each([
    [
      'payment_intent.requires_action',
      { object: 'payment_intent', id: 'pi_1' },
      'payment.requires_action',
      'pi_1',
    ],
    [
      'payment_intent.amount_capturable_updated',
      { object: 'payment_intent', id: 'pi_1' },
      'payment.authorized',
      'pi_1',
    ],
    ['payment_intent.canceled', { object: 'payment_intent', id: 'pi_1' }, 'payment.voided', 'pi_1'],
    ['payment_intent.payment_failed', { object: 'payment_intent', id: 'pi_1' }, 'payment.failed', 'pi_1'],
    ['charge.captured', { object: 'charge', id: 'ch_1', payment_intent: 'pi_2' }, 'payment.captured', 'pi_2'],
    ['charge.failed', { object: 'charge', id: 'ch_1', payment_intent: 'pi_2' }, 'payment.failed', 'pi_2'],
    ['charge.refunded', { object: 'charge', id: 'ch_1', payment_intent: 'pi_2' }, 'refund.succeeded', 'pi_2'],
    [
      'refund.created',
      { object: 'refund', id: 're_1', status: 'succeeded', payment_intent: 'pi_3' },
      'refund.succeeded',
      'pi_3',
    ],
    [
      'refund.created',
      { object: 'refund', id: 're_1', status: 'pending', payment_intent: 'pi_3' },
      'other',
      'pi_3',
    ],
    [
      'refund.updated',
      { object: 'refund', id: 're_1', status: 'failed', payment_intent: 'pi_3' },
      'refund.failed',
      'pi_3',
    ],
    [
      'refund.failed',
      { object: 'refund', id: 're_1', status: 'failed', payment_intent: 'pi_3' },
      'refund.failed',
      'pi_3',
    ],
    ['customer.created', { object: 'customer', id: 'cus_1' }, 'other', undefined],
  ])('%s (%j) is %s about %s', (type, object, expected, reference) => {
    const full =
      object.object === 'payment_intent'
        ? {
            status: 'requires_capture',
            amount: 1,
            amount_received: 0,
            amount_capturable: 1,
            currency: 'usd',
            metadata: {},
            ...object,
          }
        : object;
    const [parsed] = toWebhookEvents(event(type, full) as unknown as Stripe.Event);
    expect(parsed).toMatchObject({ type: expected, gatewayType: type, reference });
    expect(parsed.occurredAt).toEqual(new Date(1_700_000_000_000));
  });
});

describe('toSettlementRecord', () => {
  it.each([
    ['charge', { object: 'charge', payment_intent: 'pi_1' }, 'charge', 'pi_1'],
    ['refund', { object: 'refund', payment_intent: 'pi_1' }, 'refund', 'pi_1'],
    ['refund_failure', { object: 'refund', payment_intent: 'pi_1' }, 'refund', 'pi_1'],
    ['adjustment', { object: 'dispute', payment_intent: 'pi_1', charge: 'ch_1' }, 'dispute', 'pi_1'],
    ['payout', { object: 'payout' }, 'payout', undefined],
    ['stripe_fee', null, 'fee', undefined],
    ['climate_order_purchase', null, 'other', undefined],
  ])('%s is a %s record', (type, source, expected, reference) => {
    const record = toSettlementRecord({
      id: 'txn_1',
      object: 'balance_transaction',
      type,
      source,
      amount: 1000,
      fee: 59,
      net: 941,
      currency: 'usd',
      created: 1_700_000_000,
      available_on: 1_700_172_800,
    } as unknown as Stripe.BalanceTransaction);
    expect(record).toMatchObject({
      kind: expected,
      gatewayType: type,
      dedupeKey: 'txn_1',
      currency: 'USD',
      amount: 1000,
      fee: 59,
      net: 941,
    });
    expect(record.paymentReference).toBe(reference);
    expect(record.availableOn).toEqual(new Date(1_700_172_800_000));
  });
});
