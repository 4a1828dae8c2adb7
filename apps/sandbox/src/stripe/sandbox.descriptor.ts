import { defineSandbox } from '@payrail/plugin-sdk';
import { STRIPE_API_VERSION } from './state';
import { STRIPE_SANDBOX_DEFAULTS, startStripeSandbox } from './stripe-sandbox';

/** How the development tooling starts the Stripe sandbox; the `stripe` plugin's descriptor names the same port and credentials. */
export const STRIPE_SANDBOX = defineSandbox({
  code: 'stripe',
  defaultPort: STRIPE_SANDBOX_DEFAULTS.port,
  connectionValues: {
    secretKey: STRIPE_SANDBOX_DEFAULTS.secretKey,
    publishableKey: STRIPE_SANDBOX_DEFAULTS.publishableKey,
  },
  apiVersion: STRIPE_API_VERSION,
  start: (options) => startStripeSandbox(options),
});
