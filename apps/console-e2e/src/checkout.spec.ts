import { existsSync } from 'node:fs';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startSandboxedApi, type SandboxedApi } from '../../api/e2e/sandboxes';
import { STRIPE_SANDBOX_DEFAULTS } from '@payrail/sandbox/stripe';
import { CHROMIUM } from './support/console-harness';
import { startMerchantShop, type MerchantShop } from './support/merchant-shop';

let stack: SandboxedApi;
let shop: MerchantShop;
let browser: Browser;
/** Every body a page sent to Payrail's API: what the browser gave Payrail. */
const sentToPayrail: string[] = [];

const CARD_NUMBERS = ['4242424242424242', '4000000000003220', '4000000000009995', '4111111111111111'];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}`);
  stack = await startSandboxedApi({ LOG_LEVEL: 'info' });
  shop = await startMerchantShop({ url: stack.api.url, key: stack.api.apiKey });
  const origins = await stack.api.request('PUT', '/v1/checkout/origins', { origins: [shop.url] });
  expect(origins.status).toBe(200);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--headless=new'],
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await stack?.close();
});

async function open(
  path: string,
): Promise<{ page: Page; session: string; hostedUrl: string; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => {
    if (request.url().startsWith(stack.api.url))
      sentToPayrail.push(`${request.url()} ${request.postData() ?? ''}`);
  });
  const response = await page.goto(`${shop.url}${path}`);
  return {
    page,
    session: response?.headers()['x-session'] ?? '',
    hostedUrl: response?.headers()['x-hosted-url'] ?? '',
    errors,
  };
}

const cardFrame = (page: Page, title: string): FrameLocator => page.frameLocator(`iframe[title="${title}"]`);

async function typeCard(frame: FrameLocator, number: string, extra: { postal?: string } = {}): Promise<void> {
  await frame.getByLabel('Card number').fill(number);
  await frame.getByLabel('Expiry date (MM / YY)').fill('12 / 34');
  await frame.getByLabel('Security code').fill('123');
  if (extra.postal) await frame.getByLabel('Postal code').fill(extra.postal);
}

async function paymentOf(session: string) {
  const s = await stack.api.request('GET', `/v1/payment_sessions/${session}`);
  const payment = await stack.api.request('GET', `/v1/payments/${s.body.payment_id}`);
  const events = await stack.api.request('GET', `/v1/payments/${s.body.payment_id}/events`);
  return {
    session: s.body,
    payment: payment.body,
    events: events.body.data as Array<{ type: string; to_status?: string }>,
  };
}

const STRIPE_FRAME = 'Secure card payment input frame';

describe('checkout in Chromium', () => {
  it('Stripe: the card typed into Stripe’s frame pays, and the payment is captured with its timeline', async () => {
    const { page, session, errors } = await open('/pay?gateway=stripe');
    const pay = page.getByRole('button', { name: /^Pay \$25\.99$/ });
    await pay.waitFor();
    await typeCard(cardFrame(page, STRIPE_FRAME), '4242 4242 4242 4242');
    await pay.click();
    await page.getByRole('status').filter({ hasText: 'Payment complete' }).waitFor();
    await page.getByText(/^paid pay_/).waitFor();
    const { payment, events, session: s } = await paymentOf(session);
    expect(payment).toMatchObject({ status: 'captured', amount: 2599, payment_method: { last4: '4242' } });
    expect(s).toMatchObject({ status: 'complete', attempts: 1 });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['status_changed', 'gateway_call']));
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('Stripe 3-D Secure: the bank’s challenge opens in a dialog and the payment completes after it', async () => {
    const { page, session } = await open('/pay?gateway=stripe');
    await page.getByRole('button', { name: /^Pay / }).waitFor();
    await typeCard(cardFrame(page, STRIPE_FRAME), '4000 0000 0000 3220');
    await page.getByRole('button', { name: /^Pay / }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm the payment with your bank' });
    await dialog.waitFor();
    await page
      .frameLocator('iframe[title="Confirm the payment with your bank"]')
      .getByRole('button', { name: 'Complete authentication' })
      .click();
    await page.getByRole('status').filter({ hasText: 'Payment complete' }).waitFor();
    await dialog.waitFor({ state: 'detached' });
    expect((await paymentOf(session)).payment.status).toBe('captured');
    await page.context().close();
  });

  it('a decline shows the customer’s message, another card then pays; a double click confirms once', async () => {
    const { page, session } = await open('/pay?gateway=stripe&capture=manual');
    const pay = page.getByRole('button', { name: /^Pay / });
    await pay.waitFor();
    const frame = cardFrame(page, STRIPE_FRAME);
    await typeCard(frame, '4000 0000 0000 9995');
    await pay.click();
    await page
      .getByRole('alert')
      .filter({ hasText: /^Your card has insufficient funds\./ })
      .waitFor();
    await page.waitForFunction(() => !document.querySelector('.payrail-pay')?.hasAttribute('disabled'));
    await frame.getByLabel('Card number').fill('4242 4242 4242 4242');
    await pay.dblclick();
    await page.getByRole('status').filter({ hasText: 'Payment complete' }).waitFor();
    const { session: s, payment } = await paymentOf(session);
    expect(s).toMatchObject({ status: 'complete', attempts: 2 });
    expect(payment.status).toBe('authorized');
    const list = await stack.api.request('GET', '/v1/payments?limit=100');
    const ofSession = list.body.data.filter(
      (p: { metadata: Record<string, string> }) => p.metadata.payrail_session_id === session,
    );
    expect(ofSession.map((p: { status: string }) => p.status).sort()).toEqual(['authorized', 'failed']);
    await page.context().close();
  });

  it('Square: the card typed into Square’s frame becomes a nonce that authorizes', async () => {
    const { page, session } = await open('/pay?gateway=square&capture=manual');
    await page.getByRole('button', { name: /^Pay / }).waitFor();
    await typeCard(cardFrame(page, 'Card payment form'), '4111 1111 1111 1111', { postal: '94103' });
    await page.getByRole('button', { name: /^Pay / }).click();
    await page.getByRole('status').filter({ hasText: 'Payment complete' }).waitFor();
    const { payment, events } = await paymentOf(session);
    expect(payment).toMatchObject({ status: 'authorized', gateway: 'square' });
    expect(events.length).toBeGreaterThan(1);
    await page.context().close();
  });

  it('PayPal: the buyer approves in PayPal’s window and the order is authorized', async () => {
    const { page, session } = await open('/pay?gateway=paypal&capture=manual');
    await page
      .frameLocator('iframe[title="PayPal"]')
      .getByRole('button', { name: 'Pay with PayPal' })
      .click();
    await page
      .frameLocator('iframe[title="PayPal: approve the payment"]')
      .getByRole('button', { name: 'Approve as sandbox buyer' })
      .click();
    await page.getByRole('status').filter({ hasText: 'Payment complete' }).waitFor();
    expect((await paymentOf(session)).payment).toMatchObject({ status: 'authorized', gateway: 'paypal' });
    await page.context().close();
  });

  it('an expired session and a wrong client secret are refused in the customer’s words', async () => {
    const created = await stack.api.request('POST', '/v1/payment_sessions', {
      amount: 500,
      currency: 'usd',
      gateway: 'stripe',
      expires_in: 1,
    });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const expired = await open(`/pay?session=${created.body.id}&secret=${created.body.client_secret}`);
    await expired.page.getByRole('alert').filter({ hasText: 'This payment page has expired.' }).waitFor();
    const wrong = await open(`/pay?session=${created.body.id}&secret=${created.body.id}_secret_00000000`);
    await wrong.page.getByRole('alert').filter({ hasText: 'This payment link is not valid.' }).waitFor();
    expect((await stack.api.request('GET', `/v1/payment_sessions/${created.body.id}`)).body).toMatchObject({
      status: 'expired',
      attempts: 0,
    });
    await expired.page.context().close();
    await wrong.page.context().close();
  });

  it('the hosted page takes the card and sends the customer back to the shop with the session id', async () => {
    const { page, hostedUrl, session } = await open('/pay?gateway=stripe');
    await page.goto(hostedUrl);
    await page.getByRole('button', { name: /^Pay / }).waitFor();
    await typeCard(cardFrame(page, STRIPE_FRAME), '4242 4242 4242 4242');
    await page.getByRole('button', { name: /^Pay / }).click();
    await page.waitForURL(`${shop.url}/done?session_id=${session}`);
    expect((await paymentOf(session)).payment.status).toBe('captured');
    await page.context().close();
  });

  it('the hosted page pays on Square and on PayPal too, and returns to the shop', async () => {
    const square = await open('/pay?gateway=square');
    await square.page.goto(square.hostedUrl);
    await square.page.getByRole('button', { name: /^Pay / }).waitFor();
    await typeCard(cardFrame(square.page, 'Card payment form'), '4111 1111 1111 1111', { postal: '94103' });
    await square.page.getByRole('button', { name: /^Pay / }).click();
    await square.page.waitForURL(`${shop.url}/done?session_id=${square.session}`);
    expect((await paymentOf(square.session)).payment).toMatchObject({
      status: 'captured',
      gateway: 'square',
    });
    await square.page.context().close();

    const paypal = await open('/pay?gateway=paypal');
    await paypal.page.goto(paypal.hostedUrl);
    await paypal.page
      .frameLocator('iframe[title="PayPal"]')
      .getByRole('button', { name: 'Pay with PayPal' })
      .click();
    await paypal.page
      .frameLocator('iframe[title="PayPal: approve the payment"]')
      .getByRole('button', { name: 'Approve as sandbox buyer' })
      .click();
    await paypal.page.waitForURL(`${shop.url}/done?session_id=${paypal.session}`);
    expect((await paymentOf(paypal.session)).payment).toMatchObject({
      status: 'captured',
      gateway: 'paypal',
    });
    await paypal.page.context().close();
  });

  it('the Stripe.js stand-in’s handleNextAction shows the challenge for a PaymentIntent’s client secret', async () => {
    const form = new URLSearchParams({
      amount: '1200',
      currency: 'usd',
      payment_method: 'pm_card_threeDSecure2Required',
      confirm: 'true',
    });
    const created = await fetch(`${stack.stripe.url}/v1/payment_intents`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${STRIPE_SANDBOX_DEFAULTS.secretKey}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: form,
    });
    const intent = (await created.json()) as { status: string; client_secret: string };
    expect(intent.status).toBe('requires_action');
    const { page } = await open('/pay?gateway=stripe');
    await page.getByRole('button', { name: /^Pay / }).waitFor();
    const outcome = page.evaluate(
      ([key, secret]) =>
        (
          window as unknown as {
            Stripe: (k: string) => {
              handleNextAction(o: object): Promise<{ paymentIntent?: { status: string } }>;
            };
          }
        )
          .Stripe(key)
          .handleNextAction({ clientSecret: secret })
          .then((r) => r.paymentIntent?.status),
      [STRIPE_SANDBOX_DEFAULTS.publishableKey, intent.client_secret],
    );
    await page
      .frameLocator('iframe[title="3-D Secure authentication"]')
      .getByRole('button', { name: 'Complete authentication' })
      .click();
    expect(await outcome).toBe('succeeded');
    await page.context().close();
  });

  it('no card number reached Payrail or the shop: only gateway tokens did', () => {
    expect(sentToPayrail.length).toBeGreaterThan(5);
    const everything = [...sentToPayrail, ...shop.received, ...stack.api.logs].join('\n');
    for (const number of CARD_NUMBERS) expect(everything).not.toContain(number);
    expect(sentToPayrail.some((body) => /"token":"pm_/.test(body))).toBe(true);
    expect(sentToPayrail.some((body) => /"token":"cnon:/.test(body))).toBe(true);
  });
});
