import { defineSandbox } from '@payrail/plugin-sdk';
import { PAYPAL_SANDBOX_DEFAULTS, startPayPalSandbox } from './paypal-sandbox';

/** How the development tooling starts the PayPal sandbox; the `paypal` plugin's descriptor names the same port and credentials. */
export const PAYPAL_SANDBOX = defineSandbox({
  code: 'paypal',
  defaultPort: PAYPAL_SANDBOX_DEFAULTS.port,
  connectionValues: {
    clientId: PAYPAL_SANDBOX_DEFAULTS.clientId,
    clientSecret: PAYPAL_SANDBOX_DEFAULTS.clientSecret,
  },
  // PayPal versions by path: the sandbox serves Orders v2 and Payments v2.
  apiVersion: 'v2',
  start: (options) => startPayPalSandbox(options),
});
