import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `<session id>_secret_<40 hex>`: the browser's only credential for its session. */
export function newClientSecret(sessionId: string): string {
  return `${sessionId}_secret_${randomBytes(20).toString('hex')}`;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Whether `secret` is this session's, compared in constant time over the hashes. */
export function clientSecretMatches(sessionId: string, secret: string, storedHash: string): boolean {
  if (!secret.startsWith(`${sessionId}_secret_`)) return false;
  const given = Buffer.from(sha256Hex(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
