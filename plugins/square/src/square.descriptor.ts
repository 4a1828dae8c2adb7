import { defineGateway } from '@payrail/plugin-sdk';
import { SquarePlugin } from './square.plugin';
import { SQUARE_SIGNATURE_HEADER } from './square.webhooks';

/** The Square plugin as the core and the tooling see it. */
export const SQUARE_DESCRIPTOR = defineGateway({
  code: 'square',
  displayName: 'Square',
  version: '1.0.0',
  // The SDK exports neither; the descriptor spec checks both against the installed package.
  sdk: { package: 'square', version: '46.0.0' },
  apiVersion: { value: '2026-09-16', header: 'Square-Version' },
  plugin: () => SquarePlugin.forRoot(),
  secretPatterns: [/\bEAAA[A-Za-z0-9_-]{8,}\b/g], // access tokens
  webhookSignatureHeaders: [SQUARE_SIGNATURE_HEADER],
  sandbox: {
    defaultPort: 12113,
    connectionValues: {
      accessToken: 'EAAAtest-payrail-sandbox-access-token',
      locationId: 'LPAYRAILSANDBOX1',
      applicationId: 'sandbox-sq0idb-PayrailSandbox',
    },
    // Square takes no raw card number from a server (cards become nonces in the buyer's browser): nothing to offer.
    testCards: [],
  },
});
