import { defineGateway } from '@payrail/plugin-sdk';
import { PayPalPlugin } from './paypal.plugin';
import { PAYPAL_SIGNATURE_HEADERS } from './paypal.webhooks';

/** The PayPal plugin as the core and the tooling see it. */
export const PAYPAL_DESCRIPTOR = defineGateway({
  code: 'paypal',
  displayName: 'PayPal',
  version: '1.0.0',
  // The SDK does not export its version; the descriptor spec checks this against the installed package.
  sdk: { package: '@paypal/paypal-server-sdk', version: '2.5.0' },
  // PayPal versions its REST API by path (`/v2/checkout/orders`), not by header.
  apiVersion: { value: 'v2' },
  plugin: () => PayPalPlugin.forRoot(),
  secretPatterns: [/\bA21AA[A-Za-z0-9_-]{8,}\b/g], // access tokens
  webhookSignatureHeaders: PAYPAL_SIGNATURE_HEADERS,
  sandbox: {
    defaultPort: 12112,
    connectionValues: {
      clientId: 'payrail-sandbox-test-client-id',
      clientSecret: 'payrail-sandbox-test-client-secret',
    },
    // The sandbox approves any valid card; declines are provoked by card-holder name, which the terminal does not send.
    testCards: [
      { number: '4242424242424242', label: 'Visa 4242', outcome: 'succeeds' },
      { number: '5555555555554444', label: 'Mastercard 4444', outcome: 'succeeds' },
    ],
  },
});
