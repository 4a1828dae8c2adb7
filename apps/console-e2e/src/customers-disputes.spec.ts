import type { BrowserContext, Page } from 'playwright-core';
import { signIn, startConsole, type ConsoleUnderTest } from './support/console-harness';

let env: ConsoleUnderTest;
let finance: { page: Page; context: BrowserContext; errors: string[] };
const seeded = { customer: '', payment: '', disputed: '' };

const merchantApi = (method: string, path: string, body?: unknown) =>
  env.stack.api.request(method, path, body);

/** Polls until the sandbox's `charge.dispute.created` webhook has reached Payrail. */
async function waitForDispute(paymentId: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if ((await merchantApi('GET', `/v1/payments/${paymentId}`)).body.dispute) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`payment ${paymentId} was never disputed`);
}

beforeAll(async () => {
  env = await startConsole();
  const customer = await merchantApi('POST', '/v1/customers', {
    email: 'katherine@example.com',
    name: 'Katherine Johnson',
  });
  const saved = await merchantApi('POST', `/v1/customers/${customer.body.id}/payment_methods`, {
    gateway: 'stripe',
    payment_method: { token: 'tok_visa' },
  });
  const paid = await merchantApi('POST', '/v1/payments', {
    amount: 1999,
    currency: 'usd',
    customer_id: customer.body.id,
    payment_method_id: saved.body.id,
  });
  const disputed = await merchantApi('POST', '/v1/payments', {
    amount: 5400,
    currency: 'usd',
    gateway: 'stripe',
    payment_method: { token: 'pm_card_createDispute' },
  });
  Object.assign(seeded, { customer: customer.body.id, payment: paid.body.id, disputed: disputed.body.id });
  await waitForDispute(disputed.body.id);
  const user = await env.createUser('finance-disputes@example.com', 'finance');
  finance = await env.newPage();
  await signIn(finance.page, user.email, user.password);
  await finance.page.waitForURL('**/dashboard');
}, 120_000);

afterAll(async () => {
  await env?.close();
});

afterEach(() => {
  expect(finance.errors).toEqual([]);
});

describe('customers and disputes in Chromium', () => {
  it("finds a customer and shows its saved card and payment, linking to the payment's page", async () => {
    const { page } = finance;
    await page.getByRole('link', { name: 'Customers', exact: true }).click();
    await page.getByLabel('Search id, email or name').fill('katherine');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByTestId('customer-row').filter({ hasText: 'Katherine Johnson' }).waitFor();
    expect(await page.getByTestId('customer-row').count()).toBe(1);
    await page.getByRole('link', { name: seeded.customer }).click();
    const card = page.getByTestId('saved-method-row');
    await card.waitFor();
    const text = (await card.textContent()) ?? '';
    expect(text).toMatch(/visa\s+•••• 4242/);
    expect(text).toMatch(/\d{2}\/\d{4}/);
    expect(text).toContain('stripe');
    expect(text).toContain('conn_');
    const payment = page.getByTestId('customer-payment-row');
    await expect(payment.textContent()).resolves.toMatch(/captured[\s\S]*\$19\.99/);
    await payment.getByRole('link', { name: seeded.payment }).click();
    await page.waitForURL(`**/payments/${seeded.payment}`);
    await expect(page.getByTestId('amount').textContent()).resolves.toContain('$19.99');
  });

  it('lists the dispute with its evidence deadline and time left, linking to the payment', async () => {
    const { page } = finance;
    await page.getByRole('link', { name: 'Disputes', exact: true }).click();
    const row = page.getByTestId('dispute-row').filter({ hasText: seeded.disputed });
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toMatch(/needs response/);
    expect(text).toContain('$54.00');
    expect(text).toContain('fraudulent');
    await expect(row.getByTestId('time-left').textContent()).resolves.toMatch(/\d+ days left/);
    await row.getByRole('link', { name: seeded.disputed }).click();
    await page.waitForURL(`**/payments/${seeded.disputed}`);
  });

  it('finance uploads evidence on the dispute page, is told what is wrong with a file, and submits', async () => {
    const { page } = finance;
    await page.getByRole('link', { name: 'Disputes', exact: true }).click();
    const row = page.getByTestId('dispute-row').filter({ hasText: seeded.disputed });
    await row.waitFor();
    const disputeId = (await row.getByRole('link').first().textContent())?.trim() ?? '';
    await row.getByRole('link', { name: disputeId }).click();
    await page.waitForURL(`**/disputes/${disputeId}`);
    await page.getByRole('heading', { name: /Dispute/ }).waitFor();
    expect(await page.getByTestId('dispute-status').textContent()).toMatch(/needs response/);
    const picker = page.getByLabel('Evidence file', { exact: true });

    // A text file is refused before it is sent.
    await picker.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await expect(page.getByTestId('file-problem').textContent()).resolves.toContain('not a PDF, JPEG or PNG');

    // A "PDF" whose content is not one: the API says so, in words.
    await picker.setInputFiles({
      name: 'fake.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('hello'),
    });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await expect(page.getByTestId('problem').textContent()).resolves.toMatch(/not a PDF, JPEG or PNG/);
    expect(finance.errors.splice(0)).toEqual([expect.stringContaining('status of 415')]);

    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    await picker.setInputFiles({ name: 'signed-delivery.pdf', mimeType: 'application/pdf', buffer: pdf });
    await page.getByLabel('Category').click();
    await page.getByRole('option', { name: 'Shipping or delivery' }).click();
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const file = page.getByTestId('evidence-file-row').filter({ hasText: 'signed-delivery.pdf' });
    await file.waitFor();
    const fileText = (await file.textContent()) ?? '';
    expect(fileText).toContain('shipping');
    expect(fileText).toMatch(/file_\w+/);

    await page.getByLabel('What answers the dispute').fill('Signed delivery note attached.');
    await page.getByRole('button', { name: 'Submit evidence', exact: true }).click();
    // The page shows the new status once the gateway has answered; read it only then.
    await page
      .getByTestId('dispute-status')
      .filter({ hasText: /under review/ })
      .waitFor();
    await expect(page.getByTestId('dispute-status').textContent()).resolves.toMatch(/under review/);
    await expect(page.getByRole('button', { name: 'Upload', exact: true }).count()).resolves.toBe(0);
  });
});
