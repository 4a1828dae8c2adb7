import type Stripe from 'stripe';

let sdk: typeof Stripe | undefined;

/**
 * Stripe's SDK, loaded on its first use rather than when the API starts: an instance without a
 * Stripe connection never needs it. Types come from `import type`, which loads nothing. The
 * package exports its class as the module itself, not as `default`.
 */
export function stripeSdk(): typeof Stripe {
  sdk ??= require('stripe') as typeof Stripe;
  return sdk;
}
