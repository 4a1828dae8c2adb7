import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@payrail/identity';
import { CheckoutOriginsService, PaymentSessionsService } from '@payrail/payment-sessions';
import { checkoutScript } from './checkout-bundle';
import { checkoutPolicy, PAGE_POLICY, serializePolicy } from './security-headers';

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A script any page may load as a module (it carries nothing secret): CORS and cross-origin embedding allowed. */
function sendModule(res: Response, body: string): void {
  res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  res.setHeader('Cache-Control', 'public, max-age=300');
  res.send(body);
}

/** The hosted page's own script: the secret travels in the URL's fragment, which no server or log sees. */
const HOSTED_JS = `import '/checkout.js';
const root = document.getElementById('payrail-hosted');
const id = root.dataset.session;
const key = 'payrail:' + id;
const fromHash = decodeURIComponent(location.hash.slice(1));
if (fromHash) { sessionStorage.setItem(key, fromHash); history.replaceState(null, '', location.pathname); }
const secret = fromHash || sessionStorage.getItem(key) || '';
const checkout = document.createElement('payrail-checkout');
checkout.setAttribute('session', id);
checkout.setAttribute('client-secret', secret);
checkout.addEventListener('payrail:succeeded', () => {
  sessionStorage.removeItem(key);
  const back = root.dataset.returnUrl;
  if (!back) return;
  const target = new URL(back);
  target.searchParams.set('session_id', id);
  setTimeout(() => location.assign(target.toString()), 600);
});
root.appendChild(checkout);
`;

/** Where a 3-D Secure challenge or an approval sends the customer back: tells the checkout that opened it. */
const RETURN_JS = `const id = document.documentElement.dataset.session;
if (window.parent !== window) window.parent.postMessage({ type: 'payrail:return', session: id }, '*');
else location.replace('/pay/' + encodeURIComponent(id));
`;

/**
 * `/checkout.js` (the `<payrail-checkout>` module), the hosted payment page `/pay/{session_id}`
 * (the same component; back to the session's `return_url` with `session_id`), and the page
 * gateways return the customer to after 3-D Secure. None of them is shadowed by the console.
 */
@ApiExcludeController()
@Controller()
@Public()
export class CheckoutPagesController {
  constructor(
    private readonly sessions: PaymentSessionsService,
    private readonly origins: CheckoutOriginsService,
  ) {}

  @Get('checkout.js')
  async module(@Res() res: Response): Promise<void> {
    sendModule(res, await checkoutScript());
  }

  @Get('checkout/hosted.js')
  hostedScript(@Res() res: Response): void {
    sendModule(res, HOSTED_JS);
  }

  @Get('checkout/return.js')
  returnScript(@Res() res: Response): void {
    sendModule(res, RETURN_JS);
  }

  @Get('pay/:id')
  async hosted(@Param('id') id: string, @Res() res: Response): Promise<void> {
    const session = await this.sessions.findById(id);
    if (!session) {
      res
        .status(404)
        .type('html')
        .send('<!doctype html><title>Payment not found</title><p>This payment link is not valid.</p>');
      return;
    }
    const gateway = await this.sessions.sdkOrigins(session);
    const policy = checkoutPolicy({
      scripts: gateway.scripts,
      frames: [...gateway.frames, "'self'"],
      connect: gateway.connect,
    });
    res.setHeader('Content-Security-Policy', serializePolicy(policy));
    res.setHeader('Cache-Control', 'no-store');
    res
      .type('html')
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Payment</title></head><body><main><h1>Payment</h1><div id="payrail-hosted" data-session="${escapeHtml(session.id)}" data-return-url="${escapeHtml(session.returnUrl ?? '')}"></div></main><script type="module" src="/checkout/hosted.js"></script></body></html>`,
      );
  }

  @Get('pay/:id/return')
  async back(@Param('id') id: string, @Res() res: Response): Promise<void> {
    const session = await this.sessions.findById(id);
    const ancestors = session ? await this.origins.list(session.merchantId) : [];
    // Framed by the checkout's challenge dialog on the merchant's page (or the hosted page).
    res.removeHeader('X-Frame-Options');
    res.setHeader(
      'Content-Security-Policy',
      serializePolicy({ ...PAGE_POLICY, 'frame-ancestors': ["'self'", ...ancestors] }),
    );
    res.setHeader('Cache-Control', 'no-store');
    res
      .type('html')
      .send(
        `<!doctype html><html lang="en" data-session="${escapeHtml(session?.id ?? '')}"><head><meta charset="utf-8"><title>Returning to the payment</title></head><body><p>Returning to the payment…</p><script type="module" src="/checkout/return.js"></script></body></html>`,
      );
  }
}
