import type { GatewayConnection } from '@payrail/plugin-sdk';
import { SQUARE_SANDBOX_DEFAULTS, type SquareSandbox } from '@payrail/sandbox/square';

/** A test connection to a running Square sandbox with its default credentials, for the plugin's specs. */
export function squareSandboxConnection(sandbox: SquareSandbox, id: string): GatewayConnection {
  return {
    id,
    mode: 'test',
    values: {
      accessToken: SQUARE_SANDBOX_DEFAULTS.accessToken,
      locationId: SQUARE_SANDBOX_DEFAULTS.locationId,
    },
    baseUrl: sandbox.url,
    timeoutMs: 5000,
  };
}
