import { createServer, type AddressInfo } from 'node:net';
import { PAYPAL_DESCRIPTOR } from '@payrail/plugin-paypal';
import { SQUARE_DESCRIPTOR } from '@payrail/plugin-square';
import { STRIPE_DESCRIPTOR } from '@payrail/plugin-stripe';
import { startPayPalSandbox, type PayPalSandbox } from '@payrail/sandbox/paypal';
import { startSquareSandbox, type SquareSandbox } from '@payrail/sandbox/square';
import { startStripeSandbox, type StripeSandbox } from '@payrail/sandbox/stripe';
import { startTestApi, type TestApi } from './harness';

export interface SandboxedApi {
  api: TestApi;
  stripe: StripeSandbox;
  paypal: PayPalSandbox;
  square: SquareSandbox;
  close(): Promise<void>;
}

/**
 * Runs `start` with a port nothing listens on, and again with another when that port was taken
 * between being found free and being listened on (another process may take it meanwhile).
 */
async function onAFreePort<T>(start: (port: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === 5) throw error;
    }
  }
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the Stripe, PayPal and Square sandboxes on free ports and the API with
 * PAYRAIL_SANDBOX=on, so the default merchant gets a test connection to each, with its
 * webhooks registered at the API's own URL. Call it inside `describeDb`.
 */
export async function startSandboxedApi(env: Record<string, string> = {}): Promise<SandboxedApi> {
  const [stripe, paypal, square] = await Promise.all([
    startStripeSandbox({ port: 0 }),
    startPayPalSandbox({ port: 0 }),
    startSquareSandbox({ port: 0 }),
  ]);
  const closeSandboxes = () =>
    Promise.all([stripe.close(), paypal.close(), square.close()]).then(() => undefined);
  const portOf = (url: string) => String(new URL(url).port);
  try {
    const api = await onAFreePort((port) =>
      startTestApi({
        plugins: [STRIPE_DESCRIPTOR.module(), PAYPAL_DESCRIPTOR.module(), SQUARE_DESCRIPTOR.module()],
        env: {
          PAYRAIL_SANDBOX: 'on',
          PORT: String(port),
          PAYRAIL_PUBLIC_URL: `http://127.0.0.1:${port}`,
          PAYRAIL_SANDBOX_HOST: '127.0.0.1',
          PAYRAIL_SANDBOX_STRIPE_PORT: portOf(stripe.url),
          PAYRAIL_SANDBOX_PAYPAL_PORT: portOf(paypal.url),
          PAYRAIL_SANDBOX_SQUARE_PORT: portOf(square.url),
          ...env,
        },
      }),
    );
    return {
      api,
      stripe,
      paypal,
      square,
      close: async () => {
        await api.close();
        await closeSandboxes();
      },
    };
  } catch (error) {
    await closeSandboxes();
    throw error;
  }
}
