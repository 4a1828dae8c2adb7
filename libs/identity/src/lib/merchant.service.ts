import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import type { AuditRecordInput } from '@payrail/audit';
import { newId } from '@payrail/database';
import { IdentityAudit } from './identity-audit';
import { Merchant } from './merchant.entity';

@Injectable()
export class MerchantService {
  constructor(
    @InjectRepository(Merchant) private readonly merchants: Repository<Merchant>,
    private readonly audit: IdentityAudit,
  ) {}

  /** The merchant created on first start; there is always exactly one default. */
  async ensureDefault(): Promise<Merchant> {
    const existing = await this.merchants.findOneBy({ isDefault: true });
    if (existing) return existing;
    return this.merchants.save(
      this.merchants.create({ id: newId('mer'), name: 'Default merchant', isDefault: true }),
    );
  }

  /** Resolves `default` or an id; throws a message naming what was not found. */
  async resolve(idOrDefault: string): Promise<Merchant> {
    const merchant =
      idOrDefault === 'default'
        ? await this.merchants.findOneBy({ isDefault: true })
        : await this.merchants.findOneBy({ id: idOrDefault });
    if (!merchant) throw new Error(`merchant '${idOrDefault}' does not exist`);
    return merchant;
  }

  /** `ids` from `merchantFilter`: a list, or `all`. */
  list(ids: string[] | 'all'): Promise<Merchant[]> {
    if (ids !== 'all' && !ids.length) return Promise.resolve([]);
    return this.merchants.find({ where: ids === 'all' ? {} : { id: In(ids) }, order: { createdAt: 'ASC' } });
  }

  async get(id: string): Promise<Merchant> {
    const merchant = await this.merchants.findOneBy({ id });
    if (!merchant) throw ApiError.notFound('merchant', id);
    return merchant;
  }

  async create(name: string, actorId: string, origin?: AuditRecordInput['origin']): Promise<Merchant> {
    const merchant = await this.merchants.save(
      this.merchants.create({ id: newId('mer'), name, isDefault: false }),
    );
    await this.audit.record({
      actor: { type: 'user', id: actorId },
      action: 'merchant.created',
      origin,
      merchantId: merchant.id,
      resource: { type: 'merchant', id: merchant.id },
      change: { after: { name } },
    });
    return merchant;
  }

  async rename(
    merchant: Merchant,
    name: string,
    actorId: string,
    origin?: AuditRecordInput['origin'],
  ): Promise<Merchant> {
    await this.merchants.update({ id: merchant.id }, { name });
    await this.audit.record({
      actor: { type: 'user', id: actorId },
      action: 'merchant.updated',
      origin,
      merchantId: merchant.id,
      resource: { type: 'merchant', id: merchant.id },
      change: { before: { name: merchant.name }, after: { name } },
    });
    return this.get(merchant.id);
  }
}
