import { defineSandbox } from '@payrail/plugin-sdk';
import { SQUARE_SANDBOX_DEFAULTS, startSquareSandbox } from './server';

/** How the development tooling starts the Square sandbox; the `square` plugin's descriptor names the same port and credentials. */
export const SQUARE_SANDBOX = defineSandbox({
  code: 'square',
  defaultPort: SQUARE_SANDBOX_DEFAULTS.port,
  connectionValues: {
    accessToken: SQUARE_SANDBOX_DEFAULTS.accessToken,
    locationId: SQUARE_SANDBOX_DEFAULTS.locationId,
    applicationId: SQUARE_SANDBOX_DEFAULTS.applicationId,
  },
  // Written against the vendored 2025-08-20 release plus what the SDK's newer Square-Version adds.
  apiVersion: '2026-09-16',
  start: (options) => startSquareSandbox(options),
});
