import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Keyring, masterKeyFrom } from './secret-box';

export interface KeyringSource {
  /** PAYRAIL_MASTER_KEY: 32 random bytes, base64. */
  masterKey?: string;
  /** PAYRAIL_MASTER_KEY_PREVIOUS: earlier keys, comma-separated, still able to open old values. */
  previousKeys?: string;
  production: boolean;
  dataDir: string;
  warn: (message: string) => void;
}

export const MASTER_KEY_FILE = 'master.key';

/**
 * The master key comes from the environment. In production there is no other way; on the
 * embedded default a key is generated once into the data folder, with a warning.
 */
export function loadKeyring(source: KeyringSource): Keyring {
  const previous = (source.previousKeys ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map(masterKeyFrom);
  if (source.masterKey) return new Keyring(masterKeyFrom(source.masterKey), previous);
  if (source.production) {
    throw new Error(
      'PAYRAIL_MASTER_KEY is missing: expected 32 random bytes in base64 (openssl rand -base64 32); production never generates one',
    );
  }
  const file = join(source.dataDir, MASTER_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(source.dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    source.warn(
      `PAYRAIL_MASTER_KEY is not set: generated a master key in ${file}. Set PAYRAIL_MASTER_KEY in production.`,
    );
  }
  chmodSync(file, 0o600);
  return new Keyring(masterKeyFrom(readFileSync(file, 'utf8').trim()), previous);
}
