import type * as PayPalSdk from '@paypal/paypal-server-sdk';

let sdk: typeof PayPalSdk | undefined;

/**
 * PayPal's SDK, loaded on its first use rather than when the API starts (about 8 MB of heap
 * that an instance without a PayPal connection never needs). Types come from `import type`,
 * which loads nothing.
 */
export function paypalSdk(): typeof PayPalSdk {
  sdk ??= require('@paypal/paypal-server-sdk') as typeof PayPalSdk;
  return sdk;
}
