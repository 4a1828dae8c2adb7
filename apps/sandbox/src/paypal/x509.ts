import { createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * A minimal DER writer, enough to issue one self-signed X.509 v3 certificate for the sandbox's
 * webhook signing key: node's crypto makes keys and signatures but not certificates.
 */
function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
const sequence = (...items: Buffer[]) => tlv(0x30, ...items);
const set = (...items: Buffer[]) => tlv(0x31, ...items);
const integer = (value: Buffer) =>
  tlv(0x02, value[0] & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value);
const oid = (hex: string) => tlv(0x06, Buffer.from(hex, 'hex'));
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));
const bitString = (bytes: Buffer) => tlv(0x03, Buffer.from([0]), bytes);
const NULL = Buffer.from([0x05, 0x00]);

const SHA256_WITH_RSA = oid('2a864886f70d01010b');
const COMMON_NAME = oid('550403');
const ORGANIZATION = oid('55040a');

function utcTime(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-11-30T02:23:00.000Z
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

function name(commonName: string, organization: string): Buffer {
  return sequence(
    set(sequence(ORGANIZATION, utf8(organization))),
    set(sequence(COMMON_NAME, utf8(commonName))),
  );
}

/** A self-signed certificate for `privateKey`'s public key, in PEM. */
export function selfSignedCertificate(
  privateKey: KeyObject,
  subject: { commonName: string; organization: string },
  validDays = 365,
): string {
  // A positive serial with no leading zero byte: DER integers must be minimal.
  const serial = randomBytes(8);
  serial[0] = (serial[0] & 0x7f) | 0x01;
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const algorithm = sequence(SHA256_WITH_RSA, NULL);
  const now = Date.now();
  const tbs = sequence(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    algorithm,
    name(subject.commonName, subject.organization),
    sequence(utcTime(new Date(now - 3600_000)), utcTime(new Date(now + validDays * 86400_000))),
    name(subject.commonName, subject.organization),
    spki,
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, algorithm, bitString(signature));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
