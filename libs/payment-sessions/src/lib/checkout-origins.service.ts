import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { newId, TransactionRunner } from '@payrail/database';
import { CheckoutOrigin } from './checkout-origin.entity';

/** The origins whose pages may call a merchant's sessions from the browser (CORS), replaced as a whole. */
@Injectable()
export class CheckoutOriginsService {
  constructor(
    private readonly tx: TransactionRunner,
    @InjectRepository(CheckoutOrigin) private readonly origins: Repository<CheckoutOrigin>,
  ) {}

  async list(merchantId: string): Promise<string[]> {
    return (await this.origins.find({ where: { merchantId }, order: { origin: 'ASC' } })).map(
      (o) => o.origin,
    );
  }

  async replace(merchantId: string, origins: string[]): Promise<string[]> {
    const wanted = [...new Set(origins.map((o) => new URL(o).origin))];
    await this.tx.run(async (m) => {
      await m.delete(CheckoutOrigin, { merchantId });
      for (const origin of wanted)
        await m.save(m.create(CheckoutOrigin, { id: newId('cko'), merchantId, origin }));
    });
    return this.list(merchantId);
  }

  async allows(merchantId: string, origin: string): Promise<boolean> {
    return this.origins.existsBy({ merchantId, origin });
  }
}
