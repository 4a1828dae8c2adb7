import { existsSync } from 'node:fs';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startSandboxedApi, type SandboxedApi } from '../../api/e2e/sandboxes';
import { BROWSER_SDKS, sdkFor } from '@payrail/payment-sessions';
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

/** The card typed into PayPal's card fields, one frame per field as PayPal draws them. */
async function typePayPalCard(page: Page, name: string, number = '4111 1111 1111 1111'): Promise<void> {
  await cardFrame(page, 'paypal_card_name_field').getByLabel('Name on card').fill(name);
  await cardFrame(page, 'paypal_card_number_field').getByLabel('Card number').fill(number);
  await cardFrame(page, 'paypal_card_expiry_field').getByLabel('Expiry date (MM / YY)').fill('12 / 34');
  await cardFrame(page, 'paypal_card_cvv_field').getByLabel('Security code').fill('123');
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
    await page.getByRole('button', { name: /^Pay /, disabled: false }).waitFor();
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

  /** Stripe declines the first card with insufficient funds; a second card, double-clicked, pays once. */
  async function declineThenPay(path: string): Promise<void> {
    const { page, session } = await open(path);
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
  }

  it('a decline shows the customer’s message, another card then pays; a double click confirms once', () =>
    declineThenPay('/pay?gateway=stripe&capture=manual'));

  it('Stripe Payment Element: confirmPayment confirms Payrail’s PaymentIntent, 3-D Secure inside Stripe.js, then it is captured', async () => {
    const { page, session, errors } = await open('/pay?gateway=stripe&element=payment');
    const pay = page.getByRole('button', { name: /^Pay \$25\.99$/ });
    await pay.waitFor();
    await typeCard(cardFrame(page, STRIPE_FRAME), '4000 0000 0000 3220');
    await pay.click();
    await page
      .frameLocator('iframe[title="3-D Secure authentication"]')
      .getByRole('button', { name: 'Complete authentication' })
      .click();
    await page.getByRole('status').filter({ hasText: 'Payment complete' }).waitFor();
    const { payment, events, session: s } = await paymentOf(session);
    expect(payment).toMatchObject({ status: 'captured', gateway: 'stripe', amount: 2599 });
    expect(payment.gateway_reference).toMatch(/^pi_/);
    expect(s).toMatchObject({ status: 'complete', attempts: 1 });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['status_changed', 'gateway_call']));
    // Payrail's 3-D Secure dialog was not needed: Stripe.js handled the challenge.
    expect(await page.getByRole('dialog', { name: 'Confirm the payment with your bank' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('Stripe Payment Element: a decline at Stripe is the session’s failed try in the customer’s words; another card pays', () =>
    declineThenPay('/pay?gateway=stripe&element=payment&capture=manual'));

  it('Square: the card typed into Square’s frame becomes a nonce that authorizes', async () => {
    const { page, session } = await open('/pay?gateway=square&capture=manual');
    await page.getByRole('button', { name: /^Pay /, disabled: false }).waitFor();
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

  it('PayPal card fields: the card typed into PayPal’s frames pays, and the order is captured with its timeline', async () => {
    const { page, session, errors } = await open('/pay?gateway=paypal');
    const pay = page.getByRole('button', { name: /^Pay \$25\.99$/ });
    await pay.waitFor();
    await typePayPalCard(page, 'Sandbox Buyer');
    await pay.click();
    await page.getByRole('status').filter({ hasText: 'Payment complete' }).waitFor();
    const { payment, events, session: s } = await paymentOf(session);
    expect(payment).toMatchObject({ status: 'captured', gateway: 'paypal', amount: 2599 });
    expect(s).toMatchObject({ status: 'complete', attempts: 1 });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['status_changed', 'gateway_call']));
    // The order at PayPal holds the card's last digits only; Payrail got the order id.
    const order = [...stack.paypal.store.orders.values()].find((o) => o.unit.reference_id === session);
    expect(order?.source).toMatchObject({ kind: 'card', lastDigits: '1111' });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('PayPal card fields: a decline shows the customer’s message in the page, and the customer tries again', async () => {
    const { page, session } = await open('/pay?gateway=paypal&capture=manual');
    const pay = page.getByRole('button', { name: /^Pay / });
    await pay.waitFor();
    // PayPal's sandbox declines by the card holder's name (its documented negative testing).
    await typePayPalCard(page, 'CCREJECT-REFUSED');
    await pay.click();
    const alert = page.locator('.payrail-error[role="alert"]');
    await page.waitForFunction(() => (document.querySelector('.payrail-error')?.textContent ?? '') !== '');
    const declined = (await stack.api.request('GET', `/v1/payment_sessions/${session}`)).body;
    expect(declined).toMatchObject({ status: 'open', last_error: { code: 'card_declined' } });
    expect(await alert.textContent()).toBe(declined.last_error.message);
    await page.waitForFunction(() => !document.querySelector('.payrail-pay')?.hasAttribute('disabled'));
    await cardFrame(page, 'paypal_card_name_field').getByLabel('Name on card').fill('Sandbox Buyer');
    await pay.dblclick();
    await page.getByRole('status').filter({ hasText: 'Payment complete' }).waitFor();
    const { session: s, payment } = await paymentOf(session);
    expect(s).toMatchObject({ status: 'complete', attempts: 2 });
    expect(payment).toMatchObject({ status: 'authorized', gateway: 'paypal' });
    const list = await stack.api.request('GET', '/v1/payments?limit=100');
    const ofSession = list.body.data.filter(
      (p: { metadata: Record<string, string> }) => p.metadata.payrail_session_id === session,
    );
    expect(ofSession.map((p: { status: string }) => p.status).sort()).toEqual(['authorized', 'failed']);
    await page.context().close();
  });

  it('PayPal card fields: a card the fields refuse is named in the frame, and no order is made for it', async () => {
    const { page, session } = await open('/pay?gateway=paypal');
    const pay = page.getByRole('button', { name: /^Pay / });
    await pay.waitFor();
    const before = stack.paypal.store.orders.size;
    await cardFrame(page, 'paypal_card_number_field').getByLabel('Card number').fill('4111 1111 1111 1112');
    await cardFrame(page, 'paypal_card_expiry_field').getByLabel('Expiry date (MM / YY)').fill('12 / 34');
    await cardFrame(page, 'paypal_card_cvv_field').getByLabel('Security code').fill('123');
    await pay.click();
    await page
      .locator('.payrail-error[role="alert"]')
      .filter({ hasText: 'Your card number is incomplete or invalid.' })
      .waitFor();
    await cardFrame(page, 'paypal_card_number_field')
      .getByRole('alert')
      .filter({ hasText: 'Your card number is incomplete or invalid.' })
      .waitFor();
    expect(stack.paypal.store.orders.size).toBe(before);
    expect((await stack.api.request('GET', `/v1/payment_sessions/${session}`)).body).toMatchObject({
      status: 'open',
      attempts: 0,
    });
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
    await page.getByRole('button', { name: /^Pay /, disabled: false }).waitFor();
    await typeCard(cardFrame(page, STRIPE_FRAME), '4242 4242 4242 4242');
    await page.getByRole('button', { name: /^Pay / }).click();
    await page.waitForURL(`${shop.url}/done?session_id=${session}`);
    expect((await paymentOf(session)).payment.status).toBe('captured');
    await page.context().close();
  });

  it('the hosted page pays on Square and on PayPal too, and returns to the shop', async () => {
    const square = await open('/pay?gateway=square');
    await square.page.goto(square.hostedUrl);
    await square.page.getByRole('button', { name: /^Pay /, disabled: false }).waitFor();
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

  it('the hosted page pays by card on PayPal’s card fields and returns to the shop', async () => {
    const { page, hostedUrl, session } = await open('/pay?gateway=paypal');
    await page.goto(hostedUrl);
    await page.getByRole('button', { name: /^Pay /, disabled: false }).waitFor();
    await typePayPalCard(page, 'Sandbox Buyer');
    await page.getByRole('button', { name: /^Pay / }).click();
    await page.waitForURL(`${shop.url}/done?session_id=${session}`);
    expect((await paymentOf(session)).payment).toMatchObject({ status: 'captured', gateway: 'paypal' });
    await page.context().close();
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
    await page.getByRole('button', { name: /^Pay /, disabled: false }).waitFor();
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

  it('the Stripe.js stand-in’s confirmPayment sends the customer to return_url by default, as Stripe.js does', async () => {
    const created = await fetch(`${stack.stripe.url}/v1/payment_intents`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${STRIPE_SANDBOX_DEFAULTS.secretKey}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ amount: '1500', currency: 'usd', 'payment_method_types[]': 'card' }),
    });
    const intent = (await created.json()) as { id: string; client_secret: string };
    const { page } = await open('/pay?gateway=stripe');
    await page.getByRole('button', { name: /^Pay /, disabled: false }).waitFor();
    await page.evaluate(
      ([key, secret]) => {
        const host = document.createElement('div');
        host.id = 'own-payment-element';
        document.body.appendChild(host);
        const w = window as unknown as {
          Stripe: (k: string) => {
            elements(o: object): { create(t: string): { mount(el: Element): void } };
          };
          ownElements?: unknown;
          ownStripe?: unknown;
        };
        const stripe = w.Stripe(key);
        const elements = stripe.elements({ clientSecret: secret });
        elements.create('payment').mount(host);
        w.ownStripe = stripe;
        w.ownElements = elements;
      },
      [STRIPE_SANDBOX_DEFAULTS.publishableKey, intent.client_secret],
    );
    const own = page.frameLocator('#own-payment-element iframe');
    await typeCard(own, '4242 4242 4242 4242');
    const missing = await page.evaluate(() => {
      const w = window as unknown as {
        ownStripe: { confirmPayment(o: object): Promise<{ error?: { message: string } }> };
        ownElements: unknown;
      };
      return w.ownStripe.confirmPayment({ elements: w.ownElements }).then((r) => r.error?.message);
    });
    expect(missing).toMatch(/return_url is required/);
    // The page goes away while this runs: the redirect is the answer.
    const redirecting = page
      .evaluate((back) => {
        const w = window as unknown as {
          ownStripe: { confirmPayment(o: object): Promise<unknown> };
          ownElements: unknown;
        };
        return w.ownStripe.confirmPayment({ elements: w.ownElements, confirmParams: { return_url: back } });
      }, `${shop.url}/done`)
      .catch(() => undefined);
    await page.waitForURL(
      (url) =>
        url.toString().startsWith(`${shop.url}/done?`) &&
        url.searchParams.get('payment_intent') === intent.id &&
        url.searchParams.get('redirect_status') === 'succeeded',
    );
    const after = await fetch(`${stack.stripe.url}/v1/payment_intents/${intent.id}`, {
      headers: { authorization: `Bearer ${STRIPE_SANDBOX_DEFAULTS.secretKey}` },
    });
    expect(((await after.json()) as { status: string }).status).toBe('succeeded');
    await redirecting;
    await page.context().close();
  });

  it('no card number reached Payrail or the shop: only gateway tokens did', () => {
    expect(sentToPayrail.length).toBeGreaterThan(5);
    const everything = [...sentToPayrail, ...shop.received, ...stack.api.logs].join('\n');
    for (const number of CARD_NUMBERS) expect(everything).not.toContain(number);
    expect(sentToPayrail.some((body) => /"token":"pm_/.test(body))).toBe(true);
    expect(sentToPayrail.some((body) => /"token":"cnon:/.test(body))).toBe(true);
    // PayPal's card fields: Payrail got the approved order's id, the card went to PayPal.
    expect(sentToPayrail.some((body) => /\/gateway_order /.test(body))).toBe(true);
    expect(sentToPayrail.some((body) => /"token":"[A-Z0-9]{17}"/.test(body))).toBe(true);
  });
});

/** Public values a live connection hands the browser (no secret among them). */
const LIVE_CONFIG: Record<string, Record<string, string>> = {
  stripe: { publishableKey: 'pk_live_PayrailCheckoutSpec' },
  square: { applicationId: 'sq0idp-PayrailCheckoutSpec', locationId: 'LPAYRAILLIVE0001' },
  paypal: { clientId: 'AZPayrailCheckoutSpecLiveClient' },
};

describe('checkout in live mode, without network', () => {
  it.each([
    ['stripe', 'https://js.stripe.com/v3/'],
    ['square', 'https://web.squarecdn.com/v1/square.js'],
    ['paypal', 'https://www.paypal.com/sdk/js'],
  ])(
    '%s: the component loads the gateway’s own SDK from %s under the README’s CSP, with no SRI hash',
    async (gateway, host) => {
      const sdk = sdkFor(gateway, { mode: 'live' });
      expect(sdk?.script).toBe(host);
      const context = await browser.newContext();
      const page = await context.newPage();
      const offline: string[] = [];
      const loaded: string[] = [];
      const refused: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
      });
      // Nothing leaves the machine: anything not local is aborted, the gateway's script answered here.
      await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/]|localhost[:/])/, (route) => {
        offline.push(route.request().url());
        return route.abort();
      });
      await context.route(
        (url) => `${url.origin}${url.pathname}` === host,
        (route) => {
          loaded.push(route.request().url());
          return route.fulfill({
            status: 200,
            contentType: 'text/javascript',
            body: '/* the gateway script */',
          });
        },
      );
      // What Payrail answers for a live session: its sdkFor() and the gateway's public values.
      await context.route(`${stack.api.url}/v1/payment_sessions/ps_live_${gateway}/client**`, (route) =>
        route.fulfill({
          status: 200,
          contentType: 'application/json',
          headers: { 'access-control-allow-origin': shop.url },
          body: JSON.stringify({
            id: `ps_live_${gateway}`,
            status: 'open',
            amount: 2599,
            amount_decimal: '25.99',
            currency: 'USD',
            gateway,
            livemode: true,
            return_url: null,
            methods: BROWSER_SDKS[gateway].methods,
            gateway_config: LIVE_CONFIG[gateway],
            sdk: { script: sdk?.script },
            payment: null,
            last_error: null,
          }),
        }),
      );
      await page.goto(`${shop.url}/live?gateway=${gateway}`);
      // A locator, not waitForFunction: the page's CSP (no 'unsafe-eval') forbids the latter's evaluation.
      const tag = page.locator(`script[src^="${new URL(host).origin}"]`);
      await tag.waitFor({ state: 'attached' });
      const script = {
        src: (await tag.getAttribute('src')) ?? '',
        async: await tag.evaluate((el) => (el as HTMLScriptElement).async),
        integrity: await tag.getAttribute('integrity'),
        crossorigin: await tag.getAttribute('crossorigin'),
      };
      expect(script).toMatchObject({ async: true, integrity: null, crossorigin: null });
      const url = new URL(script.src);
      expect(`${url.origin}${url.pathname}`).toBe(host);
      if (gateway === 'paypal')
        expect(Object.fromEntries(url.searchParams)).toEqual({
          'client-id': LIVE_CONFIG['paypal'].clientId,
          currency: 'USD',
          intent: 'authorize',
          components: 'buttons,card-fields',
        });
      else expect(url.search).toBe('');
      // The request and the policy report come from the browser on its own time: up to 15 s each.
      for (const deadline = Date.now() + 15_000; loaded.length === 0 && Date.now() < deadline;)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(loaded).toEqual([script.src]);
      expect(offline).toEqual([]);
      expect(refused).toEqual([]);
      // The policy is in force: a script from a host it does not name is refused before any request.
      await page.evaluate(() => {
        const other = document.createElement('script');
        other.src = 'https://cdn.example/other.js';
        document.head.appendChild(other);
      });
      for (const deadline = Date.now() + 15_000; refused.length === 0 && Date.now() < deadline;)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(refused.join('\n')).toContain('https://cdn.example/other.js');
      expect(offline).toEqual([]);
      await context.close();
    },
  );
});
