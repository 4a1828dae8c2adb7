import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A 32-byte AES-256 master key and the id stored beside everything it wraps. */
export interface MasterKey {
  id: string;
  key: Buffer;
}

export function masterKeyFrom(base64: string): MasterKey {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error('a master key must be 32 bytes, base64-encoded');
  return { id: `mk_${createHash('sha256').update(key).digest('hex').slice(0, 12)}`, key };
}

/** The current master key seals; older ones still open what they wrapped until it is rewrapped. */
export class Keyring {
  private readonly byId = new Map<string, MasterKey>();

  constructor(
    readonly current: MasterKey,
    previous: MasterKey[] = [],
  ) {
    for (const key of [current, ...previous]) this.byId.set(key.id, key);
  }

  /** Every loaded key, the current one first: what a rotation keeps able to open old values. */
  loaded(): MasterKey[] {
    return [...this.byId.values()];
  }

  get(id: string): MasterKey {
    const key = this.byId.get(id);
    if (!key)
      throw new Error(
        `master key ${id} is not loaded; set it in PAYRAIL_MASTER_KEY_PREVIOUS to read what it sealed`,
      );
    return key;
  }
}

/** The stored form: each secret under its own data key, the data key wrapped by a master key. */
interface Sealed {
  v: 1;
  kid: string;
  dk: string;
  iv: string;
  tag: string;
  ct: string;
}

function encrypt(key: Buffer, plaintext: Buffer) {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ct };
}

function decrypt(key: Buffer, iv: Buffer, tag: Buffer, ct: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ct), decipher.final()]);
}

/** Envelope encryption with AES-256-GCM. */
export class SecretBox {
  constructor(private readonly keyring: Keyring) {}

  get currentKeyId(): string {
    return this.keyring.current.id;
  }

  seal(plaintext: string): string {
    const dataKey = randomBytes(32);
    const body = encrypt(dataKey, Buffer.from(plaintext, 'utf8'));
    const sealed: Sealed = {
      v: 1,
      kid: this.keyring.current.id,
      dk: this.wrap(dataKey),
      iv: body.iv.toString('base64'),
      tag: body.tag.toString('base64'),
      ct: body.ct.toString('base64'),
    };
    dataKey.fill(0);
    return JSON.stringify(sealed);
  }

  open(stored: string): string {
    const sealed = this.parse(stored);
    const dataKey = this.unwrap(sealed);
    try {
      return decrypt(
        dataKey,
        Buffer.from(sealed.iv, 'base64'),
        Buffer.from(sealed.tag, 'base64'),
        Buffer.from(sealed.ct, 'base64'),
      ).toString('utf8');
    } finally {
      dataKey.fill(0);
    }
  }

  /** Which master key sealed this value. */
  keyIdOf(stored: string): string {
    return this.parse(stored).kid;
  }

  /** Re-wraps the data key under the current master key; the secret itself is never decrypted. */
  rewrap(stored: string): string {
    const sealed = this.parse(stored);
    if (sealed.kid === this.keyring.current.id) return stored;
    const dataKey = this.unwrap(sealed);
    try {
      return JSON.stringify({ ...sealed, kid: this.keyring.current.id, dk: this.wrap(dataKey) });
    } finally {
      dataKey.fill(0);
    }
  }

  private wrap(dataKey: Buffer): string {
    const { iv, tag, ct } = encrypt(this.keyring.current.key, dataKey);
    return Buffer.concat([iv, tag, ct]).toString('base64');
  }

  private unwrap(sealed: Sealed): Buffer {
    const raw = Buffer.from(sealed.dk, 'base64');
    return decrypt(
      this.keyring.get(sealed.kid).key,
      raw.subarray(0, 12),
      raw.subarray(12, 28),
      raw.subarray(28),
    );
  }

  private parse(stored: string): Sealed {
    const sealed = JSON.parse(stored) as Sealed;
    if (sealed?.v !== 1 || !sealed.kid || !sealed.dk || !sealed.ct) throw new Error('not a sealed secret');
    return sealed;
  }
}
