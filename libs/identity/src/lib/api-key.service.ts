import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Repository } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import type { AuditRecordInput } from '@payrail/audit';
import { newId } from '@payrail/database';
import { ApiKey, type KeyMode } from './api-key.entity';
import { Clock } from './clock';
import { IdentityAudit } from './identity-audit';
import { Merchant } from './merchant.entity';

export const API_KEY_SCOPES = ['payments:read', 'payments:write', 'refunds:write', 'reports:read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface CreateApiKeyOptions {
  merchantId: string;
  mode: KeyMode;
  name?: string;
  scopes?: ApiKeyScope[];
  expiresAt?: Date | null;
}

/** Who asked for a key change, for the audit trail; the CLI passes none and is recorded as the system. */
export interface KeyActor {
  actorId?: string;
  origin?: AuditRecordInput['origin'];
}

export interface AuthenticatedKey {
  key: ApiKey;
  merchant: Merchant;
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * How long an authenticated key is trusted without reading it again. A revocation made through
 * this process takes effect at once; one made by another instance within this long.
 */
export const API_KEY_CACHE_MS = 1_000;
const API_KEY_CACHE_MAX = 10_000;

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Merchant API keys: shown once, stored as a SHA-256 hash (they carry 190 bits of randomness). */
@Injectable()
export class ApiKeyService {
  /** Authenticated keys by secret hash, so a request reads no key row while its entry is fresh. */
  private readonly recent = new Map<string, { value: AuthenticatedKey; until: number }>();
  /** Bumped by every change, so a read that raced a revocation is not cached. */
  private generation = 0;

  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    @InjectRepository(Merchant) private readonly merchants: Repository<Merchant>,
    private readonly clock: Clock,
    private readonly audit: IdentityAudit,
  ) {}

  async create(options: CreateApiKeyOptions, by: KeyActor = {}): Promise<{ key: ApiKey; secret: string }> {
    const merchant = await this.merchants.findOneBy({ id: options.merchantId });
    if (!merchant) throw new Error(`merchant ${options.merchantId} does not exist`);
    const bytes = randomBytes(32);
    const body = [...bytes].map((b) => KEY_ALPHABET[b % KEY_ALPHABET.length]).join('');
    const secret = `pr_${options.mode}_${body}`;
    const key = this.keys.create({
      id: newId('key'),
      merchantId: merchant.id,
      mode: options.mode,
      name: options.name ?? '',
      prefix: secret.slice(0, 14),
      secretHash: hashSecret(secret),
      scopes: options.scopes ?? [...API_KEY_SCOPES],
      expiresAt: options.expiresAt ?? null,
      lastUsedAt: null,
      revokedAt: null,
    });
    await this.keys.save(key);
    await this.audit.record({
      actor: by.actorId ? { type: 'user', id: by.actorId } : { type: 'system' },
      action: 'api_key.created',
      origin: by.origin,
      merchantId: key.merchantId,
      resource: { type: 'api_key', id: key.id },
      change: {
        after: {
          name: key.name,
          mode: key.mode,
          prefix: key.prefix,
          scopes: key.scopes,
          expires_at: key.expiresAt?.toISOString() ?? null,
        },
      },
    });
    return { key, secret };
  }

  /** The key and its merchant, or null for any key that is unknown, revoked or expired: callers can't tell which. */
  async authenticate(secret: string): Promise<AuthenticatedKey | null> {
    if (!/^pr_(test|live)_[A-Za-z0-9]{32,64}$/.test(secret)) return null;
    const secretHash = hashSecret(secret);
    const now = this.clock.now();
    const cached = this.recent.get(secretHash);
    if (cached && cached.until > now.getTime()) {
      const { key } = cached.value;
      if (!key.expiresAt || key.expiresAt.getTime() > now.getTime()) return cached.value;
    }
    this.recent.delete(secretHash);
    const generation = this.generation;
    const key = await this.keys.findOneBy({ secretHash, revokedAt: IsNull() });
    if (!key || (key.expiresAt && key.expiresAt.getTime() <= now.getTime())) return null;
    const merchant = await this.merchants.findOneBy({ id: key.merchantId });
    if (!merchant) return null;
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000) {
      key.lastUsedAt = now;
      await this.keys.update({ id: key.id }, { lastUsedAt: now });
    }
    if (generation !== this.generation) return { key, merchant };
    if (this.recent.size >= API_KEY_CACHE_MAX) this.recent.clear();
    this.recent.set(secretHash, { value: { key, merchant }, until: now.getTime() + API_KEY_CACHE_MS });
    return { key, merchant };
  }

  /** Forgets what was cached of a key, so a change to it holds from the next request. */
  private forget(id: string): void {
    this.generation++;
    for (const [hash, entry] of this.recent) if (entry.value.key.id === id) this.recent.delete(hash);
  }

  async revoke(id: string, by: KeyActor = {}): Promise<ApiKey> {
    const key = await this.keys.findOneBy({ id });
    if (!key) throw new Error(`API key ${id} does not exist`);
    if (!key.revokedAt) {
      key.revokedAt = this.clock.now();
      await this.keys.update({ id }, { revokedAt: key.revokedAt });
      this.forget(id);
      await this.audit.record({
        actor: by.actorId ? { type: 'user', id: by.actorId } : { type: 'system' },
        action: 'api_key.revoked',
        origin: by.origin,
        merchantId: key.merchantId,
        resource: { type: 'api_key', id: key.id },
      });
    }
    return key;
  }

  async get(id: string): Promise<ApiKey> {
    const key = await this.keys.findOneBy({ id });
    if (!key) throw ApiError.notFound('API key', id);
    return key;
  }

  list(merchantId: string): Promise<ApiKey[]> {
    return this.keys.find({ where: { merchantId }, order: { createdAt: 'DESC' } });
  }

  /** Keys of several merchants (`all` for every one), newest first. */
  listFor(merchantIds: string[] | 'all'): Promise<ApiKey[]> {
    if (merchantIds !== 'all' && !merchantIds.length) return Promise.resolve([]);
    return this.keys.find({
      where: merchantIds === 'all' ? {} : { merchantId: In(merchantIds) },
      order: { createdAt: 'DESC' },
    });
  }
}
