import type { BrowserContext, Page } from 'playwright-core';
import { currentCode, OWNER, signIn, startConsole, type ConsoleUnderTest } from './support/console-harness';

let env: ConsoleUnderTest;
/** The owner's browser, kept signed in across the flow below. */
let owner: { page: Page; context: BrowserContext; errors: string[] };

beforeAll(async () => {
  env = await startConsole();
  owner = await env.newPage();
}, 120_000);

afterAll(async () => {
  await env?.close();
});

afterEach(() => {
  // No console errors, ever, in the owner's session.
  expect(owner.errors).toEqual([]);
});

describe('the console in Chromium', () => {
  it('signs the first owner in: MFA enrolment with a QR code, then the recovery codes', async () => {
    const { page } = owner;
    await page.goto('/');
    await page.waitForURL('**/login');
    await signIn(page, OWNER.email, OWNER.password);
    await page.waitForURL('**/login/mfa/enrol');
    await expect(
      page.getByRole('img', { name: 'QR code for your authenticator app' }).getAttribute('src'),
    ).resolves.toMatch(/^data:image\/png;base64,/);
    const secret = (await page.getByTestId('mfa-secret').textContent())!.trim();
    await page.getByLabel('Code from the app').fill(await currentCode(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codes = await page.getByTestId('recovery-codes').locator('li').allTextContents();
    expect(codes.length).toBeGreaterThanOrEqual(8);
    await page.getByRole('button', { name: /continue/ }).click();
    await page.waitForURL('**/dashboard');
    await expect(page.getByTestId('who').textContent()).resolves.toContain('owner@example.com');
    const nav = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    expect(nav.map((n) => n.trim())).toEqual([
      'Dashboard',
      'Payments',
      'Virtual terminal',
      'Gateways',
      'Users and roles',
      'API keys',
      'Audit log',
    ]);
  });
});
