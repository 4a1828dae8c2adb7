import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ConsoleUsersService, totpCode, type Role } from '@payrail/identity';
// The API's own end-to-end harness: sandboxes on free ports, the API on SQLite with their connections.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startSandboxedApi, type SandboxedApi } from '../../../api/e2e/sandboxes';

const root = join(__dirname, '..', '..', '..', '..');
export const CONSOLE_BUILD = join(root, 'dist', 'apps', 'console', 'browser');
export const CHROMIUM = process.env['PAYRAIL_CHROMIUM'] ?? '/usr/bin/chromium';
export const OWNER = { email: 'owner@example.com', password: 'correct-horse-battery-staple' };

export interface ConsoleUnderTest {
  stack: SandboxedApi;
  url: string;
  browser: Browser;
  /** A fresh browser profile (its own cookies) with error collection on its pages. */
  newPage(): Promise<{ page: Page; context: BrowserContext; errors: string[] }>;
  /** A console user with a password, created straight through the identity service. */
  createUser(
    email: string,
    role: Role,
    password?: string,
  ): Promise<{ email: string; password: string; id: string }>;
  close(): Promise<void>;
}

/** Starts the API (serving the built console) with the sandboxes, and Chromium; `env` adds settings. */
export async function startConsole(env: Record<string, string> = {}): Promise<ConsoleUnderTest> {
  if (!existsSync(join(CONSOLE_BUILD, 'index.html'))) {
    throw new Error(`no console build at ${CONSOLE_BUILD}: run \`npx nx build console\` first`);
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (scripts/ci-prepare.sh does)`,
    );
  }
  const stack = await startSandboxedApi({
    PAYRAIL_CONSOLE_DIR: CONSOLE_BUILD,
    LOG_LEVEL: 'warn',
    // Webhook endpoints in the tests listen on 127.0.0.1 over plain HTTP; a failed try waits a minute.
    PAYRAIL_WEBHOOK_ALLOW_HTTP_LOOPBACK: 'on',
    PAYRAIL_WEBHOOK_RETRY_SCHEDULE_MS: '60000',
    ...env,
  });
  if (!stack) throw new Error('the test database is not available');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--headless=new',
    ],
  });
  const url = stack.api.url;
  return {
    stack,
    url,
    browser,
    async newPage() {
      const context = await browser.newContext({ baseURL: url, viewport: { width: 1366, height: 800 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      return { page, context, errors };
    },
    async createUser(email, role, password = 'Quiet-Harbor-Lantern-2026') {
      const users = stack.api.app.get(ConsoleUsersService);
      const { user } = await users.create(
        { email, password, roles: [{ role, merchantId: null }] },
        'usr_console_e2e',
        { ip: '127.0.0.1', userAgent: 'console-e2e', requestId: null },
      );
      return { email, password, id: user.id };
    },
    async close() {
      await browser.close();
      await stack.close();
    },
  };
}

/** The current code of a TOTP secret, as an authenticator app would show it. */
export function currentCode(secret: string, offsetSeconds = 0): Promise<string> {
  return totpCode(secret, new Date(Date.now() + offsetSeconds * 1000));
}

/** Opens a Material select by its label and picks the option whose text matches. */
export async function pick(page: Page, label: string, option: string | RegExp): Promise<void> {
  const name = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\*)?$`);
  await page.getByRole('combobox', { name }).click();
  await page.getByRole('option', { name: option }).click();
  // The panel closes with an animation; the next select opens only after it is gone.
  await page.getByRole('listbox').waitFor({ state: 'detached' });
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** With PAYRAIL_SCREENSHOTS=<folder> (scripts/screenshots.mjs), saves the page as <folder>/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const folder = process.env['PAYRAIL_SCREENSHOTS'];
  if (!folder) return;
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(root, folder, `${name}.png`) });
}
