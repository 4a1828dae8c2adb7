import type { BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { newId } from '@payrail/database';
import { CSRF_COOKIE, PLAIN_SESSION_COOKIE, SessionService, User } from '@payrail/identity';
import { InboxEvent } from '@payrail/webhooks';
// The request row, to put a blocked request past its due date.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { PrivacyRequest } from '../../api/src/privacy/privacy-request.entity';
import { pick, screenshot, signIn, startConsole, type ConsoleUnderTest } from './support/console-harness';

type Opened = { page: Page; context: BrowserContext; errors: string[] };

let env: ConsoleUnderTest;
let admin: Opened;
let auditor: Opened;

const SUBJECT = 'grace.hopper@example.org';
const SUBJECT_NAME = 'Grace Hopper';
const mediumDate = (iso: string) =>
  new Date(iso).toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric' });

/** An admin's console with MFA done in the session (the sign-in flow itself is console.spec's). */
async function adminPage(): Promise<Opened> {
  const created = await env.createUser('privacy-admin@example.com', 'admin');
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

/** A webhook body received 100 days ago: past the 90 days the inbox keeps them by default. */
async function oldInboxEvent(): Promise<void> {
  const id = newId('whin');
  await env.stack.api.app
    .get(DataSource)
    .getRepository(InboxEvent)
    .insert({
      id,
      connectionId: 'conn_retention_console',
      merchantId: env.stack.api.merchantId,
      gateway: 'stripe',
      gatewayEventId: `evt_${id}`,
      gatewayEventType: 'charge.succeeded',
      eventType: 'payment.captured',
      paymentReference: null,
      event: { id: `evt_${id}` },
      rawBody: `{"id":"evt_${id}"}`,
      headers: {},
      receivedAt: new Date(Date.now() - 100 * 86_400_000),
      state: 'applied',
      replays: 0,
    });
}

/** The request as the API has it, read in the admin's browser. */
async function requestsOf(page: Page): Promise<Array<Record<string, any>>> {
  return page.evaluate(async () => (await (await fetch('/admin/privacy/requests')).json()).data);
}

beforeAll(async () => {
  env = await startConsole();
  admin = await adminPage();
  const reader = await env.createUser('privacy-auditor@example.com', 'auditor');
  auditor = await env.newPage();
  await signIn(auditor.page, reader.email, reader.password);
  await auditor.page.waitForURL('**/dashboard');
}, 120_000);

afterAll(async () => {
  await env?.close();
});

describe('the Privacy page in Chromium', () => {
  it('blocks an erasure under a legal hold with its reason, and completes it with a certificate after release', async () => {
    const paid = await env.stack.api.request('POST', '/v1/payments', {
      amount: 1500,
      currency: 'usd',
      payment_method: { token: 'pm_card_visa' },
      customer: { email: SUBJECT, name: SUBJECT_NAME },
    });
    expect(paid.body.status).toBe('captured');
    const { page } = admin;
    await page.goto('/dashboard');
    await page.getByRole('link', { name: 'Privacy' }).click();
    await page.getByRole('heading', { name: 'Privacy', level: 1 }).waitFor();

    const holds = page.getByRole('region', { name: 'Legal holds' });
    await holds.getByLabel('Held subject').fill(SUBJECT);
    await holds.getByLabel('Reason for the hold').fill('Court order 2026-114');
    await holds.getByRole('button', { name: 'Place hold' }).click();
    const hold = page.getByTestId('privacy-hold').filter({ hasText: 'Court order 2026-114' });
    await hold.filter({ hasText: 'in force' }).waitFor();

    // Erasure under GDPR is the form's default.
    await page.getByLabel('Subject', { exact: true }).fill(SUBJECT);
    await page.getByRole('button', { name: 'Record request' }).click();
    await page
      .getByTestId('problem')
      .filter({ hasText: /is blocked: .*legal hold/ })
      .waitFor();
    const row = page.getByTestId('privacy-request').filter({ hasText: 'erasure' }).first();
    await row
      .getByTestId('blocked-reason')
      .filter({ hasText: /legal hold/ })
      .waitFor();
    await expect(row.getByTestId('request-status').textContent()).resolves.toBe('blocked');
    const [blocked] = await requestsOf(page);
    expect(blocked.status).toBe('blocked');
    await expect(row.getByTestId('request-due').textContent()).resolves.toContain(mediumDate(blocked.due_at));
    expect(await row.locator('.overdue').count()).toBe(0);
    // Still blocked past its due date: the list marks it overdue.
    await env.stack.api.app
      .get(DataSource)
      .getRepository(PrivacyRequest)
      .update({ id: blocked.id }, { dueAt: new Date(Date.now() - 86_400_000) });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await row.locator('.overdue').filter({ hasText: 'overdue' }).waitFor();
    await screenshot(page, 'privacy-blocked');

    await hold.getByRole('button', { name: 'Release' }).click();
    await hold.getByRole('button', { name: 'Release' }).waitFor({ state: 'detached' });
    await row.getByRole('button', { name: 'Retry' }).click();
    await row.getByTestId('request-status').filter({ hasText: 'completed' }).waitFor({ timeout: 15_000 });
    await row.getByRole('button', { name: 'Certificate' }).click();
    const certificate = page.getByTestId('certificate');
    await certificate.getByRole('heading', { name: `Certificate of ${blocked.id}` }).waitFor();
    await expect(certificate.getByTestId('certificate-scan').textContent()).resolves.toContain('clean');
    const erased = certificate.getByRole('table', { name: 'Erased' });
    await expect(erased.textContent()).resolves.toContain('payments');
    const text = (await certificate.textContent()) ?? '';
    expect(text).not.toContain(SUBJECT);
    expect(text).not.toContain(SUBJECT_NAME);
    // 409 is how the API refused the blocked erasure; nothing else went wrong.
    admin.errors.splice(0, admin.errors.length, ...admin.errors.filter((e) => !/status of 409/.test(e)));
  });

  it('offers the access export for download once ready, and shows the retention dry run', async () => {
    const { page } = admin;
    await pick(page, 'Type', 'Access (export)');
    await pick(page, 'Regime', 'CCPA (45 days)');
    await page.getByLabel('Subject', { exact: true }).fill('nobody.here@example.org');
    await page.getByRole('button', { name: 'Record request' }).click();
    await page.getByTestId('privacy-notice').filter({ hasText: 'recorded, due' }).waitFor();
    const row = page.getByTestId('privacy-request').filter({ hasText: 'access' }).first();
    const download = row.getByRole('link', { name: 'Download export' });
    await download.waitFor({ timeout: 15_000 });
    const [access] = await requestsOf(page);
    expect(access.type).toBe('access');
    expect(Math.round((Date.parse(access.due_at) - Date.parse(access.created_at)) / 86_400_000)).toBe(45);
    const exported = await page.evaluate(
      async (href) => {
        const res = await fetch(href);
        return { status: res.status, type: res.headers.get('content-type') };
      },
      (await download.getAttribute('href'))!,
    );
    expect(exported).toEqual({ status: 200, type: expect.stringContaining('application/json') });

    await oldInboxEvent();
    await oldInboxEvent();
    const retention = page.getByRole('region', { name: 'Retention' });
    await retention.getByRole('button', { name: 'Dry run again' }).click();
    const inbox = retention.locator('[data-class="webhook-inbox"]').getByTestId('retention-rows');
    await inbox.filter({ hasText: /^2$/ }).waitFor();
    const classes = retention.getByTestId('retention-class');
    const names = await classes.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-class')));
    expect(names.length).toBeGreaterThanOrEqual(5);
    const counts = await retention.getByTestId('retention-rows').allTextContents();
    expect(counts.every((c) => /^\d+$/.test(c.trim()))).toBe(true);
    await retention.getByRole('button', { name: 'Purge now' }).click();
    await retention.getByText(/^Remove \d+ rows now\?$/).waitFor();
    await retention.getByRole('button', { name: 'Confirm purge' }).click();
    await page
      .getByTestId('privacy-notice')
      .filter({ hasText: /Purge done: [1-9]\d* rows removed/ })
      .waitFor();
    await inbox.filter({ hasText: /^0$/ }).waitFor();
    expect(admin.errors).toEqual([]);
  });

  it('lets an auditor read the requests, holds and retention, with no way to act or download an export', async () => {
    const { page, errors } = auditor;
    const nav = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    expect(nav.map((n) => n.trim())).toContain('Privacy');
    await page.getByRole('link', { name: 'Privacy' }).click();
    await page.getByTestId('privacy-request').filter({ hasText: 'access' }).first().waitFor();
    expect(await page.getByTestId('privacy-request').count()).toBe(2);
    await page.getByTestId('privacy-hold').first().waitFor();
    await page.getByTestId('retention-class').first().waitFor();
    for (const name of ['Record request', 'Place hold', 'Purge now', 'Release', 'Retry'])
      expect(await page.getByRole('button', { name }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Download export' }).count()).toBe(0);
    // Both requests completed: each has its certificate, which reading covers.
    expect(await page.getByRole('button', { name: 'Certificate' }).count()).toBe(2);
    const refused = await page.evaluate(async () => {
      const [access] = (await (await fetch('/admin/privacy/requests')).json()).data;
      return (await fetch(`/admin/privacy/requests/${access.id}/export`)).status;
    });
    expect(refused).toBe(403);
    expect(errors.filter((e) => !/status of 403/.test(e))).toEqual([]);
  });
});
