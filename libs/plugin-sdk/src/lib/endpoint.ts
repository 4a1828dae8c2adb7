import { GatewayError } from './errors';
import type { GatewayConnection } from './gateway';

export interface ResolvedEndpoint {
  protocol: 'http' | 'https';
  host: string;
  port: number;
  /** `protocol://host:port` without a trailing slash. */
  origin: string;
  /** Whether this is the gateway's own host rather than a sandbox. */
  official: boolean;
}

/**
 * Decides where a connection's calls go. A test connection may point anywhere (the local
 * sandboxes); a live connection goes to the gateway's own HTTPS host and nothing else.
 */
export function resolveEndpoint(
  connection: GatewayConnection,
  officialOrigins: { test: string; live: string },
): ResolvedEndpoint {
  const official = connection.mode === 'live' ? officialOrigins.live : officialOrigins.test;
  const target = connection.baseUrl?.trim() || official;
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new GatewayError('invalid_request', {
      detail: `connection base URL '${target}' is not a URL`,
      param: 'baseUrl',
    });
  }
  const origin = `${url.protocol}//${url.host}`;
  if (
    connection.mode === 'live' &&
    (url.protocol !== 'https:' || origin !== new URL(officialOrigins.live).origin)
  ) {
    throw new GatewayError('invalid_request', {
      detail: `a live connection only talks to ${officialOrigins.live}, not ${origin}`,
      param: 'baseUrl',
    });
  }
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return {
    protocol,
    host: url.hostname,
    port: url.port ? Number(url.port) : protocol === 'https' ? 443 : 80,
    origin,
    official: origin === new URL(official).origin,
  };
}
