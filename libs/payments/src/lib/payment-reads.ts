import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type FindOptionsWhere } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { findRowById } from '@payrail/database';
import { PaymentEvent } from './entities/payment-event.entity';
import { Payment } from './entities/payment.entity';
import { Refund } from './entities/refund.entity';
import { ownerMerchant, ownerMode, ownerWhere, type PaymentOwner } from './payment-owner';
import type { PaymentStatus } from './payment-status';
import { PaymentTimeline } from './payment-timeline';

export interface ListPaymentsFilter {
  status?: PaymentStatus;
  gateway?: string;
  createdGte?: Date;
  createdLt?: Date;
  limit: number;
  startingAfter?: string;
}

/** A merchant's payments as they read them: one merchant's rows only (one mode's, for an API key), a missing one is a 404. */
@Injectable()
export class PaymentReads {
  constructor(
    private readonly timelines: PaymentTimeline,
    @InjectRepository(Payment) private readonly payments: Repository<Payment>,
    @InjectRepository(Refund) private readonly refunds: Repository<Refund>,
  ) {}

  async get(owner: PaymentOwner, id: string): Promise<Payment> {
    // Read by its key and checked here: the same answer as a lookup by id, merchant and mode.
    const payment = await findRowById(this.payments.manager, Payment, id);
    const mode = ownerMode(owner);
    if (!payment || payment.merchantId !== ownerMerchant(owner) || (mode && payment.mode !== mode))
      throw ApiError.notFound('payment', id);
    return payment;
  }

  async list(
    owner: PaymentOwner,
    filter: ListPaymentsFilter,
  ): Promise<{ data: Payment[]; hasMore: boolean }> {
    const where: FindOptionsWhere<Payment> = ownerWhere(owner);
    if (filter.status) where.status = filter.status;
    if (filter.gateway) where.gateway = filter.gateway;
    const qb = this.payments.createQueryBuilder('p').where(where);
    if (filter.createdGte) qb.andWhere('p.createdAt >= :gte', { gte: filter.createdGte });
    if (filter.createdLt) qb.andWhere('p.createdAt < :lt', { lt: filter.createdLt });
    if (filter.startingAfter) qb.andWhere('p.id < :after', { after: filter.startingAfter });
    const rows = await qb
      .orderBy('p.id', 'DESC')
      .take(filter.limit + 1)
      .getMany();
    return { data: rows.slice(0, filter.limit), hasMore: rows.length > filter.limit };
  }

  async timeline(owner: PaymentOwner, id: string): Promise<PaymentEvent[]> {
    await this.get(owner, id);
    return this.timelines.list(id);
  }

  async listRefunds(owner: PaymentOwner, paymentId: string): Promise<Refund[]> {
    await this.get(owner, paymentId);
    return this.refunds.find({ where: { paymentId }, order: { id: 'ASC' } });
  }
}
