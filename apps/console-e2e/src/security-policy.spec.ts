import type { Page } from 'playwright-core';
import { startConsole, type ConsoleUnderTest } from './support/console-harness';

let env: ConsoleUnderTest;

beforeAll(async () => {
  env = await startConsole();
}, 120_000);

afterAll(async () => {
  await env?.close();
});

/** Every Content-Security-Policy violation the page reports. */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { reportViolation(t: string): void }).reportViolation(
        `${e.violatedDirective} ${e.blockedURI}`,
      ),
    ),
  );
  return violations;
}

describe('the console under its Content-Security-Policy', () => {
  it('loads, styles and runs the console with no violation, and an injected inline script does not run', async () => {
    const { page, errors } = await env.newPage();
    const violations = await watchViolations(page);
    const response = await page.goto('/');
    expect(response!.headers()['content-security-policy']).toMatch(/script-src 'self';/);
    await page.waitForURL('**/login');
    await page.getByRole('button', { name: /sign in/i }).waitFor();
    // The global stylesheet applied (it was once loaded through an inline onload handler).
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe('light');
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.head.appendChild(script);
      return (window as unknown as { inlineRan?: boolean }).inlineRan === true;
    });
    expect(ran).toBe(false);
    // The browser reports the refusal a moment later; a loaded machine can make that moment long.
    for (const deadline = Date.now() + 10_000; violations.length === 0 && Date.now() < deadline;)
      await page.waitForTimeout(50);
    expect(violations.join()).toMatch(/script-src/);
  });

  it('refuses to be framed by another page', async () => {
    const { page } = await env.newPage();
    await page.goto('/docs');
    // Listening from here, so the time the docs page took to load does not count against the wait.
    const refused = page
      .waitForEvent('console', { predicate: (m) => /frame-ancestors/.test(m.text()), timeout: 15_000 })
      .then(
        () => true,
        () => false,
      );
    await page.setContent(`<iframe src="${env.url}/login"></iframe>`);
    expect(await refused).toBe(true);
  });

  it('serves the API docs under the same policy, with no violation', async () => {
    const { page, errors } = await env.newPage();
    const violations = await watchViolations(page);
    await page.goto('/docs');
    await page.getByText('Payrail API').first().waitFor();
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  });
});
