import type { PayrailConfig } from './config';

/**
 * The test credentials the local sandboxes accept out of the box, and where they listen: the
 * default merchant's test connections use them when the sandboxes are on. Nothing here is a
 * real credential.
 */
export function sandboxConnections(
  config: PayrailConfig,
): Record<string, { baseUrl: string; values: Record<string, string> }> {
  const url = (port: number) => `http://${config.sandboxHost}:${port}`;
  return {
    stripe: {
      baseUrl: url(config.sandboxPorts.stripe),
      values: {
        secretKey: 'sk_test_PayrailSandbox000000000000000000000000',
        publishableKey: 'pk_test_PayrailSandbox000000000000000000000000',
      },
    },
    paypal: {
      baseUrl: url(config.sandboxPorts.paypal),
      values: {
        clientId: 'payrail-sandbox-test-client-id',
        clientSecret: 'payrail-sandbox-test-client-secret',
      },
    },
    square: {
      baseUrl: url(config.sandboxPorts.square),
      values: { accessToken: 'EAAAtest-payrail-sandbox-access-token', locationId: 'LPAYRAILSANDBOX1' },
    },
  };
}
