import { defineGateway } from '@payrail/plugin-sdk';
import { StripePlugin } from './stripe.plugin';
import { STRIPE_SIGNATURE_HEADER } from './stripe.webhooks';

/** The Stripe plugin as the core and the tooling see it. */
export const STRIPE_DESCRIPTOR = defineGateway({
  code: 'stripe',
  displayName: 'Stripe',
  version: '1.0.0',
  // Written out so that describing the plugin does not load the SDK (it loads on first use); the
  // descriptor spec checks both against the installed package.
  sdk: { package: 'stripe', version: '23.1.0' },
  // The SDK pins the API version it sends; Payrail never overrides it.
  apiVersion: { value: '2026-10-28.endive', header: 'Stripe-Version' },
  plugin: () => StripePlugin.forRoot(),
  secretPatterns: [
    /\b(sk|rk)_(test|live)_[A-Za-z0-9]{8,}\b/g, // secret and restricted keys
    /\bwhsec_[A-Za-z0-9+/=]{8,}\b/g, // webhook signing secrets
    /\b(pi|seti)_[A-Za-z0-9]+_secret_[A-Za-z0-9]+\b/g, // PaymentIntent and SetupIntent client secrets
  ],
  webhookSignatureHeaders: [STRIPE_SIGNATURE_HEADER],
  sandbox: {
    defaultPort: 12111,
    connectionValues: {
      secretKey: 'sk_test_PayrailSandbox000000000000000000000000',
      publishableKey: 'pk_test_PayrailSandbox000000000000000000000000',
    },
    // Stripe's documented test numbers, which the sandbox honours.
    testCards: [
      { number: '4242424242424242', label: 'Visa 4242', outcome: 'succeeds' },
      { number: '5555555555554444', label: 'Mastercard 4444', outcome: 'succeeds' },
      { number: '4000000000000002', label: 'Visa 0002', outcome: 'declines (card_declined)' },
      { number: '4000000000009995', label: 'Visa 9995', outcome: 'declines (insufficient_funds)' },
      { number: '4000000000000069', label: 'Visa 0069', outcome: 'declines (expired_card)' },
    ],
  },
});
