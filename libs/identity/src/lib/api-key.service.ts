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

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Merchant API keys: shown once, stored as a SHA-256 hash (they carry 190 bits of randomness). */
@Injectable()
export class ApiKeyService {
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
    const key = await this.keys.findOneBy({ secretHash: hashSecret(secret), revokedAt: IsNull() });
    if (!key || (key.expiresAt && key.expiresAt.getTime() <= this.clock.now().getTime())) return null;
    const merchant = await this.merchants.findOneBy({ id: key.merchantId });
    if (!merchant) return null;
    const now = this.clock.now();
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000) {
      key.lastUsedAt = now;
      await this.keys.update({ id: key.id }, { lastUsedAt: now });
    }
    return { key, merchant };
  }

  async revoke(id: string, by: KeyActor = {}): Promise<ApiKey> {
    const key = await this.keys.findOneBy({ id });
    if (!key) throw new Error(`API key ${id} does not exist`);
    if (!key.revokedAt) {
      key.revokedAt = this.clock.now();
      await this.keys.update({ id }, { revokedAt: key.revokedAt });
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
