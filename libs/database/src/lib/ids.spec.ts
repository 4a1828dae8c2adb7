import { newId, randomHex } from './ids';

describe('newId', () => {
  it('gives prefixed ids of 26 Crockford base32 characters, all different, sorted by creation', () => {
    // More ids than one pool of random bytes holds, so the pool is refilled on the way.
    const ids = Array.from({ length: 2000 }, () => newId('pay'));
    for (const id of ids) expect(id).toMatch(/^pay_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('draws fresh randomness once the millisecond changes', async () => {
    const first = newId('att');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = newId('att');
    expect(second.slice(14)).not.toBe(first.slice(14));
  });
});

describe('randomHex', () => {
  it('gives hex of the asked length, different each time, across refills of the pool', () => {
    const values = Array.from({ length: 1000 }, () => randomHex(12));
    for (const value of values) expect(value).toMatch(/^[0-9a-f]{24}$/);
    expect(new Set(values).size).toBe(values.length);
  });
});
