import { createHash } from 'node:crypto';
import { canonicalJson, computeAuditHash, GENESIS_HASH } from './audit-hash';

describe('canonicalJson', () => {
  it('sorts keys at every level, keeps array order, and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined, x: null }], c: 'é' } })).toBe(
      '{"a":{"c":"é","d":[3,{"x":null,"z":1}]},"b":1}',
    );
  });

  it('writes dates as ISO strings and bigints as strings', () => {
    expect(canonicalJson({ at: new Date('2026-01-02T03:04:05.678Z'), amount: 10n })).toBe(
      '{"amount":"10","at":"2026-01-02T03:04:05.678Z"}',
    );
  });
});

describe('computeAuditHash', () => {
  const entry = {
    id: 'aud_1',
    sequence: 1,
    occurredAt: new Date('2026-01-02T03:04:05.678Z'),
    actorType: 'user' as const,
    actorId: 'usr_1',
    action: 'auth.login',
    outcome: 'success' as const,
    originIp: null,
    userAgent: null,
    requestId: null,
    merchantId: null,
    resourceType: null,
    resourceId: null,
    reason: null,
    change: { after: { b: 2, a: 1 } },
  };

  it('is the SHA-256 of the previous hash followed by the canonical content', () => {
    const content =
      '{"action":"auth.login","actorId":"usr_1","actorType":"user","change":{"after":{"a":1,"b":2}},"id":"aud_1",' +
      '"merchantId":null,"occurredAt":"2026-01-02T03:04:05.678Z","originIp":null,"outcome":"success","reason":null,' +
      '"requestId":null,"resourceId":null,"resourceType":null,"sequence":1,"userAgent":null}';
    expect(computeAuditHash(GENESIS_HASH, entry)).toBe(
      createHash('sha256')
        .update(GENESIS_HASH + content)
        .digest('hex'),
    );
  });

  it('gives the same hash for an exported line (ISO time) as for the stored entry', () => {
    expect(computeAuditHash(GENESIS_HASH, { ...entry, occurredAt: '2026-01-02T03:04:05.678Z' })).toBe(
      computeAuditHash(GENESIS_HASH, entry),
    );
  });

  it('changes with any field and with the previous hash', () => {
    const base = computeAuditHash(GENESIS_HASH, entry);
    expect(computeAuditHash(GENESIS_HASH, { ...entry, outcome: 'failure' })).not.toBe(base);
    expect(computeAuditHash('1'.repeat(64), entry)).not.toBe(base);
  });
});
