import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { newId } from '@payrail/database';
import { Merchant } from './merchant.entity';

@Injectable()
export class MerchantService {
  constructor(@InjectRepository(Merchant) private readonly merchants: Repository<Merchant>) {}

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
}
