import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { generateSecret, type Base32Plugin, type CryptoPlugin, type HashAlgorithm } from '@otplib/core';
import { generate, verify } from '@otplib/totp';
import { generateTOTP } from '@otplib/uri';

/*
 * TOTP (RFC 6238) through otplib's engine with node:crypto and an RFC 4648 base32 codec as its
 * plugins. otplib's default plugins are ESM-only packages; these keep the engine loadable from
 * CommonJS (the API build and the test runner) with no extra dependency.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Encode(data: Uint8Array, options?: { padding?: boolean }): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  if (options?.padding) while (out.length % 8) out += '=';
  return out;
}

function base32Decode(text: string): Uint8Array {
  const clean = text.toUpperCase().replace(/=+$/, '').replace(/\s/g, '');
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = ALPHABET.indexOf(char);
    if (index < 0) throw new Error('the secret is not base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

const crypto: CryptoPlugin = {
  name: 'node',
  algorithms: ['sha1', 'sha256', 'sha512'],
  hmac: (algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array) =>
    new Uint8Array(createHmac(algorithm, key).update(data).digest()),
  randomBytes: (length: number) => new Uint8Array(randomBytes(length)),
  constantTimeEqual: (a: string | Uint8Array, b: string | Uint8Array) => {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  },
};
const base32: Base32Plugin = { name: 'rfc4648', encode: base32Encode, decode: base32Decode };

/** A new base32 secret of 20 random bytes, as authenticator apps expect. */
export function newTotpSecret(): string {
  return generateSecret({ crypto, base32, length: 20 });
}

export function totpUri(issuer: string, label: string, secret: string): string {
  return generateTOTP({ issuer, label, secret });
}

/** The code for `at` (tests and tooling). */
export function totpCode(secret: string, at: Date): Promise<string> {
  return generate({ secret, crypto, base32, epoch: Math.floor(at.getTime() / 1000) });
}

/**
 * The time step a code matches at `at` (±30 s of clock drift), or null. Steps at or before
 * `afterStep` are refused, so a code is good once.
 */
export async function totpStep(
  secret: string,
  code: string,
  at: Date,
  afterStep: number | null,
): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    crypto,
    base32,
    epoch: Math.floor(at.getTime() / 1000),
    epochTolerance: 30,
    ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
  });
  return result.valid ? result.timeStep : null;
}
