import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, LessThan, Repository, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { ApiError } from '@payrail/api-contract';
import { Dispute } from '../disputes/dispute.entity';
import { Payment } from '../entities/payment.entity';
import { Customer } from './customer.entity';
import { SavedPaymentMethod } from './saved-payment-method.entity';

export interface AdminCustomerSearch {
  mode?: 'test' | 'live';
  q?: string;
  limit: number;
  startingAfter?: string;
}

export interface AdminDisputeSearch {
  mode?: 'test' | 'live';
  status?: Dispute['status'];
  limit: number;
  startingAfter?: string;
}

/** How many of a customer's payments the console shows beside the customer. */
const RECENT_PAYMENTS = 20;

function scoped<T extends ObjectLiteral>(
  repo: Repository<T>,
  alias: string,
  merchantIds: string[] | 'all',
): SelectQueryBuilder<T> {
  const qb = repo.createQueryBuilder(alias);
  if (merchantIds === 'all') return qb.where('1 = 1');
  if (merchantIds.length === 0) return qb.where('1 = 0');
  return qb.where(`${alias}.merchantId IN (:...merchantIds)`, { merchantIds });
}

/**
 * The console's reads over customers, their saved cards and disputes, across the merchants an
 * admin may see. Read only: these change through the merchant API and the gateways' webhooks.
 */
@Injectable()
export class AdminCustomersService {
  constructor(
    @InjectRepository(Customer) private readonly customers: Repository<Customer>,
    @InjectRepository(SavedPaymentMethod) private readonly methods: Repository<SavedPaymentMethod>,
    @InjectRepository(Payment) private readonly payments: Repository<Payment>,
    @InjectRepository(Dispute) private readonly disputes: Repository<Dispute>,
  ) {}

  async searchCustomers(
    merchantIds: string[] | 'all',
    search: AdminCustomerSearch,
  ): Promise<{ data: Customer[]; hasMore: boolean }> {
    const qb = scoped(this.customers, 'c', merchantIds);
    if (search.mode) qb.andWhere('c.mode = :mode', { mode: search.mode });
    if (search.startingAfter) qb.andWhere({ id: LessThan(search.startingAfter) });
    const q = search.q?.trim();
    if (q) {
      const like = `%${q.toLowerCase().replace(/[%_\\]/g, '')}%`;
      qb.andWhere(
        new Brackets((w) => {
          w.where('c.id = :q', { q })
            .orWhere('LOWER(c.email) LIKE :like', { like })
            .orWhere('LOWER(c.name) LIKE :like', { like });
        }),
      );
    }
    const rows = await qb
      .orderBy('c.id', 'DESC')
      .take(search.limit + 1)
      .getMany();
    return { data: rows.slice(0, search.limit), hasMore: rows.length > search.limit };
  }

  async customer(
    merchantIds: string[] | 'all',
    id: string,
  ): Promise<{ customer: Customer; methods: SavedPaymentMethod[]; payments: Payment[] }> {
    const customer = await scoped(this.customers, 'c', merchantIds).andWhere('c.id = :id', { id }).getOne();
    if (!customer) throw ApiError.notFound('customer', id);
    const [methods, payments] = await Promise.all([
      this.methods.find({ where: { customerId: customer.id }, order: { id: 'ASC' } }),
      this.payments.find({
        where: { customerId: customer.id, merchantId: customer.merchantId },
        order: { createdAt: 'DESC', id: 'DESC' },
        take: RECENT_PAYMENTS,
      }),
    ]);
    return { customer, methods, payments };
  }

  async searchDisputes(
    merchantIds: string[] | 'all',
    search: AdminDisputeSearch,
  ): Promise<{ data: Dispute[]; hasMore: boolean }> {
    const qb = scoped(this.disputes, 'd', merchantIds);
    if (search.mode) qb.andWhere('d.mode = :mode', { mode: search.mode });
    if (search.status) qb.andWhere('d.status = :status', { status: search.status });
    if (search.startingAfter) qb.andWhere({ id: LessThan(search.startingAfter) });
    const rows = await qb
      .orderBy('d.id', 'DESC')
      .take(search.limit + 1)
      .getMany();
    return { data: rows.slice(0, search.limit), hasMore: rows.length > search.limit };
  }
}
