import type { BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { CSRF_COOKIE, PLAIN_SESSION_COOKIE, SessionService, User } from '@payrail/identity';
import { signIn, startConsole, type ConsoleUnderTest } from './support/console-harness';

let env: ConsoleUnderTest;
let owner: { page: Page; context: BrowserContext; errors: string[] };
let support: { page: Page; context: BrowserContext; errors: string[] };

/** The owner's console, signed in with MFA done (the sign-in flow itself is console.spec's). */
async function ownerPage() {
  const opened = await env.newPage();
  const user = await env.stack.api.app
    .get(DataSource)
    .getRepository(User)
    .findOneByOrFail({ email: 'owner@example.com' });
  const { session, token } = await env.stack.api.app
    .get(SessionService)
    .start(user.id, { mfaVerified: true });
  await opened.context.addCookies([
    { name: PLAIN_SESSION_COOKIE, value: token, url: env.url },
    { name: CSRF_COOKIE, value: session.csrfToken, url: env.url },
  ]);
  return opened;
}

beforeAll(async () => {
  env = await startConsole();
  owner = await ownerPage();
  const agent = await env.createUser('agent@example.com', 'support');
  support = await env.newPage();
  await signIn(support.page, agent.email, agent.password);
  await support.page.waitForURL('**/dashboard');
}, 120_000);

afterAll(async () => {
  await env?.close();
});

afterEach(() => {
  expect(owner.errors).toEqual([]);
  expect(support.errors).toEqual([]);
});

describe('the support desk in Chromium', () => {
  it('finds "insuficient funds" with the matches highlighted and opens the article', async () => {
    const { page } = support;
    await page.getByRole('link', { name: 'Knowledge base' }).click();
    await page.getByLabel('Search', { exact: true }).fill('insuficient funds');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('status').filter({ hasText: 'insuficient funds' }).waitFor();
    const titles = await page.getByTestId('kb-results').locator('a.title').allTextContents();
    expect(titles.slice(0, 3)).toContain('Insufficient funds');
    expect(await page.getByTestId('snippet').first().locator('mark').count()).toBeGreaterThan(0);
    await page.getByRole('link', { name: 'Insufficient funds', exact: true }).click();
    await page.getByTestId('article-body').getByRole('heading', { name: 'Resolution' }).waitFor();
    await expect(page.getByTestId('customer-message').textContent()).resolves.toContain('insufficient funds');
    expect(await page.getByRole('button', { name: 'Edit' }).count()).toBe(0);
  });

  it('edits an article with a preview; the earlier version stays, with its diff; a script in it never runs', async () => {
    const { page } = owner;
    await page.goto('/kb/new');
    await page.getByLabel('Title').fill('Hostile article');
    await page.getByLabel('Slug').fill('hostile-article');
    await page
      .getByLabel('Symptoms (Markdown)')
      .fill('<script>window.__pwned = 1</script> <img src=x onerror="window.__pwned = 2">');
    await page
      .getByLabel('Resolution (Markdown)')
      .fill('1. [Click me](javascript:window.__pwned=3)\n2. Retry later.');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByTestId('preview').getByText('Retry later.').waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('article-body').waitFor();
    await page.getByRole('button', { name: 'Edit' }).click();
    await page
      .getByLabel('Resolution (Markdown)')
      .fill('1. [Click me](javascript:window.__pwned=3)\n2. Retry tomorrow.');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Diff' }).click();
    const diff = await page.getByTestId('diff').textContent();
    expect(diff).toContain('- 2. Retry later.');
    expect(diff).toContain('+ 2. Retry tomorrow.');
    const body = page.getByTestId('article-body');
    await expect(body.textContent()).resolves.toContain('<script>');
    await body
      .getByText('Click me', { exact: false })
      .click()
      .catch(() => undefined);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await body.locator('script, img, a[href^="javascript"]').count()).toBe(0);
  });

  it('shows a declined payment its article and next steps, and opens a case from it that escalates', async () => {
    const declined = await env.stack.api.request('POST', '/v1/payments', {
      amount: 2500,
      currency: 'usd',
      payment_method: { token: 'pm_card_chargeDeclinedInsufficientFunds' },
    });
    expect(declined.body.error.code).toBe('insufficient_funds');
    expect(declined.body.error.doc_url).toMatch(/\/kb\/(stripe-)?insufficient-funds$/);
    const { page } = support;
    await page.goto(`/payments/${declined.body.error.payment_id}`);
    const article = page.getByTestId('payment-article').first();
    await article.getByRole('heading', { name: 'Next steps' }).waitFor();
    await expect(article.textContent()).resolves.toMatch(/another card/i);
    await page.getByRole('button', { name: 'Open a case' }).click();
    await page.waitForURL('**/cases/case_*');
    await page.getByTestId('case-status').filter({ hasText: 'new' }).waitFor();
    await page.getByLabel('Internal comment').fill('Customer asked to try another card.');
    await page.getByRole('button', { name: 'Comment' }).click();
    await page.getByTestId('case-timeline').getByText('Customer asked to try another card.').waitFor();
    await expect(page.getByTestId('sla-first-response').textContent()).resolves.toContain('met');
    await page.getByLabel('Reason to escalate').fill('Gateway side, needs L2');
    await page.getByRole('button', { name: 'Escalate' }).click();
    await page.getByTestId('case-tier').filter({ hasText: 'L2' }).waitFor();
    await page.getByRole('link', { name: '← Cases' }).click();
    await expect(page.getByTestId('case-tier').first().textContent()).resolves.toBe('L2');
    await expect(page.getByTestId('case-timer').first().textContent()).resolves.toMatch(/resolution: .*left/);
  });

  it('lists the decline in the issue log with its count, and its detail with the payments and the article', async () => {
    const { page } = support;
    await page.getByRole('link', { name: 'Issue log' }).click();
    const row = page.getByRole('row').filter({ hasText: 'insufficient_funds' });
    await row.waitFor();
    await expect(row.getByTestId('issue-count').textContent()).resolves.toBe('1');
    await row.getByRole('link').click();
    await page.getByRole('region', { name: 'Article' }).waitFor();
    expect(await page.getByRole('region', { name: 'Affected payments' }).getByRole('link').count()).toBe(1);
    await page.getByRole('button', { name: 'Mark acknowledged' }).click();
    await page.getByTestId('issue-status').filter({ hasText: 'acknowledged' }).waitFor();
  });
});
