import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
import { makeTestCertificate, type TestCertificate } from '@payrail/testing';
import { ConfigError, loadConfig } from '../src/app/config';
import { describeDb, startTestApi, type TestApi } from './harness';

const masterKey = Buffer.alloc(32, 7).toString('base64');

/** GET over HTTPS trusting only the test certificate. */
function get(url: string, ca: string): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, servername: 'localhost' }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a TLS connection capped at the given version: resolves with the version agreed, or the error. */
function handshake(port: number, ca: string, maxVersion: 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'): Promise<string> {
  return new Promise((resolve) => {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port,
      // TLS 1.1 signs with legacy algorithms a verifying client refuses on its own: only the version is under test there.
      ...(maxVersion === 'TLSv1.1' ? { rejectUnauthorized: false } : { ca }),
      servername: 'localhost',
      maxVersion,
      minVersion: 'TLSv1',
      // SECLEVEL=0 lets this client offer TLS 1.1 at all, so a refusal is the server's.
      ciphers: 'DEFAULT@SECLEVEL=0',
    });
    socket.on('secureConnect', () => {
      resolve(socket.getProtocol() ?? 'unknown');
      socket.end();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(`refused: ${error.code ?? error.message}`));
  });
}

describe('HTTPS configuration', () => {
  let certificate: TestCertificate;
  beforeAll(() => {
    certificate = makeTestCertificate();
  });
  afterAll(() => certificate.remove());

  it('refuses to start in production on plain HTTP unless a trusted proxy terminates TLS', () => {
    const production = { NODE_ENV: 'production', PAYRAIL_MASTER_KEY: masterKey };
    expect(() => loadConfig(production)).toThrow(ConfigError);
    expect(() => loadConfig(production)).toThrow(/PAYRAIL_TLS_CERT .*PAYRAIL_TRUST_PROXY/);
    expect(loadConfig({ ...production, PAYRAIL_TRUST_PROXY: '10.0.0.5' }).tls).toBeUndefined();
    const tls = loadConfig({
      ...production,
      PAYRAIL_TLS_CERT: certificate.certFile,
      PAYRAIL_TLS_KEY: certificate.keyFile,
    }).tls;
    expect(tls?.cert).toContain('BEGIN CERTIFICATE');
  });

  it('refuses a certificate without its key, an unreadable file, and a key that does not match', () => {
    expect(() => loadConfig({ PAYRAIL_TLS_CERT: certificate.certFile })).toThrow(
      /PAYRAIL_TLS_KEY is missing/,
    );
    expect(() =>
      loadConfig({ PAYRAIL_TLS_CERT: '/nonexistent/cert.pem', PAYRAIL_TLS_KEY: certificate.keyFile }),
    ).toThrow(/PAYRAIL_TLS_CERT is '\/nonexistent\/cert.pem': expected a readable certificate/);
    const other = makeTestCertificate();
    try {
      expect(() =>
        loadConfig({ PAYRAIL_TLS_CERT: certificate.certFile, PAYRAIL_TLS_KEY: other.keyFile }),
      ).toThrow(/PAYRAIL_TLS_KEY .*private key of PAYRAIL_TLS_CERT/);
    } finally {
      other.remove();
    }
  });

  it('refuses to turn certificate checks off in production', () => {
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        PAYRAIL_MASTER_KEY: masterKey,
        PAYRAIL_TRUST_PROXY: '10.0.0.5',
        NODE_TLS_REJECT_UNAUTHORIZED: '0',
      }),
    ).toThrow(/NODE_TLS_REJECT_UNAUTHORIZED/);
  });
});

describeDb('the API over HTTPS', () => {
  let api: TestApi;
  let certificate: TestCertificate;
  let port: number;

  beforeAll(async () => {
    certificate = makeTestCertificate();
    api = await startTestApi({
      env: {
        PAYRAIL_TLS_CERT: certificate.certFile,
        PAYRAIL_TLS_KEY: certificate.keyFile,
        PAYRAIL_JOBS: 'off',
      },
    });
    port = Number(new URL(api.url).port);
  });
  afterAll(async () => {
    await api?.close();
    certificate?.remove();
  });

  it('serves HTTPS with HSTS', async () => {
    const response = await get(`https://localhost:${port}/health/live`, certificate.cert);
    expect(response.status).toBe(200);
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('accepts TLS 1.2 and refuses TLS 1.1', async () => {
    expect(await handshake(port, certificate.cert, 'TLSv1.2')).toBe('TLSv1.2');
    expect(await handshake(port, certificate.cert, 'TLSv1.1')).toBe(
      'refused: ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
    );
  });

  it('(control) the same client does speak TLS 1.1 to a server that allows it', async () => {
    const server = createTlsServer(
      {
        key: certificate.key,
        cert: certificate.cert,
        minVersion: 'TLSv1',
        ciphers: 'DEFAULT@SECLEVEL=0',
      },
      (socket) => socket.end(),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      expect(await handshake((server.address() as AddressInfo).port, certificate.cert, 'TLSv1.1')).toBe(
        'TLSv1.1',
      );
    } finally {
      server.close();
    }
  });
});
