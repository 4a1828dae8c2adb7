import { randomBytes } from 'node:crypto';
import { Keyring, masterKeyFrom, SecretBox } from './secret-box';

const key = () => masterKeyFrom(randomBytes(32).toString('base64'));

describe('SecretBox', () => {
  it('round-trips a secret, and the stored form never contains it', () => {
    const box = new SecretBox(new Keyring(key()));
    const sealed = box.seal('sk_test_4eC39HqLyjWDarjtT1zdp7dc');
    expect(sealed).not.toContain('sk_test');
    expect(sealed).not.toContain(Buffer.from('sk_test_4eC39HqLyjWDarjtT1zdp7dc').toString('base64'));
    expect(box.open(sealed)).toBe('sk_test_4eC39HqLyjWDarjtT1zdp7dc');
  });

  it('gives every secret its own data key', () => {
    const box = new SecretBox(new Keyring(key()));
    expect(JSON.parse(box.seal('same')).dk).not.toBe(JSON.parse(box.seal('same')).dk);
  });

  it('rewraps under a new master key without touching the ciphertext, and old values stay readable meanwhile', () => {
    const oldKey = key();
    const newKey = key();
    const sealed = new SecretBox(new Keyring(oldKey)).seal('whsec_abcdefgh12345678');
    const rotated = new SecretBox(new Keyring(newKey, [oldKey]));
    expect(rotated.open(sealed)).toBe('whsec_abcdefgh12345678');
    const rewrapped = rotated.rewrap(sealed);
    expect(JSON.parse(rewrapped).ct).toBe(JSON.parse(sealed).ct);
    expect(rotated.keyIdOf(rewrapped)).toBe(newKey.id);
    expect(new SecretBox(new Keyring(newKey)).open(rewrapped)).toBe('whsec_abcdefgh12345678');
    expect(() => new SecretBox(new Keyring(newKey)).open(sealed)).toThrow(/not loaded/);
  });

  it('refuses a tampered value', () => {
    const box = new SecretBox(new Keyring(key()));
    const sealed = JSON.parse(box.seal('secret-value'));
    sealed.ct = Buffer.from(
      'x' + Buffer.from(sealed.ct, 'base64').toString('latin1').slice(1),
      'latin1',
    ).toString('base64');
    expect(() => box.open(JSON.stringify(sealed))).toThrow();
  });
});
