import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { CSRF_COOKIE, PLAIN_SESSION_COOKIE, SessionService, User, type Role } from '@payrail/identity';
import { NOTIFICATION_SIGNATURE_HEADER } from '@payrail/notifications';
import { verifySignature } from '@payrail/webhooks';
// The scheduled health round, run on demand so the page has checks to show without waiting.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { GatewayHealthService } from '../../api/src/monitoring/gateway-health.service';
import { pick, screenshot, signIn, startConsole, type ConsoleUnderTest } from './support/console-harness';

/*
 * The Monitoring page in Chromium: gateway health with its charts, an alert firing when the Stripe
 * sandbox fails and being acknowledged and silenced, an alert rule and a webhook channel created,
 * edited and test-fired to a receiver started here, a routing rule edited and the simulator run;
 * support reads all of it without the actions, and the API refuses support's edits.
 */

type Opened = { page: Page; context: BrowserContext; errors: string[] };

let env: ConsoleUnderTest;
let engineer: Opened;
let engineerEmail: string;
let receiver: Server;
// A port the system hands out, so a receiver left by another run on this machine cannot collide.
let receiverPort: number;
const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];

/** A console user with MFA done in the session (the sign-in flow itself is console.spec's). */
async function openAs(email: string, role: Role): Promise<Opened> {
  const created = await env.createUser(email, role);
  const opened = await env.newPage();
  const user = await env.stack.api.app
    .get(DataSource)
    .getRepository(User)
    .findOneByOrFail({ id: created.id });
  const { session, token } = await env.stack.api.app
    .get(SessionService)
    .start(user.id, { mfaVerified: true });
  await opened.context.addCookies([
    { name: PLAIN_SESSION_COOKIE, value: token, url: env.url },
    { name: CSRF_COOKIE, value: session.csrfToken, url: env.url },
  ]);
  return opened;
}

async function stripeControl(path: string, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${env.stack.stripe.url}/_sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
}

const pay = (token: string) =>
  env.stack.api.request(
    'POST',
    '/v1/payments',
    { amount: 1500, currency: 'usd', capture_method: 'manual', gateway: 'stripe', payment_method: { token } },
    { 'idempotency-key': randomUUID() },
  );

/** Clicks Refresh until `locator` shows up (the evaluation job runs every second here). */
async function refreshUntil(page: Page, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting for the page to show it');
    await new Promise((r) => setTimeout(r, 500));
    await page.getByRole('button', { name: 'Refresh' }).first().click();
  }
}

/** Browser errors other than the API's refusals the spec asks for. */
const unexpected = (errors: string[]) => errors.filter((e) => !/status of 4\d\d/.test(e));

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverPort = (receiver.address() as AddressInfo).port;
  env = await startConsole({
    PAYRAIL_HEALTH_CHECK_INTERVAL_MS: '3600000',
    PAYRAIL_ALERT_INTERVAL_MS: '1000',
  });
  for (const token of ['pm_card_visa', 'pm_card_visa', 'pm_card_chargeDeclined'])
    expect([201, 402]).toContain((await pay(token)).status);
  await env.stack.api.app.get(GatewayHealthService).checkAll();
  engineerEmail = 'platform-monitoring@example.com';
  engineer = await openAs(engineerEmail, 'platform_engineer');
}, 120_000);

