/**
 * Where each gateway's browser SDK comes from. A test connection that points at a local sandbox
 * (it has a base URL) loads the sandbox's stand-in from that sandbox; any other loads the
 * gateway's own script from its own host. None of the three gateways publishes Subresource
 * Integrity hashes for these scripts (they change them in place), so `integrity` stays unset
 * until one does; the CSP below is what limits them.
 */
export interface BrowserSdk {
  /** The payment methods the session offers with this gateway's fields. */
  methods: readonly string[];
  /** The script URL for a live (or gateway-hosted test) connection. */
  liveScript: (mode: 'test' | 'live') => string;
  /** The stand-in's path on the gateway's sandbox. */
  sandboxPath: string;
  /** Origins the page must allow for the gateway's scripts, frames and calls (CSP), live. */
  liveOrigins: { scripts: readonly string[]; frames: readonly string[]; connect: readonly string[] };
  integrity?: string;
}

export const BROWSER_SDKS: Readonly<Record<string, BrowserSdk>> = {
  stripe: {
    methods: ['card'],
    liveScript: () => 'https://js.stripe.com/v3/',
    sandboxPath: '/js/v3/',
    liveOrigins: {
      scripts: ['https://js.stripe.com'],
      frames: ['https://js.stripe.com', 'https://hooks.stripe.com'],
      connect: ['https://api.stripe.com'],
    },
  },
  square: {
    methods: ['card'],
    liveScript: (mode) =>
      mode === 'live'
        ? 'https://web.squarecdn.com/v1/square.js'
        : 'https://sandbox.web.squarecdn.com/v1/square.js',
    sandboxPath: '/v1/square.js',
    liveOrigins: {
      scripts: ['https://web.squarecdn.com', 'https://sandbox.web.squarecdn.com'],
      frames: ['https://web.squarecdn.com', 'https://sandbox.web.squarecdn.com'],
      connect: [
        'https://pci-connect.squareup.com',
        'https://pci-connect.squareupsandbox.com',
        'https://o160250.ingest.sentry.io',
      ],
    },
  },
  paypal: {
    methods: ['paypal', 'card'],
    liveScript: () => 'https://www.paypal.com/sdk/js',
    sandboxPath: '/sdk/js',
    liveOrigins: {
      scripts: ['https://www.paypal.com', 'https://www.paypalobjects.com'],
      frames: ['https://www.paypal.com', 'https://www.sandbox.paypal.com'],
      connect: ['https://www.paypal.com', 'https://www.sandbox.paypal.com'],
    },
  },
};

/** The script a session's page loads, and the origins its CSP must allow for it. */
export function sdkFor(
  gateway: string,
  connection: { mode: 'test' | 'live'; baseUrl?: string | null },
): { script: string; integrity?: string; origins: BrowserSdk['liveOrigins'] } | null {
  const sdk = BROWSER_SDKS[gateway];
  if (!sdk) return null;
  if (connection.mode === 'test' && connection.baseUrl) {
    const base = connection.baseUrl.replace(/\/$/, '');
    const origin = new URL(base).origin;
    return {
      script: `${base}${sdk.sandboxPath}`,
      origins: { scripts: [origin], frames: [origin], connect: [origin] },
    };
  }
  return { script: sdk.liveScript(connection.mode), integrity: sdk.integrity, origins: sdk.liveOrigins };
}
