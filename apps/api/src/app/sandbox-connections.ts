import type { PayrailConfig } from './config';
import { INSTALLED } from './plugins';

/**
 * The test credentials the local sandboxes accept out of the box, and where they listen, from
 * each installed plugin's descriptor: the default merchant's test connections use them when the
 * sandboxes are on. Nothing here is a real credential.
 */
export function sandboxConnections(
  config: PayrailConfig,
): Record<string, { baseUrl: string; values: Record<string, string> }> {
  return Object.fromEntries(
    INSTALLED.map((d) => [
      d.code,
      {
        baseUrl: `http://${config.sandboxHost}:${config.sandboxPorts[d.code] ?? d.sandbox.defaultPort}`,
        values: { ...d.sandbox.connectionValues },
      },
    ]),
  );
}
