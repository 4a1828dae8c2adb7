import { createHmac } from 'node:crypto';
import { newSigningSecret, signPayload, verifySignature } from './signature';

describe('Payrail-Signature', () => {
  it('is t=<unix>,v1=<hex HMAC-SHA256 of "t.body"> with the endpoint secret', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const header = signPayload(secret, '{"id":"evt_1"}', 1_800_000_000);
    const expected = createHmac('sha256', secret).update('1800000000.{"id":"evt_1"}').digest('hex');
    expect(header).toBe(`t=1800000000,v1=${expected}`);
  });

  it('verifies for a receiver, and refuses another body, another secret or a stale timestamp', () => {
    const secret = newSigningSecret();
    const header = signPayload(secret, 'body');
    expect(verifySignature(secret, 'body', header)).toBe(true);
    expect(verifySignature(secret, 'other', header)).toBe(false);
    expect(verifySignature(newSigningSecret(), 'body', header)).toBe(false);
    expect(verifySignature(secret, 'body', header, 300, Date.now() + 301_000)).toBe(false);
  });
});