afterAll(async () => {
  await env?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('the monitoring page in Chromium', () => {
  it('shows each connection with status, rates, latency, circuit, charts and health checks', async () => {
    const { page } = engineer;
    await page.goto('/dashboard');
    await page.getByRole('link', { name: 'Monitoring' }).click();
    await page.waitForURL('**/monitoring');
    const rows = page.getByTestId('health-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(3);
    const stripe = rows.filter({ hasText: 'stripe' });
    await expect(stripe.getByTestId('health-status').textContent()).resolves.toContain('healthy');
    // Two approvals and a decline: the decline is an answer, not an error.
    await expect(stripe.getByTestId('success-rate').textContent()).resolves.toContain('100.0 %');
    await expect(stripe.getByTestId('error-rate').textContent()).resolves.toContain('0.0 %');
    await expect(stripe.getByTestId('latency').textContent()).resolves.toMatch(/\d+ ms \/ \d+ ms \/ \d+ ms/);
    await expect(stripe.getByTestId('circuit').textContent()).resolves.toContain('closed');
    await expect(stripe.textContent()).resolves.toContain('1 declined');

    await stripe.getByRole('button', { name: /^Details of/ }).click();
    const detail = page.getByTestId('health-detail');
    await detail.getByRole('img', { name: 'Calls per bucket over 24h' }).waitFor();
    expect(await detail.getByRole('img', { name: 'Success and error rate over 24h' }).count()).toBe(1);
    expect(await detail.getByRole('img', { name: 'Latency percentiles over 24h' }).count()).toBe(1);
    await expect(detail.getByTestId('health-check-row').first().textContent()).resolves.toContain('passed');
    await screenshot(page, 'monitoring-gateways');
    await detail.getByRole('button', { name: '7 d' }).click();
    await detail.getByRole('img', { name: 'Calls per bucket over 7d' }).waitFor();
    await expect(detail.getByTestId('detail-summary').textContent()).resolves.toContain('over 7d: 3 calls');
    expect(unexpected(engineer.errors)).toEqual([]);
  });

  it('creates a webhook channel, edits it and test-fires it to a local receiver', async () => {
    const { page } = engineer;
    await page.goto('/monitoring');
    await page.getByRole('tab', { name: 'Alerts' }).click();
    await page.getByRole('button', { name: 'New channel' }).click();
    const form = page.getByRole('form', { name: 'New channel' });
    await form.getByLabel('Channel name').fill('On-call hook');
    await form.getByLabel('Receiver URL').fill(`http://127.0.0.1:${receiverPort}/alerts`);
    await form.getByRole('button', { name: 'Save channel' }).click();
    const secret = (await page.getByTestId('channel-secret').locator('code').textContent())!.trim();
    expect(secret.length).toBeGreaterThanOrEqual(16);
    await page.getByTestId('channel-secret').getByRole('button', { name: 'Done' }).click();

    await page.getByRole('button', { name: 'Edit channel On-call hook' }).click();
    const edit = page.getByRole('form', { name: 'Edit channel' });
    await edit.getByLabel('Channel name').fill('On-call webhook');
    await edit.getByRole('button', { name: 'Save channel' }).click();
    const row = page.getByTestId('channel-row').filter({ hasText: 'On-call webhook' });
    await row.waitFor();

    const before = received.length;
    await row.getByRole('button', { name: 'Test On-call webhook' }).click();
    await expect(row.getByTestId('channel-test-result').textContent()).resolves.toContain('delivered');
    expect(received.length).toBe(before + 1);
    const hit = received[before];
    expect(
      verifySignature(secret, hit.body, String(hit.headers[NOTIFICATION_SIGNATURE_HEADER.toLowerCase()])),
    ).toBe(true);
    expect(JSON.parse(hit.body)).toMatchObject({ version: '4' });
    expect(unexpected(engineer.errors)).toEqual([]);
  });

  it('creates an alert rule that fires when the sandbox fails, and acknowledges and silences the alert', async () => {
    const { page } = engineer;
    await page.getByRole('button', { name: 'New alert rule' }).click();
    const form = page.getByRole('form', { name: 'New alert rule' });
    await form.getByLabel('Rule name').fill('Stripe success under 80');
    await pick(page, 'Severity', 'critical');
    await form.getByLabel('Below (%)').fill('80');
    await form.getByLabel('Over (minutes)').fill('5');
    await form.getByLabel('For (seconds)').fill('0');
    await page.getByRole('combobox', { name: /^Channels/ }).click();
    await page.getByRole('option', { name: /On-call webhook/ }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('listbox').waitFor({ state: 'detached' });
    await form.getByRole('button', { name: 'Save alert rule' }).click();
    const ruleRow = page.getByTestId('alert-rule-row').filter({ hasText: 'Stripe success under 80' });
    await expect(ruleRow.textContent()).resolves.toContain('success rate below 80.0 % over 5 min');

    await page.getByRole('button', { name: 'Edit alert rule Stripe success under 80' }).click();
    const edit = page.getByRole('form', { name: 'Edit alert rule' });
    await edit.getByLabel('Description').fill('Pages the on-call engineer');
    await edit.getByRole('button', { name: 'Save alert rule' }).click();
    await page.getByTestId('alerts-notice').filter({ hasText: 'saved' }).waitFor();

    await stripeControl('unavailable', { ratio: 1 });
    try {
      for (let i = 0; i < 4; i++) await pay('pm_card_visa');
      const alert = page.getByTestId('alert-row').filter({ hasText: 'Stripe success under 80' });
      await refreshUntil(
        page,
        async () => (await alert.count()) > 0 && /firing/.test((await alert.textContent()) ?? ''),
      );
      await refreshUntil(page, async () =>
        received.some((r) => /"status":"firing"/.test(r.body) && r.body.includes('Stripe success under 80')),
      );
      // The measured success rate, under the rule's 80 %.
      const value = Number((await alert.getByTestId('alert-value').textContent())!.replace(' %', ''));
      expect(value).toBeLessThan(80);
      await screenshot(page, 'monitoring-alerts');

      await alert.getByRole('button', { name: 'Acknowledge Stripe success under 80' }).click();
      await alert.getByLabel('Note').fill('looking at Stripe');
      await alert.getByRole('button', { name: 'Confirm acknowledge' }).click();
      await expect(alert.getByTestId('acknowledged-by').textContent()).resolves.toContain(engineerEmail);
      await expect(alert.getByTestId('acknowledged-by').textContent()).resolves.toContain(
        'looking at Stripe',
      );

      await alert.getByRole('button', { name: 'Silence Stripe success under 80' }).click();
      await alert.getByLabel('Reason').fill('Stripe maintenance window');
      await alert.getByRole('button', { name: 'Confirm silence' }).click();
      await page.getByTestId('silence-row').filter({ hasText: 'Stripe maintenance window' }).waitFor();
      await refreshUntil(page, async () =>
        /silenced/.test((await alert.getByTestId('alert-state').textContent()) ?? ''),
      );
    } finally {
      await stripeControl('unavailable', { ratio: 0 });
    }
    expect(unexpected(engineer.errors)).toEqual([]);
  });

  it('adds and edits a routing rule and runs the simulator', async () => {
    const { page } = engineer;
    await page.getByRole('tab', { name: 'Routing' }).click();
    await page.getByRole('button', { name: 'New rule' }).click();
    const form = page.getByRole('form', { name: 'New routing rule' });
    await form.getByLabel('Name').fill('Euros to PayPal');
    await form.getByLabel('Currencies').fill('eur');
    await pick(page, 'Add connection', /^paypal/);
    await form.getByRole('button', { name: 'Save rule' }).click();
    const row = page.getByTestId('routing-rule-row').filter({ hasText: 'Euros to PayPal' });
    await expect(row.getByTestId('rule-conditions').textContent()).resolves.toContain('currency EUR');

    await row.getByRole('button', { name: 'Edit rule Euros to PayPal' }).click();
    const edit = page.getByRole('form', { name: 'Edit routing rule' });
    await edit.getByLabel('Amount from (minor units)').fill('500');
    await pick(page, 'Add connection', /^stripe/);
    await edit.getByRole('button', { name: 'Save rule' }).click();
    await page.getByTestId('routing-notice').filter({ hasText: 'saved' }).waitFor();
    await expect(row.getByTestId('rule-conditions').textContent()).resolves.toBe(
      'currency EUR, amount ≥ 500',
    );
    await expect(row.textContent()).resolves.toMatch(/paypal.*stripe/s);

    const simulator = page.getByRole('form', { name: 'Simulate a payment' });
    await simulator.getByLabel('Amount').fill('25.00');
    await simulator.getByLabel('Currency').fill('eur');
    await simulator.getByRole('button', { name: 'Simulate' }).click();
    const result = page.getByTestId('simulation-result');
    await expect(result.getByTestId('simulated-connection').textContent()).resolves.toMatch(/^paypal/);
    await expect(result.textContent()).resolves.toContain('by rule Euros to PayPal');
    await expect(result.textContent()).resolves.toMatch(
      /Then, if it definitely did not take the authorization:\s*stripe/,
    );
    await screenshot(page, 'monitoring-routing');

    await simulator.getByLabel('Amount').fill('2.00');
    await simulator.getByRole('button', { name: 'Simulate' }).click();
    // The first simulation's answer stays on the page until the second one's replaces it.
    await page.getByTestId('simulated-reason').filter({ hasText: 'no rule matched' }).waitFor();
    await expect(page.getByTestId('simulated-reason').textContent()).resolves.toContain('no rule matched');
    expect(unexpected(engineer.errors)).toEqual([]);
  });

  it("gives support a read-only view, and the API refuses support's edits", async () => {
    const user = await env.createUser('support-monitoring@example.com', 'support');
    const support = await env.newPage();
    try {
      const { page } = support;
      await signIn(page, user.email, user.password);
      await page.waitForURL('**/dashboard');
      await page.getByRole('link', { name: 'Monitoring' }).click();
      await page.getByTestId('health-row').first().waitFor();
      await page.getByTestId('read-only').waitFor();

      await page.getByRole('tab', { name: 'Alerts' }).click();
      await page.getByTestId('alert-rule-row').filter({ hasText: 'Stripe success under 80' }).waitFor();
      await page.getByTestId('channel-row').filter({ hasText: 'On-call webhook' }).waitFor();
      for (const name of [
        'New alert rule',
        'New channel',
        /^Acknowledge/,
        /^Silence/,
        /^Test /,
        /^Edit/,
        'Expire',
      ])
        expect(await page.getByRole('button', { name }).count()).toBe(0);

      await page.getByRole('tab', { name: 'Routing' }).click();
      await page.getByTestId('routing-rule-row').filter({ hasText: 'Euros to PayPal' }).waitFor();
      for (const name of ['New rule', /^Edit rule/, /^Delete rule/])
        expect(await page.getByRole('button', { name }).count()).toBe(0);
      await page.getByRole('form', { name: 'Simulate a payment' }).getByLabel('Currency').fill('eur');
      await page.getByRole('button', { name: 'Simulate' }).click();
      await expect(page.getByTestId('simulated-connection').textContent()).resolves.toMatch(/^paypal/);

      await screenshot(page, 'monitoring-support');

      // Past the console: the API itself refuses support's edits.
      const statuses = await page.evaluate(async () => {
        const csrf = /(?:^|;\s*)payrail_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '';
        const send = (method: string, path: string, body: unknown) =>
          fetch(path, {
            method,
            headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(csrf) },
            body: JSON.stringify(body),
          }).then((r) => r.status);
        return [
          await send('POST', '/admin/routing/rules', {
            merchant_id: 'mer_any',
            name: 'x',
            connection_ids: [],
          }),
          await send('POST', '/admin/alerts/rules', {
            name: 'x',
            severity: 'info',
            condition: { kind: 'gateway_down' },
          }),
          await send('POST', '/admin/alerts/channels', { name: 'x', type: 'email', to: ['a@example.com'] }),
        ];
      });
      expect(statuses).toEqual([403, 403, 403]);
      expect(unexpected(support.errors)).toEqual([]);
    } finally {
      await support.context.close();
    }
  });
});
