import { createHash } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Client, OAuthToken } from '@paypal/paypal-server-sdk';
import { paypalSdk } from './paypal.sdk';
import {
  LiveTlsAgent,
  resolveEndpoint,
  type GatewayConnection,
  type ResolvedEndpoint,
} from '@payrail/plugin-sdk';

export const PAYPAL_ORIGINS = { test: 'https://api-m.sandbox.paypal.com', live: 'https://api-m.paypal.com' };

/**
 * The SDK only knows PayPal's two hosts. A test connection with a `baseUrl` keeps the Sandbox
 * environment and hands the SDK an agent whose sockets go to that base URL instead (plain TCP
 * for http, TLS for https); a live connection never gets one.
 */
class RedirectingAgent extends HttpAgent {
  constructor(private readonly endpoint: ResolvedEndpoint) {
    super({ keepAlive: true });
    (this as unknown as { protocol: string }).protocol = 'https:';
  }

  override createConnection(): Socket {
    const { host, port, protocol } = this.endpoint;
    return protocol === 'https' ? tlsConnect({ host, port, servername: host }) : netConnect({ host, port });
  }
}

export interface PayPalCall {
  client: Client;
  endpoint: ResolvedEndpoint;
  /** Forgets the cached token, after PayPal refused it. */
  dropToken(): void;
}

/** Caches access tokens per app and endpoint, and one agent per redirected origin. */
export class PayPalClients {
  private readonly tokens = new Map<string, OAuthToken>();
  private readonly agents = new Map<string, RedirectingAgent>();
  /** Live calls: TLS 1.2 or newer, certificates verified. */
  private readonly liveAgent = new LiveTlsAgent();

  credentials(connection: GatewayConnection): { clientId: string; clientSecret: string } {
    return {
      clientId: connection.values['clientId'] ?? '',
      clientSecret: connection.values['clientSecret'] ?? '',
    };
  }

  /** A fresh SDK client (cheap) sharing the cached token, so one failed token fetch never sticks. */
  for(connection: GatewayConnection): PayPalCall {
    const endpoint = resolveEndpoint(connection, PAYPAL_ORIGINS);
    const { clientId, clientSecret } = this.credentials(connection);
    const key = `${connection.mode}|${endpoint.origin}|${clientId}|${createHash('sha256').update(clientSecret).digest('hex')}`;
    let agent: RedirectingAgent | undefined;
    if (!endpoint.official) {
      agent = this.agents.get(endpoint.origin);
      if (!agent) {
        agent = new RedirectingAgent(endpoint);
        this.agents.set(endpoint.origin, agent);
      }
    }
    const client = new (paypalSdk().Client)({
      environment:
        connection.mode === 'live' ? paypalSdk().Environment.Production : paypalSdk().Environment.Sandbox,
      timeout: connection.timeoutMs,
      clientCredentialsAuthCredentials: {
        oAuthClientId: clientId,
        oAuthClientSecret: clientSecret,
        oAuthToken: this.tokens.get(key),
        oAuthOnTokenUpdate: (token) => this.tokens.set(key, token),
        oAuthClockSkew: 60,
      },
      httpClientOptions: {
        timeout: connection.timeoutMs,
        ...(agent ? { httpsAgent: agent } : connection.mode === 'live' ? { httpsAgent: this.liveAgent } : {}),
        retryConfig: { maxNumberOfRetries: 0 },
      },
    });
    return { client, endpoint, dropToken: () => this.tokens.delete(key) };
  }

  /** Fetches (and caches) a token now: what `checkCredentials` and `healthCheck` measure. */
  async fetchToken(call: PayPalCall, connection: GatewayConnection): Promise<OAuthToken> {
    const token = await call.client.clientCredentialsAuthManager.fetchToken();
    const endpoint = call.endpoint;
    const { clientId, clientSecret } = this.credentials(connection);
    this.tokens.set(
      `${connection.mode}|${endpoint.origin}|${clientId}|${createHash('sha256').update(clientSecret).digest('hex')}`,
      token,
    );
    return token;
  }
}
