import { Agent } from 'node:https';
import type { LookupFunction } from 'node:net';

/** The oldest TLS version a live gateway connection accepts (PCI DSS 4.2.1). */
export const LIVE_TLS_MIN_VERSION = 'TLSv1.2';

export interface LiveTlsAgentOptions {
  /** Where host names resolve; the system resolver when absent. The certificate is checked against the name either way. */
  lookup?: LookupFunction;
}

/**
 * The HTTPS agent of every live gateway connection: TLS 1.2 or newer and the certificate
 * verified against the system's authorities, whatever the process environment says
 * (NODE_TLS_REJECT_UNAUTHORIZED, --tls-min-v1.0). No option loosens either.
 */
export class LiveTlsAgent extends Agent {
  constructor(options: LiveTlsAgentOptions = {}) {
    super({
      keepAlive: true,
      ...(options.lookup ? { lookup: options.lookup } : {}),
      minVersion: LIVE_TLS_MIN_VERSION,
      rejectUnauthorized: true,
    });
  }
}
