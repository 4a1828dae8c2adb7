import { ConnectionService } from '@payrail/gateways';
import type { BrowserContext, Page } from 'playwright-core';
import { screenshot, signIn, startConsole, type ConsoleUnderTest } from './support/console-harness';

/*
 * Finance in Chromium: the Reports page (totals, charts, exports with progress) and the
 * Reconciliation page (a run against the Stripe sandbox, an exception's two sides, resolving it
 * with a note); an auditor reads both without the actions.
 */

let env: ConsoleUnderTest;
let finance: { page: Page; context: BrowserContext; errors: string[] };

async function stripeControl(path: string, body: Record<string, unknown> = {}): Promise<void> {
  const response = await fetch(`${env.stack.stripe.url}/_sandbox/settlements/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
}

beforeAll(async () => {
  env = await startConsole();
  const connections = await env.stack.api.app.get(ConnectionService).list([env.stack.api.merchantId], {});
  const stripe = connections.find((c) => c.gateway === 'stripe')!;
  const pay = async (amount: number, currency = 'usd') => {
    const created = await env.stack.api.request('POST', '/v1/payments', {
      amount,
      currency,
      connection_id: stripe.id,
      capture_method: 'automatic',
      payment_method: { token: 'pm_card_visa' },
    });
    expect(created.status).toBe(201);
    return created.body;
  };
  await pay(1000);
  await pay(2500, 'eur');
  const shifted = await pay(1234);
  await stripeControl('shift', { reference: shifted.gateway_reference, delta: 1 });
  const user = await env.createUser('finance-pages@example.com', 'finance');
  finance = await env.newPage();
  await signIn(finance.page, user.email, user.password);
  await finance.page.waitForURL('**/dashboard');
}, 120_000);

afterAll(async () => {
  await env?.close();
});

describe('finance pages in Chromium', () => {
  it('shows the report totals per currency, the charts, and exports with progress', async () => {
    const { page } = finance;
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.waitForURL('**/reports');
    await page.getByTestId('report-row').first().waitFor();
    await page.getByRole('combobox', { name: 'Group by' }).click();
    await page.getByRole('option', { name: 'currency' }).click();
    await page.getByRole('button', { name: 'Show' }).click();
    const rows = page.getByTestId('report-row');
    // The rows grouped by day also name their currency: read them once the groups are currencies.
    await rows
      .first()
      .locator('td')
      .first()
      .filter({ hasText: /^\s*eur\s*$/ })
      .waitFor();
    await expect(rows.allTextContents()).resolves.toEqual([
      expect.stringContaining('EUR'),
      expect.stringContaining('USD'),
    ]);
    await expect(rows.nth(1).textContent()).resolves.toContain('$22.34');
    expect(await page.getByRole('img', { name: 'Captured amount per gateway and day' }).count()).toBe(1);
    expect(await page.getByRole('img', { name: 'Success rate per gateway and day' }).count()).toBe(1);
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Export CSV' }).click();
    const csv = await (await download).path();
    expect(csv).toBeTruthy();
    await page.getByRole('button', { name: 'Export CSV as a job' }).click();
    await page.getByTestId('export-job').getByRole('link', { name: 'Download' }).waitFor({ timeout: 20_000 });
    await expect(page.getByTestId('export-job').textContent()).resolves.toMatch(/completed, 3 of 3 rows/);
    await screenshot(page, 'reports');
    expect(finance.errors).toEqual([]);
  });

  it('runs a reconciliation, shows an exception with both sides, and resolves it with a note', async () => {
    const { page } = finance;
    await page.getByRole('link', { name: 'Reconciliation' }).click();
    await page.waitForURL('**/reconciliation');
    await page.getByRole('combobox', { name: 'Connection' }).click();
    await page
      .getByRole('option', { name: /stripe/i })
      .first()
      .click();
    await page.getByRole('button', { name: 'Reconcile' }).click();
    await page
      .getByTestId('run-status')
      .filter({ hasText: 'completed' })
      .first()
      .waitFor({ timeout: 30_000 });
    const row = page.getByTestId('exception-row').filter({ hasText: 'amount mismatch' });
    await row.waitFor();
    await expect(row.textContent()).resolves.toMatch(/\$12\.34.*\$12\.35/);
    await row.getByRole('button', { name: 'Open' }).click();
    const detail = page.getByTestId('exception-detail');
    await expect(detail.getByTestId('payrail-side').textContent()).resolves.toContain('"amount": 1234');
    await expect(detail.getByTestId('gateway-side').textContent()).resolves.toContain('"raw"');
    await screenshot(page, 'reconciliation');
    await detail.getByRole('button', { name: 'Resolve' }).click();
    await detail.getByText('note is required').waitFor();
    await detail.getByLabel('Note (why)').fill('Stripe kept a cent more; accepted');
    await detail.getByRole('button', { name: 'Resolve' }).click();
    await detail.getByText('resolved (accept_gateway)').waitFor();
    expect(finance.errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  });

  it('lets an auditor read both pages without the actions', async () => {
    const user = await env.createUser('auditor-pages@example.com', 'auditor');
    const auditor = await env.newPage();
    try {
      await signIn(auditor.page, user.email, user.password);
      await auditor.page.waitForURL('**/dashboard');
      await auditor.page.getByRole('link', { name: 'Reconciliation' }).click();
      await auditor.page.getByTestId('run-row').first().waitFor();
      expect(await auditor.page.getByRole('button', { name: 'Reconcile' }).count()).toBe(0);
      await auditor.page.getByRole('combobox', { name: 'Status' }).click();
      await auditor.page.getByRole('option', { name: 'Resolved' }).click();
      await auditor.page.getByRole('button', { name: 'Filter' }).click();
      // Open a row of the filtered list, not one the unfiltered list still shows.
      const resolved = auditor.page
        .getByTestId('exception-row')
        .filter({ has: auditor.page.getByRole('cell', { name: 'resolved', exact: true }) });
      await resolved.first().waitFor();
      await resolved.getByRole('button', { name: 'Open' }).first().click();
      await auditor.page.getByTestId('exception-detail').waitFor();
      expect(await auditor.page.getByRole('button', { name: 'Reopen' }).count()).toBe(0);
    } finally {
      await auditor.context.close();
    }
  });
});
