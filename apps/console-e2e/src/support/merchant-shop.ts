import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

export interface MerchantShop {
  /** The shop's origin: another origin than the API's, as a merchant's site is. */
  url: string;
  /** Every request body the shop's server received (it must never hold a card number). */
  received: string[];
  close(): Promise<void>;
}

/**
 * A merchant's site as the README tells one to build it: its server creates a payment session
 * with its secret key (`POST /v1/payment_sessions`) and its page holds the six lines of HTML.
 * `GET /live?gateway=…` is a page under the README's merchant CSP for a live session;
 * `GET /pay?gateway=stripe&…` renders the checkout page (`&element=payment`: Stripe's Payment Element); `GET /done` is the hosted page's return_url.
 */
export async function startMerchantShop(api: { url: string; key: string }): Promise<MerchantShop> {
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      received.push(`${req.method} ${req.url} ${Buffer.concat(chunks).toString('utf8')}`);
      const url = new URL(req.url ?? '/', 'http://shop');
      if (url.pathname === '/done') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(
          `<!doctype html><title>Thank you</title><h1>Order paid</h1><p id="session">${url.searchParams.get('session_id')}</p>`,
        );
        return;
      }
      if (url.pathname === '/live') {
        // A page under the README's CSP for a live session the test answers for (no network).
        const id = `ps_live_${url.searchParams.get('gateway') ?? 'stripe'}`;
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': readmeCsp(api.url),
        });
        res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Live shop</title>
<script type="module" src="${api.url}/checkout.js"></script></head><body><h1>Your order</h1>
<payrail-checkout session="${id}" client-secret="${id}_secret_0000"></payrail-checkout></body></html>`);
        return;
      }
      if (url.pathname !== '/pay') {
        res.writeHead(404).end();
        return;
      }
      // `session` and `secret` render one made earlier (an expired one, a wrong secret).
      const given = url.searchParams.get('session');
      const session = given
        ? { id: given, client_secret: '', url: '' }
        : await createSession(api, url, `http://${req.headers.host}`);
      const secret = url.searchParams.get('secret') ?? session.client_secret;
      // `element=payment`: Stripe's Payment Element with confirmPayment instead of the Card Element.
      const stripeElement = url.searchParams.get('element') === 'payment' ? ' stripe-element="payment"' : '';
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'x-session': session.id,
        'x-hosted-url': session.url,
      });
      // The six lines a merchant's page needs.
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop checkout</title>
<script type="module" src="${api.url}/checkout.js"></script></head><body><h1>Your order</h1>
<payrail-checkout session="${session.id}" client-secret="${secret}"${stripeElement}></payrail-checkout>
<p id="outcome"></p>
<script>document.querySelector('payrail-checkout').addEventListener('payrail:succeeded', (e) => { document.getElementById('outcome').textContent = 'paid ' + e.detail.payment.id; });</script>
</body></html>`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // "localhost" is another origin than the API's 127.0.0.1, as a real shop's is.
  return {
    url: `http://localhost:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function createSession(
  api: { url: string; key: string },
  url: URL,
  shop: string,
): Promise<{ id: string; client_secret: string; url: string }> {
  const res = await fetch(`${api.url}/v1/payment_sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      amount: Number(url.searchParams.get('amount') ?? 2599),
      currency: url.searchParams.get('currency') ?? 'usd',
      gateway: url.searchParams.get('gateway') ?? 'stripe',
      capture_method: url.searchParams.get('capture') ?? 'automatic',
      return_url: `${shop}/done`,
      ...(url.searchParams.get('expires_in')
        ? { expires_in: Number(url.searchParams.get('expires_in')) }
        : {}),
    }),
  });
  if (res.status !== 201) throw new Error(`session not created: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; client_secret: string; url: string };
}

/** The merchant page's Content-Security-Policy exactly as the README gives it, for this API's origin. */
export function readmeCsp(apiOrigin: string): string {
  const readme = readFileSync(join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf("**The merchant page's Content-Security-Policy**"));
  const block = /```\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  if (!block.includes('script-src')) throw new Error("the README's merchant CSP was not found");
  return block
    .replace(/https:\/\/payrail\.example/g, apiOrigin)
    .replace(/\n/g, ' ')
    .trim();
}
