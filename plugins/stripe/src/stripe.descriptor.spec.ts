import { join } from 'node:path';
import { describeGatewayDescriptor } from '@payrail/plugin-sdk/testing';
import Stripe from 'stripe';
import { STRIPE_DESCRIPTOR } from './stripe.descriptor';

describeGatewayDescriptor(STRIPE_DESCRIPTOR, {
  pluginDir: join(__dirname, '..'),
  // Assembled at run time: no key-shaped literal in the source.
  secretSamples: [
    ['sk', 'test', 'PayrailDescriptor0000'].join('_'),
    ['whsec', 'PayrailDescriptor0000'].join('_'),
    ['pi', '3PayrailDescriptor', 'secret', 'PayrailDescriptor0000'].join('_'),
  ],
});

describe('Stripe descriptor and SDK', () => {
  it('names the API version the installed SDK sends', () => {
    expect(STRIPE_DESCRIPTOR.apiVersion.value).toBe(Stripe.API_VERSION);
  });
});
